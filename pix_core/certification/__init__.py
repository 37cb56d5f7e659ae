"""Certification (issue 14): sessions in Pix Orga, the pupil's test, the supervisor's page,
scoring and the verifiable certificate. See docs/certification.md."""
