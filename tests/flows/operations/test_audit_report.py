"""``pixgar audit report``: counts from real logins, and the policy check's exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gar_sim.users import SCHOOL_UAI
from pixgar.audit_cli import ANOMALY_EXIT, build_report
from pixgar.cli import main as pixgar
from tests.flows.test_gar_login import login


@pytest.fixture
def report(stack, monkeypatch, capsys, audit_env):
    for name, value in stack.env.items():
        monkeypatch.setenv(name, value)

    def run(*extra: str) -> tuple[int, dict]:
        capsys.readouterr()
        code = pixgar(["audit", "report", "--since", "2000-01-01", "--json",
                       "--audit-dir", audit_env["PIXGAR_AUDIT_DIR"], *extra])
        return code, json.loads(capsys.readouterr().out)
    return run


def test_report_counts_releases_by_claim_and_school_and_refusals(browser, audited_proxy,
                                                                 report):
    audited_proxy()
    autopost, _ = login(browser, "theo-martin-3a", mode="unsolicited")
    browser.post_saml(autopost)  # a replay: refused
    login(browser, "lea-lefevre")

    code, result = report()

    assert code == 0
    assert result["released"] == 2
    assert result["refused"] == 1
    assert result["by_client"] == {"pix": 2}
    assert result["by_school"] == {SCHOOL_UAI: 2}
    assert result["by_claim"]["sub"] == 2
    assert result["by_claim"]["siecle_ine"] == 1
    assert result["refusals_by_reason"] == {"replayed_assertion": 1}
    assert result["releases_checked_against_policy"] == 2
    assert result["anomalies"] == []
    assert report("--uai", "0000000X")[1]["released"] == 0
    assert report("--client", "pix")[1]["released"] == 2


def test_a_release_outside_the_policy_is_an_anomaly_exit_3(browser, audited_proxy, report,
                                                          audit_env):
    audited_proxy()
    login(browser, "lea-lefevre")
    [path] = Path(audit_env["PIXGAR_AUDIT_DIR"]).glob("audit-*.jsonl")
    event = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    forged = {**event, "id": "FORGED000001", "claims": [*event["claims"], "ido"]}
    with path.open("a", encoding="utf-8") as file:
        file.write(json.dumps(forged) + "\n")

    code, result = report()

    assert code == ANOMALY_EXIT
    assert result["anomalies"] == [{"event_id": "FORGED000001", "time": event["time"],
                                    "client_id": "pix", "claims_outside": ["ido"]}]


def test_report_text_output_says_no_anomaly(stack, monkeypatch, capsys, tmp_path):
    for name, value in stack.env.items():
        monkeypatch.setenv(name, value)
    code = pixgar(["audit", "report", "--since", "2026-01-01T00:00:00Z",
                   "--audit-dir", str(tmp_path / "empty")])
    assert code == 0
    assert "no anomaly: 0 release(s) checked" in capsys.readouterr().out


def test_build_report_checks_each_client_against_its_own_policy():
    events = [
        {"kind": "login", "outcome": "released", "client_id": "a", "uai": "1", "claims":
         ["sub", "x"], "id": "1", "time": "t"},
        {"kind": "login", "outcome": "released", "client_id": "b", "uai": "1", "claims":
         ["sub", "x"], "id": "2", "time": "t"},
    ]
    result = build_report(events, {"a": ["sub", "x"], "b": ["sub"]})
    assert [a["event_id"] for a in result["anomalies"]] == ["2"]
