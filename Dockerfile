# One image for both production servers:
#   docker run ... pix-gar serve proxy     (the SATOSA proxy, port 8443)
#   docker run ... pix-gar serve pix       (pix_core, port 8444)
# Keys and secrets are handed in through the environment or secret files (see README);
# the image generates none. The GAR simulator is not shipped.
FROM python:3.11-slim-bookworm

RUN apt-get update \
 && apt-get install -y --no-install-recommends xmlsec1 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 --shell /usr/sbin/nologin pixgar

WORKDIR /app
COPY pyproject.toml README.md ./
COPY kernel ./kernel
COPY roster ./roster
COPY pixgar ./pixgar
COPY proxy ./proxy
COPY pix_core ./pix_core
RUN pip install --no-cache-dir . && rm -rf build *.egg-info

COPY config ./config
COPY metadata ./metadata

ENV PIXGAR_CONFIG_DIR=/app/config \
    PIXGAR_DATA_DIR=/var/lib/pixgar \
    PIXGAR_GENERATE_DEV_KEYS=0 \
    PYTHONUNBUFFERED=1
RUN mkdir -p /var/lib/pixgar && chown pixgar /var/lib/pixgar

USER pixgar
EXPOSE 8443 8444
ENTRYPOINT ["pixgar"]
CMD ["serve", "proxy"]
