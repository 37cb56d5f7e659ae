"""A short run of benchmarks/fuzz.py in CI: the SIECLE reader and the proxy's ACS.

The full run is ``.venv/bin/python benchmarks/fuzz.py --seconds 60``; this one tries a
few hundred inputs per target so that every CI run fuzzes a little (with fresh random
inputs each time: Hypothesis is not derandomized, no example database is kept).
"""

from __future__ import annotations

import gc
import importlib.util
import sys
from pathlib import Path

import pytest

from tests.flows.security.conftest import PYSAML2_TMPFILE_LEAK

FUZZ_SCRIPT = Path(__file__).resolve().parents[3] / "benchmarks" / "fuzz.py"
EXAMPLES = 200


@pytest.fixture(scope="module")
def fuzz():
    spec = importlib.util.spec_from_file_location("pixgar_fuzz", FUZZ_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def test_siecle_reader_only_ever_refuses_with_its_domain_error(fuzz):
    outcome = fuzz.fuzz_siecle(examples=EXAMPLES)

    assert outcome.tried >= EXAMPLES
    assert outcome.crashes == []


@pytest.mark.parametrize("_", [None], ids=["acs"])
@PYSAML2_TMPFILE_LEAK[0]
@PYSAML2_TMPFILE_LEAK[1]
def test_acs_answers_every_hostile_post_with_a_french_4xx_page(fuzz, stack, _):
    outcome = fuzz.fuzz_acs(stack, examples=EXAMPLES)
    gc.collect()  # pysaml2's leaked temporary .pem files are reported here, not later

    assert outcome.tried >= EXAMPLES
    assert outcome.crashes == []
