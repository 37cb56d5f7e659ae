"""pixgar/bench/run.py: an error's page reference is explained by the server's own log line."""

from __future__ import annotations

from types import SimpleNamespace

from pixgar.bench.figures import SideFigures
from pixgar.bench.run import explain_errors, side_redis_urls


def test_an_error_reference_is_looked_up_in_the_server_logs(tmp_path):
    pix_log = tmp_path / "ours-pix.log"
    pix_log.write_text(
        "2026-12-02 INFO pix_core GAR login succeeded rid=aaaa\n"
        "2026-12-02 WARNING pix_core.adapters.http.web request failed ref=CB2E5D0F "
        "kind=unreachable status=503 path=/connexion/oidc/callback rid=0123abcd\n")
    side = SimpleNamespace(servers=[SimpleNamespace(log=tmp_path / "ours-proxy.log"),
                                    SimpleNamespace(log=pix_log)])
    figures = SideFigures("ours", 8)
    figures.add_error("callback: HTTP 503", "Service de connexion indisponible … Référence "
                                            "de l'erreur : CB2E5D0F Communiquez cette référence")
    figures.add_error("acs: HTTP 400", "Requête refusée (no reference on this page)")

    explain_errors(figures, side)

    example = figures.error_examples["callback: HTTP 503"]
    assert "server log:" in example
    assert "kind=unreachable status=503" in example
    assert "rid=" not in example
    assert figures.error_examples["acs: HTTP 400"] == "Requête refusée (no reference on this page)"


def test_each_side_has_a_redis_database_of_its_own_on_one_server():
    assert side_redis_urls("redis://127.0.0.1:6390/4", ["ours", "stock"]) == {
        "ours": "redis://127.0.0.1:6390/4", "stock": "redis://127.0.0.1:6390/5"}
    assert side_redis_urls("redis://h:1", ["ours"]) == {"ours": "redis://h:1/0"}
