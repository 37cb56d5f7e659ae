"""A pupil in a real headless Chromium: ENT médiacentre → click Pix → Pix profile."""

from __future__ import annotations

import time

import pytest

from pix_core.evaluation.domain.framework import PIX_FRAMEWORK

pytestmark = pytest.mark.e2e


def test_pupil_clicks_pix_in_the_mediacentre_and_sees_the_profile(demo, chromium, tmp_path):
    context = chromium.new_context(ignore_https_errors=True, locale="fr-FR")
    page = context.new_page()
    requests_made: list[str] = []
    page.on("request", lambda request: requests_made.append(request.url))
    page.goto(demo["ENT_BASE_URL"] + "/mediacentre")
    page.select_option("#ent-user", "lea-lefevre")
    page.click("#ent-login-submit")

    started = time.perf_counter()
    requests_made.clear()
    page.click("a#resource-link-pix")
    page.wait_for_url("**/profil", timeout=30_000)
    elapsed = time.perf_counter() - started
    page.screenshot(path=str(tmp_path / "profil.png"), full_page=True)

    text = page.inner_text("body")
    assert "Vous avez 16 compétences à tester" in text
    assert "Léa" in text
    assert "Lefèvre" in text
    assert "1024" in text
    for competence in PIX_FRAMEWORK.competences:
        assert competence.name in text
    print(f"\nlogin in the browser: {elapsed * 1000:.0f} ms, {len(requests_made)} requests")
    context.close()


def test_second_click_reaches_the_same_profile(demo, chromium):
    context = chromium.new_context(ignore_https_errors=True, locale="fr-FR")
    page = context.new_page()
    page.goto(demo["ENT_BASE_URL"] + "/mediacentre")
    page.select_option("#ent-user", "chloe-benoit")
    page.click("#ent-login-submit")
    page.click("a#resource-link-pix")
    page.wait_for_url("**/profil", timeout=30_000)
    first = page.inner_text("body")

    page.goto(demo["ENT_BASE_URL"] + "/mediacentre")
    page.click("a#resource-link-pix")
    page.wait_for_url("**/profil", timeout=30_000)

    assert "Chloé" in page.inner_text("body")
    assert page.inner_text("body") == first
    context.close()


def test_pupil_joins_the_demo_campaign_by_its_code_and_answers_a_challenge(demo, chromium):
    import re
    from pathlib import Path

    log = Path(demo["DEMO_LOG"]).read_text(encoding="utf-8")
    code = re.search(r"demo campaign code: ([A-Z]{6}[0-9]{3})", log).group(1)
    context = chromium.new_context(ignore_https_errors=True, locale="fr-FR")
    page = context.new_page()
    page.goto(demo["ENT_BASE_URL"] + "/mediacentre")
    page.select_option("#ent-user", "noe-garcon")
    page.click("#ent-login-submit")
    page.click("a#resource-link-pix")
    page.wait_for_url("**/profil", timeout=30_000)

    page.click("a#nav-parcours")
    page.wait_for_url("**/parcours")
    page.fill("#code", code.lower())
    page.click("#parcours-submit")
    page.wait_for_url(f"**/campagnes/{code}")
    page.click("#campaign-start")  # Noé, a sure match, is tied to the roster on the way
    page.wait_for_url("**/evaluations/*")
    assert "Question 1" in page.inner_text("body")
    answer = page.locator("input[name=answer]").first
    if answer.get_attribute("type") == "text":
        answer.fill("réponse")
    else:
        answer.check()
    page.click("button.button")
    page.wait_for_load_state()
    assert "Bonne réponse" in page.inner_text("body") or "pas la bonne" in page.inner_text(
        "body") or "/resultat" in page.url
    context.close()
