import pytest
from satosa.context import Context
from satosa.internal import InternalData

from proxy.errors import SamlResponseRejected
from proxy.microservices.pseudonym import GarPseudonym, pseudonym

IDO = "a3f9" * 16


def run(attributes):
    service = GarPseudonym({"secret": "s3cret"}, name="pseudonym", base_url="https://proxy")
    seen = {}
    service.next = lambda context, data: seen.setdefault("data", data)
    service.process(Context(), InternalData(attributes=attributes))
    return seen["data"]


def test_subject_is_the_keyed_pseudonym_and_the_ido_is_dropped():
    data = run({"ido": [IDO], "surname": ["Lefèvre"]})

    assert data.subject_id == pseudonym("s3cret", IDO)
    assert IDO not in data.subject_id
    assert "ido" not in data.attributes


def test_pseudonym_is_stable_and_depends_on_the_secret():
    assert pseudonym("k1", IDO) == pseudonym("k1", IDO.upper())
    assert pseudonym("k1", IDO) != pseudonym("k2", IDO)


@pytest.mark.parametrize("values", [[], [IDO, "b" * 64], [" "]])
def test_missing_or_ambiguous_ido_is_refused(values):
    with pytest.raises(SamlResponseRejected):
        run({"ido": values})
