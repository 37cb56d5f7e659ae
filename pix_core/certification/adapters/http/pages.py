"""Certification's pages: Pix Orga's (``school_pages``), the pupil's and the public check
(``candidate_pages``), the supervisor's (``supervisor_pages``), on one object for the app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug import Response
from werkzeug.routing import Rule

from pix_core.certification.adapters.http.candidate_pages import CandidatePages
from pix_core.certification.adapters.http.school_pages import SchoolPages
from pix_core.certification.adapters.http.supervisor_pages import SupervisorPages
from pix_core.certification.adapters.pdf import html_to_pdf
from pix_core.certification.domain.certificates import PublishedCertificate
from pix_core.evaluation.domain.framework import LearningContent
from pix_core.shared.adapters.http.kit import Templates, WebKit, no_store


class CertificationPages(SchoolPages, CandidatePages, SupervisorPages):
    rules: tuple[Rule, ...] = SchoolPages.rules + CandidatePages.rules + SupervisorPages.rules

    def __init__(self, kit: WebKit, unit_of_work: Callable[[], Any], content: LearningContent,
                 max_open_level: int) -> None:
        self.kit = kit
        self.unit_of_work = unit_of_work
        self.content = content
        self.max_open_level = max_open_level
        self.templates = Templates(__package__)

    def certificate_pdf(self, shown: PublishedCertificate) -> Response:
        """The printable certificate as a PDF file (WeasyPrint, ``adapters/pdf.py``)."""
        html = self.templates.environment.get_template("certificate_print.html").render(
            shown=shown, framework=self.content.framework,
            verification_url=f"{self.kit.config.base_url.rstrip('/')}/verification-certificat")
        response = Response(html_to_pdf(html), mimetype="application/pdf")
        name = f"certificat-{shown.certificate.verification_code}.pdf"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return no_store(response)
