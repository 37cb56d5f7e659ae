"""Certificates as PDF with WeasyPrint (which draws text with Debian's Pango).

The HTML is the standalone print template (``http/templates/certificate_print.html``):
no link, no script, its style inline, so nothing is fetched while rendering.
"""

from __future__ import annotations

import logging

import weasyprint

for noisy in ("weasyprint", "fontTools"):  # font subsetting chatter, never personal data
    logging.getLogger(noisy).setLevel(logging.ERROR)


def html_to_pdf(html: str) -> bytes:
    return weasyprint.HTML(string=html, base_url=None).write_pdf()
