"""One entry point for every SIECLE file: zip, XML or CSV, told apart by content and name."""

from __future__ import annotations

import lzma
import shutil
import tempfile
import zipfile
import zlib
from pathlib import PurePosixPath
from typing import BinaryIO

from roster.domain.errors import MAX_FILE_BYTES, ErrorCode, SiecleImportError
from roster.domain.records import RosterFile
from roster.reading.csv_reader import read_csv
from roster.reading.text import LimitedReader
from roster.reading.xml_reader import read_xml

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # an archive, an empty archive


def read_roster_file(file: BinaryIO, filename: str) -> RosterFile:
    """Read a SIECLE export (``RosterFileReader``); raise ``SiecleImportError`` when refused."""
    if getattr(file, "seekable", lambda: False)():
        return _read_seekable(file, filename)
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        shutil.copyfileobj(LimitedReader(file), spool)  # zip archives need seeking
        spool.seek(0)
        return _read_seekable(spool, filename)  # type: ignore[arg-type]


def _read_seekable(file: BinaryIO, filename: str) -> RosterFile:
    start = file.read(4)
    file.seek(0)
    suffix = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    if start in ZIP_MAGIC or suffix == ".zip":
        return _read_zip(file)
    if suffix == ".csv":
        return read_csv(file)
    if suffix == ".xml" or (not suffix and start.lstrip().startswith((b"<", b"\xef\xbb\xbf<"))):
        return read_xml(file)
    raise SiecleImportError.single(ErrorCode.UNSUPPORTED_FILE_TYPE)


# What a damaged archive raises from ``zipfile`` or its decompressors (found by fuzzing,
# benchmarks/fuzz.py): a header offset pointing before the file start (ValueError from
# seek), corrupt deflate/bzip2/lzma streams (zlib.error, OSError, LZMAError).
_BROKEN_ARCHIVE = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError,
                   EOFError, zlib.error, lzma.LZMAError, OSError)


def _read_zip(file: BinaryIO) -> RosterFile:
    try:
        with zipfile.ZipFile(file) as archive:
            member = _the_xml_member(archive)
            if member.file_size > MAX_FILE_BYTES:
                raise SiecleImportError.single(ErrorCode.FILE_TOO_LARGE,
                                               limit=MAX_FILE_BYTES // (1024 * 1024))
            try:
                xml = archive.open(member)
            except ValueError:  # a local header offset before the start of the file
                raise SiecleImportError.single(ErrorCode.INVALID_ZIP) from None
            with xml:
                return read_xml(xml)  # type: ignore[arg-type]
    except _BROKEN_ARCHIVE:
        raise SiecleImportError.single(ErrorCode.INVALID_ZIP) from None


def _the_xml_member(archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    """Exactly one ``.xml`` not starting with a dot; ``__MACOSX/`` and folders ignored."""
    xml, others = [], []
    for info in archive.infolist():
        path = PurePosixPath(info.filename.replace("\\", "/"))
        if info.is_dir() or (path.parts and path.parts[0] == "__MACOSX"):
            continue
        if path.suffix.lower() == ".xml" and not path.name.startswith("."):
            xml.append(info)
        else:
            others.append(info)
    if len(xml) > 1:
        raise SiecleImportError.single(ErrorCode.ZIP_SEVERAL_XML)
    if not xml:
        raise SiecleImportError.single(ErrorCode.ZIP_NO_XML)
    if others:
        raise SiecleImportError.single(ErrorCode.ZIP_UNEXPECTED_FILE)
    return xml[0]
