"""benchmarks/saml_crypto.py still runs: every candidate verifies and decrypts once.

Only that it works: figures depend on the machine, so no assertion is made on speed.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "saml_crypto.py"


def load_benchmark():
    spec = importlib.util.spec_from_file_location("saml_crypto_benchmark", BENCHMARK)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_each_candidate_runs_and_is_reported(tmp_path, redis_url):
    benchmark = load_benchmark()

    medians = benchmark.measure(benchmark.candidates(benchmark.build(tmp_path, redis_url)),
                                rounds=1)

    assert {name.split(": ")[1] for name in medians} >= {
        "proxy/saml", "signxml", "xmlsec1 process", "pysaml2 + xmlsec1"}
    assert all(micros > 0 for micros in medians.values())
    assert "proxy/saml" in benchmark.report(medians)
