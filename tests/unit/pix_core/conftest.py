import pytest
from Cryptodome.PublicKey import RSA
from jwkest.jwk import RSAKey

from tests.unit.pix_core.accounts.fakes import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def keys() -> list[RSAKey]:
    """Two RSA signing keys for the fake OP (the second one for rotation and forgery)."""
    return [RSAKey(key=RSA.generate(2048), kid=f"k{i}", use="sig") for i in range(2)]
