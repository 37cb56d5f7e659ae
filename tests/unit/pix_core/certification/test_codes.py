import re
import secrets

from pix_core.certification.domain.codes import (
    ACCESS_CODE_DIGITS,
    ACCESS_CODE_LETTERS,
    generate_access_code,
    generate_supervisor_password,
    generate_verification_code,
    is_valid_access_code,
    is_valid_verification_code,
    normalize_code,
)


def test_access_codes_are_four_consonants_and_two_digits_from_the_two_alphabets():
    codes = {generate_access_code() for _ in range(200)}
    assert len(codes) > 190  # random, not a counter
    for code in codes:
        assert re.fullmatch(f"[{ACCESS_CODE_LETTERS}]{{4}}[{ACCESS_CODE_DIGITS}]{{2}}", code)
        assert is_valid_access_code(code)


def test_codes_come_from_the_given_source_of_randomness():
    picks = iter("BCDF23")
    assert generate_access_code(lambda alphabet: next(picks)) == "BCDF23"
    calls: list[str] = []

    def spy(alphabet: str) -> str:
        calls.append(alphabet)
        return secrets.choice(alphabet)

    generate_supervisor_password(spy)
    assert len(calls) == 5


def test_invalid_access_codes_are_refused_without_a_lookup():
    for code in ("", "ABCD23", "BCDF21", "BCDF234", "bcdf23", "BCD23"):
        assert not is_valid_access_code(code)
    assert normalize_code(" bcdf 23 ") == "BCDF23"


def test_supervisor_password_and_verification_code_shapes():
    assert len(generate_supervisor_password()) == 5
    code = generate_verification_code()
    assert code.startswith("P-")
    assert len(code) == 10
    assert is_valid_verification_code(code)
    assert not is_valid_verification_code("P-0000000O")
