"""Reading SIECLE files: XML raw or zipped, encodings, hostile XML, CSV variant."""

import io
import zipfile
from dataclasses import replace

import pytest

from roster.domain.errors import ErrorCode, SiecleImportError
from roster.domain.records import validate_roster
from roster.reading import read_roster_file
from roster.reading.csv_reader import template_header
from roster.reading.synthetic import SyntheticPupil, siecle_csv, siecle_xml

UAI = "0351234A"


def pupil(n: int, **changes) -> SyntheticPupil:
    base = SyntheticPupil(eleve_id=str(1000 + n), ine=f"{n:09d}AB", last_name="LEFÈVRE",
                          first_name="Léa", birthdate="14/03/2011", sex_code="2",
                          division="3A")
    return replace(base, **changes)


def read(data: bytes, filename: str = "ElevesSansAdresses.xml"):
    return read_roster_file(io.BytesIO(data), filename)


def learners(data: bytes, filename: str = "ElevesSansAdresses.xml"):
    return validate_roster(read(data, filename), UAI)


def refused(data: bytes, filename: str = "ElevesSansAdresses.xml") -> list[tuple]:
    with pytest.raises(SiecleImportError) as caught:
        learners(data, filename)
    return [(e.code, e.location) for e in caught.value.errors]


def zipped(*entries: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()


# --- XML ------------------------------------------------------------------------------

def test_accents_compound_names_and_iso_8859_15_are_read_exactly():
    pupils = [pupil(1, last_name="N'DIAYE-LŒUVRE", usage_name="De La Fontaine",
                    first_name="Jean-Baptiste", second_name="Cœlia", third_name="Ève"),
              pupil(2, division="6B", sex_code="1", birthdate="29/02/2012")]
    first, second = learners(siecle_xml(pupils, UAI))

    assert (first.last_name, first.usage_name) == ("N'DIAYE-LŒUVRE", "De La Fontaine")
    assert (first.first_name, first.second_name, first.third_name) == (
        "Jean-Baptiste", "Cœlia", "Ève")
    assert first.sex == "F"
    assert first.birth_city_code == "35238"
    assert first.division == "3A"
    assert second.sex == "M"
    assert second.birthdate.isoformat() == "2012-02-29"
    assert second.division == "6B"
    assert second.usage_name is None


def test_homonyms_are_distinct_learners():
    pupils = [pupil(1), pupil(2)]  # same names, same birth date, other INE
    assert [x.ine for x in learners(siecle_xml(pupils, UAI))] == ["000000001AB", "000000002AB"]


@pytest.mark.parametrize("encoding", ["UTF-8", "ISO-8859-15", "ISO-8859-1", "windows-1252"])
def test_the_encoding_comes_from_the_prolog(encoding):
    assert learners(siecle_xml([pupil(1)], UAI, encoding))[0].last_name == "LEFÈVRE"


def test_without_prolog_the_file_is_utf8():
    data = siecle_xml([pupil(1)], UAI, "UTF-8", prolog="")
    assert learners(data)[0].first_name == "Léa"


def test_utf8_with_bom_is_read():
    assert learners(b"\xef\xbb\xbf" + siecle_xml([pupil(1)], UAI, "UTF-8"))[0].ine


def test_utf8_bytes_declared_iso_8859_15_are_refused_not_imported_as_mojibake():
    data = siecle_xml([pupil(1)], UAI, "UTF-8",
                      prolog='<?xml version="1.0" encoding="ISO-8859-15"?>')
    assert refused(data) == [(ErrorCode.INVALID_ENCODING, "ELEVE_ID=1001")]


def test_mojibake_already_in_a_utf8_file_is_refused():
    data = siecle_xml([pupil(1, first_name="LÃ©a")], UAI, "UTF-8")
    assert refused(data) == [(ErrorCode.INVALID_ENCODING, "ELEVE_ID=1001")]


def test_latin_bytes_declared_utf8_are_refused():
    data = siecle_xml([pupil(1)], UAI, "ISO-8859-15",
                      prolog='<?xml version="1.0" encoding="UTF-8"?>')
    assert refused(data) == [(ErrorCode.INVALID_ENCODING, None)]


def test_windows_1252_bytes_declared_iso_8859_15_are_refused():
    data = siecle_xml([pupil(1, first_name="Zoë’s")], UAI, "windows-1252",
                      prolog='<?xml version="1.0" encoding="ISO-8859-15"?>')
    assert refused(data) == [(ErrorCode.INVALID_ENCODING, "ELEVE_ID=1001")]


@pytest.mark.parametrize("declared", ["EBCDIC-FR", "UTF-16", "nonsense"])
def test_unknown_or_unsupported_encodings_are_refused(declared):
    data = siecle_xml([pupil(1)], UAI, "UTF-8",
                      prolog=f'<?xml version="1.0" encoding="{declared}"?>')
    assert refused(data) == [(ErrorCode.UNSUPPORTED_ENCODING, None)]


def test_utf16_bom_is_an_unsupported_encoding():
    data = siecle_xml([pupil(1)], UAI, "UTF-16", prolog="")
    assert refused(data) == [(ErrorCode.UNSUPPORTED_ENCODING, None)]


BILLION_LAUGHS = ('<!DOCTYPE BEE_ELEVES [<!ENTITY lol "lol">'
                  '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                  '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')


@pytest.mark.parametrize("doctype", [
    BILLION_LAUGHS,
    '<!DOCTYPE BEE_ELEVES [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE BEE_ELEVES [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/secret">]>',
    '<!DOCTYPE BEE_ELEVES SYSTEM "http://127.0.0.1:9/siecle.dtd">',
    '<!DOCTYPE BEE_ELEVES SYSTEM "file:///etc/passwd">',
    '<!DOCTYPE BEE_ELEVES>',
], ids=["billion-laughs", "xxe-file", "xxe-http", "external-dtd-http", "external-dtd-file",
        "bare-doctype"])
def test_any_doctype_is_refused_before_anything_is_fetched_or_expanded(doctype):
    pupils = [pupil(1, last_name="&xxe;" if "xxe" in doctype else "LOL")]
    data = siecle_xml(pupils, UAI, doctype=doctype).replace(b"&amp;xxe;", b"&xxe;")
    assert refused(data) == [(ErrorCode.XML_DTD_FORBIDDEN, None)]


def test_an_undeclared_entity_is_an_invalid_file():
    data = siecle_xml([pupil(1, last_name="X")], UAI).replace(b">X<", b">&lol;<")
    assert [code for code, _ in refused(data)] == [ErrorCode.INVALID_FILE]


@pytest.mark.parametrize("data", [b"<BEE_ELEVES><PARAMETRES>", b"not xml at all <",
                                  b"<?xml version='1.0'?><OTHER_ROOT/>"])
def test_broken_or_foreign_xml_is_an_invalid_file(data):
    assert [code for code, _ in refused(data)] == [ErrorCode.INVALID_FILE]


def test_the_uai_must_be_the_organisation_one():
    assert refused(siecle_xml([pupil(1)], "0561641E")) == [(ErrorCode.UAI_MISMATCH, None)]
    missing = siecle_xml([pupil(1)], UAI).replace(b"<UAJ>0351234A</UAJ>", b"")
    assert refused(missing) == [(ErrorCode.UAI_MISSING, None)]


def test_left_pupils_pupils_without_ine_and_without_class_are_skipped_and_counted():
    pupils = [pupil(1), pupil(2, left_on="15/01/2025", birthdate=None),
              pupil(3, ine=""), pupil(4, ine=None), pupil(5, division=None, sex_code=None),
              pupil(6, division=None, extra_structures=[("GRP1", "G")])]
    roster = read(siecle_xml(pupils, UAI))

    assert [p.location for p in roster.pupils] == ["ELEVE_ID=1001"]
    assert roster.skipped == {"left": 1, "without_ine": 2, "without_class": 2}
    assert len(validate_roster(roster, UAI)) == 1


def test_every_pupil_error_has_its_code_and_location():
    pupils = [pupil(1), pupil(2, ine="000000001ab"), pupil(3, birthdate=None),
              pupil(4, birthdate="2011-03-14"), pupil(5, birthdate="31/02/2011"),
              pupil(6, sex_code=None), pupil(7, sex_code="3"), pupil(8, city_code=None),
              pupil(9, city_code=None, country_code="216"), pupil(10, last_name=""),
              pupil(11, first_name=None), pupil(12, division="X" * 300)]
    assert refused(siecle_xml(pupils, UAI)) == [
        (ErrorCode.BIRTHDATE_MISSING, "ELEVE_ID=1003"),
        (ErrorCode.BIRTHDATE_INVALID, "ELEVE_ID=1004"),
        (ErrorCode.BIRTHDATE_INVALID, "ELEVE_ID=1005"),
        (ErrorCode.SEX_MISSING, "ELEVE_ID=1006"),
        (ErrorCode.SEX_INVALID, "ELEVE_ID=1007"),
        (ErrorCode.BIRTH_CITY_CODE_MISSING, "ELEVE_ID=1008"),
        (ErrorCode.VALUE_MISSING, "ELEVE_ID=1010"),
        (ErrorCode.VALUE_MISSING, "ELEVE_ID=1011"),
        (ErrorCode.VALUE_TOO_LONG, "ELEVE_ID=1012"),
        (ErrorCode.INE_DUPLICATED, "ELEVE_ID=1002"),
    ]


def test_messages_are_french_and_never_quote_personal_data():
    with pytest.raises(SiecleImportError) as caught:
        learners(siecle_xml([pupil(1), pupil(2, ine="000000001AB", birthdate="1/1/11")], UAI))
    text = " ".join(e.message for e in caught.value.errors) + str(caught.value)
    assert "INE" in text
    assert "date de naissance" in text
    for personal in ("000000001AB", "LEFÈVRE", "Léa", "1/1/11"):
        assert personal not in text


def test_a_file_with_nobody_to_import_is_refused():
    assert refused(siecle_xml([pupil(1, left_on="01/01/2025")], UAI)) == [
        (ErrorCode.NO_LEARNERS, None)]


def test_two_pupil_elements_with_one_id_are_an_invalid_file():
    assert refused(siecle_xml([pupil(1), pupil(1)], UAI)) == [
        (ErrorCode.INVALID_FILE, "ELEVE_ID=1001")]


# --- zip ------------------------------------------------------------------------------

def test_a_zip_with_one_xml_and_macos_junk_is_read():
    xml = siecle_xml([pupil(1)], UAI)
    data = zipped(("ElevesSansAdresses.xml", xml),
                  ("__MACOSX/._ElevesSansAdresses.xml", b"\x00\x05junk"),
                  ("__MACOSX/.DS_Store", b"junk"))
    assert len(learners(data, "ElevesSansAdresses.zip")) == 1


def test_a_zip_in_a_folder_is_read():
    data = zipped(("export/", b""), ("export/ElevesSansAdresses.xml", siecle_xml([pupil(1)])))
    assert len(learners(data, "export.zip")) == 1


@pytest.mark.parametrize(("entries", "code"), [
    ([("a.xml", b"<x/>"), ("b.xml", b"<x/>")], ErrorCode.ZIP_SEVERAL_XML),
    ([("readme.txt", b"hello")], ErrorCode.ZIP_NO_XML),
    ([], ErrorCode.ZIP_NO_XML),
    ([(".hidden.xml", b"<x/>")], ErrorCode.ZIP_NO_XML),
    ([("__MACOSX/ElevesSansAdresses.xml", b"<x/>")], ErrorCode.ZIP_NO_XML),
    ([("ElevesSansAdresses.xml", b"<x/>"), ("notes.txt", b"x")],
     ErrorCode.ZIP_UNEXPECTED_FILE),
])
def test_zips_that_are_not_exactly_one_xml_are_refused(entries, code):
    assert refused(zipped(*entries), "export.zip") == [(code, None)]


def test_a_corrupt_zip_is_refused():
    data = zipped(("ElevesSansAdresses.xml", siecle_xml([pupil(1)] * 1)))
    assert refused(data[:60], "export.zip") == [(ErrorCode.INVALID_ZIP, None)]


def test_a_zip_bomb_is_stopped_at_the_size_limit(monkeypatch):
    monkeypatch.setattr("roster.reading.reader.MAX_FILE_BYTES", 1000)
    data = zipped(("ElevesSansAdresses.xml", siecle_xml([pupil(n) for n in range(20)])))
    assert refused(data, "export.zip") == [(ErrorCode.FILE_TOO_LARGE, None)]


def test_other_file_types_are_refused():
    assert refused(b"%PDF-1.4", "eleves.pdf") == [(ErrorCode.UNSUPPORTED_FILE_TYPE, None)]


# --- CSV ------------------------------------------------------------------------------

def test_csv_variant_with_and_without_bom():
    pupils = [pupil(1, last_name="N'DIAYE; DIT « LE GALL »", first_name='Jean-"Baptiste"'),
              pupil(2, sex_code="1")]
    for bom in (False, True):
        first, second = learners(siecle_csv(pupils, bom=bom), "eleves.csv")
        assert first.last_name == "N'DIAYE; DIT « LE GALL »"
        assert first.first_name == 'Jean-"Baptiste"'
        assert first.sex == "F"
        assert second.sex == "M"
        assert second.division == "3A"


def test_csv_headers_are_matched_loosely_and_in_any_order():
    header = [h.upper().replace("*", "") for h in template_header()]
    rows = siecle_csv([pupil(1)], header=header).decode().splitlines()
    cells = [line.split(";") for line in rows]
    swapped = "\n".join(";".join(reversed(line)) for line in cells).encode()
    assert learners(swapped, "eleves.csv")[0].first_name == "Léa"


def test_csv_missing_required_columns_are_each_reported():
    header = [h for h in template_header() if not h.startswith(("Division", "Statut"))]
    data = "\n".join([";".join(header), ";".join(["x"] * len(header))]).encode()
    with pytest.raises(SiecleImportError) as caught:
        learners(data, "eleves.csv")
    assert [(e.code, e.location) for e in caught.value.errors] == [
        (ErrorCode.CSV_MISSING_COLUMN, "ligne 1")] * 2
    assert {e.message for e in caught.value.errors} == {
        "La colonne obligatoire « Statut » est absente.",
        "La colonne obligatoire « Division » est absente."}


PIX_ORGA_HEADER = (
    "Identifiant unique*;Premier prénom*;Deuxième prénom;Troisième prénom;Nom de famille*;"
    "Nom d'usage;Code sexe*;Date de naissance (jj/mm/aaaa)*;Code commune naissance**;"
    "Libellé commune naissance**;Code département naissance*;Code pays naissance*;Statut*;"
    "Code MEF*;Division*")


def test_the_template_header_is_the_one_pix_orga_publishes():
    assert ";".join(template_header()) == PIX_ORGA_HEADER


def pix_orga_csv(header: str, *rows: str) -> bytes:
    return "\r\n".join([header, *rows, ""]).encode()


def test_pix_orga_s_template_with_every_sex_value_seen_in_the_field():
    rows = [f"{n:09d}AB;Léa;Ève;;LEFÈVRE;De La Fontaine;{sex};14/03/2011;35238;RENNES;035;"
            "99100;ST;10310019110;3A;"  # Pix's own exports end lines with a ";"
            for n, sex in enumerate(["M", "F", "1", "2", "Masculin", "Féminin", "m",
                                     "féminin", "FEMININ"], start=1)]
    found = learners(pix_orga_csv(PIX_ORGA_HEADER, *rows), "eleves.csv")

    assert [x.sex for x in found] == ["M", "F", "M", "F", "M", "F", "M", "F", "F"]
    first = found[0]
    assert (first.first_name, first.second_name, first.third_name) == ("Léa", "Ève", None)
    assert (first.last_name, first.usage_name) == ("LEFÈVRE", "De La Fontaine")
    assert (first.birth_city_code, first.birth_city, first.birth_department_code) == (
        "35238", "RENNES", "035")
    assert (first.birth_country_code, first.status, first.mef_code, first.division) == (
        "99100", "ST", "10310019110", "3A")


def test_an_older_template_without_sex_and_with_a_typographic_apostrophe():
    header = PIX_ORGA_HEADER.replace("Code sexe*;", "").replace("Nom d'usage", "Nom d’usage")
    row = "000000001AB;Léa;;;LEFÈVRE;De La Fontaine;14/03/2011;35238;RENNES;035;99100;ST;M1;3A"
    (learner,) = learners(pix_orga_csv(header, row), "eleves.csv")

    assert learner.sex is None
    assert learner.usage_name == "De La Fontaine"
    assert learner.division == "3A"
    assert learner.birthdate.isoformat() == "2011-03-14"


@pytest.mark.parametrize("sex", ["H", "Homme", "3", "Masc", "féminine"])
def test_an_unknown_sex_value_is_a_coded_error_with_its_line(sex):
    good = "000000001AB;Léa;;;LEFÈVRE;;F;14/03/2011;35238;RENNES;035;99100;ST;M1;3A"
    bad = f"000000002AB;Noé;;;GARÇON;;{sex};14/03/2011;35238;RENNES;035;99100;ST;M1;3A"
    assert refused(pix_orga_csv(PIX_ORGA_HEADER, good, bad), "eleves.csv") == [
        (ErrorCode.SEX_INVALID, "ligne 3")]


def test_with_the_sex_column_an_empty_sex_is_an_error():
    row = "000000001AB;Léa;;;LEFÈVRE;;;14/03/2011;35238;RENNES;035;99100;ST;M1;3A"
    assert refused(pix_orga_csv(PIX_ORGA_HEADER, row), "eleves.csv") == [
        (ErrorCode.SEX_MISSING, "ligne 2")]


def test_csv_row_errors_carry_the_line_number_and_empty_ine_is_an_error():
    pupils = [pupil(1), pupil(2, ine=""), pupil(3, mef_code=""), pupil(4, sex_code="X")]
    assert refused(siecle_csv(pupils), "eleves.csv") == [
        (ErrorCode.INE_MISSING, "ligne 3"), (ErrorCode.VALUE_MISSING, "ligne 4"),
        (ErrorCode.SEX_INVALID, "ligne 5")]


def test_csv_not_in_utf8_is_refused():
    data = siecle_csv([pupil(1)]).decode().encode("iso-8859-15")
    assert refused(data, "eleves.csv") == [(ErrorCode.INVALID_ENCODING, None)]


def test_csv_mojibake_is_refused():
    data = siecle_csv([pupil(1, first_name="LÃ©a")])
    assert refused(data, "eleves.csv") == [(ErrorCode.INVALID_ENCODING, "ligne 2")]


def test_empty_csv_is_an_invalid_file():
    assert refused(b"", "eleves.csv") == [(ErrorCode.INVALID_FILE, None)]


class _Pipe(io.RawIOBase):
    """A non-seekable upload stream."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer) -> int:
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_non_seekable_uploads_are_read_zipped_or_not():
    xml = siecle_xml([pupil(1)], UAI)
    for data in (xml, zipped(("ElevesSansAdresses.xml", xml))):
        roster = read_roster_file(_Pipe(data), "upload")
        assert len(validate_roster(roster, UAI)) == 1
