"""The pseudonym microservice on a real database: stable, rotatable, unlinkable subjects."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from satosa.context import Context
from satosa.internal import InternalData

from proxy.errors import SamlResponseRejected
from proxy.microservices.pseudonym import GarPseudonym
from proxy.migrate import upgrade

IDO = "a3f9" * 16
NEW_IDO = "b7c1" * 16
INE = "070801234AB"


def worker(url, *keys):
    """A pseudonym microservice as one proxy worker would build it."""
    config = {"database_url": url,
              "keys": [{"version": v, "secret": s} for v, s in keys or [("v1", "k1")]]}
    service = GarPseudonym(config, name="pseudonym", base_url="https://proxy.example")
    service.next = lambda context, data: data
    return service


def login(service, ido, ine=None, quality="strict"):
    attributes = {"ido": [ido], "givenname": ["Léa"]}
    if ine:
        attributes.update({"siecle_ine": [ine], "siecle_match_quality": [quality]})
    return service.process(Context(), InternalData(attributes=attributes))


def stored_text(url) -> str:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = [str(tuple(r)) for t in ("proxy_identifier_subjects", "proxy_roster_subjects")
                for r in connection.execute(sa.text(f"SELECT * FROM {t}"))]  # noqa: S608  ours
    engine.dispose()
    return "\n".join(rows)


def test_same_gar_user_gets_the_same_subject_on_every_worker(proxy_database_url):
    first = login(worker(proxy_database_url), IDO)
    again = login(worker(proxy_database_url), IDO)

    assert first.subject_id == again.subject_id
    assert "ido" not in first.attributes


def test_subjects_are_random_and_nothing_stored_reveals_the_ido(proxy_database_url, tmp_path):
    one = login(worker(proxy_database_url), IDO).subject_id
    other = login(worker(proxy_database_url), NEW_IDO).subject_id
    elsewhere = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    upgrade(elsewhere)

    assert one != other
    assert len(one) == 64
    assert IDO not in stored_text(proxy_database_url)
    # same IDO, same secret, another database: another subject, so none is derived from an IDO
    assert login(worker(elsewhere), IDO).subject_id != one


def test_rotating_the_secret_keeps_every_subject(proxy_database_url):
    before = login(worker(proxy_database_url, ("v1", "k1")), IDO).subject_id

    rotated = worker(proxy_database_url, ("v2", "k2"), ("v1", "k1"))
    during = login(rotated, IDO).subject_id
    after_retiring_v1 = login(worker(proxy_database_url, ("v3", "k3"), ("v2", "k2")), IDO)

    assert before == during == after_retiring_v1.subject_id
    assert "'v1'" not in stored_text(proxy_database_url)


def test_a_pupil_identified_by_the_roster_keeps_the_subject_with_a_new_ido(proxy_database_url):
    service = worker(proxy_database_url)
    before = login(service, IDO, ine=INE).subject_id

    with_new_ido = login(service, NEW_IDO, ine=INE).subject_id

    assert with_new_ido == before
    assert INE not in stored_text(proxy_database_url)


def test_a_tolerant_match_never_carries_an_account_over(proxy_database_url):
    service = worker(proxy_database_url)
    before = login(service, IDO, ine=INE).subject_id

    other = login(service, NEW_IDO, ine=INE, quality="tolerant").subject_id

    assert other != before


def test_parallel_first_logins_agree_on_one_subject(proxy_database_url):
    results: list[str] = []
    services = [worker(proxy_database_url) for _ in range(4)]
    threads = [threading.Thread(target=lambda s=s: results.append(login(s, IDO).subject_id))
               for s in services]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(set(results)) == 1


@pytest.mark.parametrize("values", [[], [IDO, NEW_IDO], [" "]])
def test_missing_or_ambiguous_ido_is_refused(proxy_database_url, values):
    service = worker(proxy_database_url)
    with pytest.raises(SamlResponseRejected):
        service.process(Context(), InternalData(attributes={"ido": values}))


def test_a_returning_pupil_known_by_ido_and_ine_costs_one_statement(proxy_database_url):
    service = worker(proxy_database_url)
    first = login(service, IDO, ine=INE).subject_id  # records both lookups
    statements: list[str] = []
    sa.event.listen(service._engine, "before_cursor_execute",
                    lambda _c, _cur, statement, *_a: statements.append(statement))

    again = login(service, IDO, ine=INE).subject_id

    assert again == first
    assert len(statements) == 1  # both tables in one round trip
    assert "UNION ALL" in statements[0]
