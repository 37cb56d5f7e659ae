"""benchmarks/login_vs_stock_satosa.py still runs: both proxies complete two logins.

Only that it works: figures depend on the machine, so no assertion is made on speed.
On a throwaway Redis server: stock SATOSA keeps user claims (pupils' names) and subject
identifiers without expiry, which must not stay in a database other runs share.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "login_vs_stock_satosa.py"


def load_benchmark():
    spec = importlib.util.spec_from_file_location("login_vs_stock_satosa", BENCHMARK)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_both_proxies_give_a_code_and_a_token_for_each_login(tmp_path, throwaway_redis):
    benchmark = load_benchmark()

    result = benchmark.run(logins=2, redis_url=throwaway_redis.url, data_dir=tmp_path,
                           roster_pupils=20)

    for name in ("ours", "stock"):
        side = result.sides[name]
        assert (side.codes, side.tokens, side.userinfos) == (2, 2, 2), name
        assert len(side.times["login"]) == 2
    summary = result.summary()
    assert set(summary["steps"]) == {"authorization", "acs", "token", "userinfo", "login"}
    assert "acs" in benchmark.table(result)
