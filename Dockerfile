# syntax=docker/dockerfile:1
# One image for both production servers:
#   docker run ... pix-gar serve proxy     (the SATOSA proxy, port 8443, or PORT)
#   docker run ... pix-gar serve pix       (pix_core, port 8444, or PORT)
# Keys and secrets are handed in through the environment or secret files (see README);
# the image generates none. The GAR simulator is not shipped. Why it is built this way:
# docs/adr/0014-lock-and-image.md.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# Builder: the runtime lock's wheels, each file checked against its hash (wheels only, so
# no compiler is needed here nor shipped), then the project's wheel, built offline with
# the locked setuptools.
FROM ${PYTHON_IMAGE} AS builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
WORKDIR /build
COPY requirements/lock.txt ./lock.txt
RUN pip download --require-hashes --no-deps --only-binary=:all: --dest ./wheels -r lock.txt
WORKDIR /src
COPY pyproject.toml README.md ./
COPY kernel ./kernel
COPY roster ./roster
COPY pixgar ./pixgar
COPY proxy ./proxy
COPY pix_core ./pix_core
RUN pip wheel --no-deps --no-index --find-links /build/wheels --wheel-dir /build/project .

# Runtime: Python, xmlsec1, the locked wheels and the project; no compiler, no key.
FROM ${PYTHON_IMAGE}
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
# xmlsec1: pysaml2's signature backend (proxy/metadata/service_provider.py); still needed to sign the SP
# metadata even once the login path checks signatures without it. Debian's security
# updates come with each rebuild, hence no version pin. Pango and a font: WeasyPrint's
# text layout for the certificates as PDF (pix_core/certification/adapters/pdf.py).
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends xmlsec1 \
      libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 pixgar \
 && useradd --uid 10001 --gid 10001 --create-home --shell /usr/sbin/nologin pixgar
# The same wheels, checked against the same hashes again, then the project's own.
RUN --mount=type=bind,from=builder,source=/build,target=/build \
    pip install --no-index --find-links /build/wheels --require-hashes --no-deps \
      -r /build/lock.txt \
 && pip install --no-index --no-deps /build/project/*.whl

WORKDIR /app
COPY config ./config
COPY metadata ./metadata
ENV PIXGAR_CONFIG_DIR=/app/config \
    PIXGAR_DATA_DIR=/var/lib/pixgar \
    PIXGAR_GENERATE_DEV_KEYS=0 \
    PYTHONUNBUFFERED=1
RUN mkdir -p /var/lib/pixgar && chown 10001:10001 /var/lib/pixgar

USER 10001:10001
EXPOSE 8443 8444
# GET /healthz where the server listens (PORT, or either default; TLS when TLS_CERT_FILE
# and TLS_KEY_FILE are set): pixgar/health_cli.py, no curl needed.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["pixgar", "health"]
ENTRYPOINT ["pixgar"]
CMD ["serve", "proxy"]
