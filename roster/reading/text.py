"""Bytes to text, strictly: a size limit, a strict decoder, and a mojibake detector."""

from __future__ import annotations

import codecs
import io
import re
from typing import BinaryIO

from roster.domain.errors import MAX_FILE_BYTES, ErrorCode, SiecleImportError

ACCEPTED_ENCODINGS = frozenset({"utf-8", "iso8859-15", "iso8859-1", "cp1252", "ascii"})
_CHUNK = 64 * 1024
# C1 controls never appear in names: they are Windows-1252 bytes read as ISO-8859-x.
_C1_CONTROLS = re.compile("[\u0080-\u009f]")


def canonical_encoding(name: str) -> str:
    """The codec name of an accepted encoding, or ``unsupported_encoding``."""
    try:
        codec = codecs.lookup(name).name
    except (LookupError, ValueError):  # ValueError: a NUL in the name (found by fuzzing)
        codec = ""
    if codec not in ACCEPTED_ENCODINGS:
        raise SiecleImportError.single(ErrorCode.UNSUPPORTED_ENCODING, encoding=name[:40])
    return codec


class LimitedReader(io.RawIOBase):
    """Reads a binary stream, refusing more than ``limit`` bytes (zip bombs included)."""

    def __init__(self, raw: BinaryIO, limit: int = MAX_FILE_BYTES, head: bytes = b"") -> None:
        super().__init__()
        self._raw, self._limit, self._head, self._count = raw, limit, head, 0

    def read(self, size: int = -1) -> bytes:
        if self._head:
            data, self._head = self._head, b""
        else:
            data = self._raw.read(_CHUNK if size is None or size < 0 else size)
        self._count += len(data)
        if self._count > self._limit:
            raise SiecleImportError.single(ErrorCode.FILE_TOO_LARGE,
                                           limit=self._limit // (1024 * 1024))
        return data

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class DecodingReader:
    """A text stream over bytes decoded strictly; bad bytes raise ``invalid_encoding``."""

    def __init__(self, raw: LimitedReader, encoding: str) -> None:
        self._raw, self.encoding = raw, encoding
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="strict")

    def read(self, size: int = -1) -> str:
        while True:
            chunk = self._raw.read(_CHUNK)
            try:
                text = self._decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError:
                raise invalid_encoding(self.encoding) from None
            if text or not chunk:
                return text


def invalid_encoding(encoding: str, location: str | None = None) -> SiecleImportError:
    return SiecleImportError.single(ErrorCode.INVALID_ENCODING, location,
                                    encoding=encoding.upper())


def check_not_mojibake(value: str, encoding: str, location: str) -> None:
    """Refuse UTF-8 read as a single-byte encoding ("LÃ©a") and stray control bytes."""
    if value.isascii():
        return
    if _C1_CONTROLS.search(value) or _utf8_in_disguise(value):
        raise invalid_encoding(encoding, location)


def _utf8_in_disguise(value: str) -> bool:
    for single_byte in ("cp1252", "iso8859-15", "iso8859-1"):
        try:
            value.encode(single_byte).decode("utf-8")
        except UnicodeError:
            continue
        return True  # non-ASCII text that is valid UTF-8 once re-encoded: mojibake
    return False
