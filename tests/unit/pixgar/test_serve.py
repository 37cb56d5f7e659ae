"""pixgar/serve.py: the gunicorn settings every server of ``pixgar serve`` runs with."""

from __future__ import annotations

from pixgar.serve import gunicorn_options


def test_no_control_socket_another_server_of_the_host_could_take_over(monkeypatch):
    monkeypatch.delenv("ACCESS_LOG_FILE", raising=False)

    options = gunicorn_options(8443)

    assert options["control_socket_disable"] is True
    assert options["accesslog"] is None  # URLs carry codes and handles


def test_an_access_log_on_request_never_holds_a_query_string(monkeypatch, tmp_path):
    monkeypatch.setenv("ACCESS_LOG_FILE", str(tmp_path / "access.log"))

    options = gunicorn_options(8443)

    assert options["accesslog"] == str(tmp_path / "access.log")
    assert options["access_log_format"] == "%(m)s %(U)s %(s)s %(D)s"  # path, no query
