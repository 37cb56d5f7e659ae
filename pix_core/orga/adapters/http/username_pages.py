"""Pix Orga: usernames and one-time passwords for pupils without e-mail (one pupil or a
class), shown once on a printable page."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from werkzeug import Request, Response
from werkzeug.routing import Rule

from pix_core.orga.usecases.generate_usernames import generate_usernames
from pix_core.shared.adapters.http.kit import Templates, WebKit, no_store

log = logging.getLogger(__name__)


class UsernamePages:
    rules = (
        Rule("/orga/<uai>/eleves/identifiants", endpoint="orga_usernames", methods=["POST"]),
    )

    def __init__(self, kit: WebKit, unit_of_work: Callable[[], Any]) -> None:
        self.kit = kit
        self.unit_of_work = unit_of_work
        self.templates = Templates(__package__)

    def on_orga_usernames(self, request: Request, uai: str) -> Response:
        session_id, data, user_id = self.kit.signed_in(request, otherwise="/orga/connexion")
        self.kit.check_csrf(request, session_id, data)
        learner = request.form.get("eleve", "")
        division = request.form.get("classe") or None
        chosen: set[int] | None = {int(learner)} if learner.isdigit() else None
        if chosen is None and division is None:
            chosen = set()  # nothing chosen: refused, after the membership is checked
        with self.unit_of_work() as uow:
            logins = generate_usernames(
                user_id, uai, learner_ids=chosen,
                division=division, organizations=uow.organizations,
                memberships=uow.memberships, learners=uow.learners, users=uow.users,
                methods=uow.methods, clock=self.kit.clock)
            uow.commit()
        log.info("usernames generated: %d", len(logins))
        return no_store(self.templates.render(
            "orga_usernames.html", logins=logins, uai=uai, base_url=self.kit.config.base_url,
            logged_in=True, data=data))
