"""Anyone checks a certificate by its verification code (published sessions only)."""

from __future__ import annotations

from pix_core.certification.domain.certificates import (
    CertificateRepository,
    PublishedCertificate,
)
from pix_core.certification.domain.codes import is_valid_verification_code, normalize_code
from pix_core.certification.domain.errors import CertificateNotFound


def verify_certificate(code: str, *, certificates: CertificateRepository
                       ) -> PublishedCertificate:
    code = normalize_code(code)
    found = certificates.published_by_code(code) if is_valid_verification_code(code) else None
    if found is None:
        raise CertificateNotFound()
    return found
