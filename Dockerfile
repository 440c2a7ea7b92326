# syntax=docker/dockerfile:1
# TDS Core image: `tds serve` by default; `tds api`, `tds worker`, `tds migrate`, `tds backup` by command.
# Build: docker build -t tds-core .   Run the whole service: docker compose up (compose.yaml).
ARG PYTHON_VERSION=3.11

FROM python:${PYTHON_VERSION}-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/tds/venv
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN /opt/tds/venv/bin/pip install .

FROM python:${PYTHON_VERSION}-slim-bookworm AS runtime
# pg_dump/pg_restore for `tds backup` and `tds restore`: major 15, as the compose file's server
# (pg_dump must be at least the server's major version).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/tds --create-home \
        --shell /usr/sbin/nologin tds \
    && install -d -o tds -g tds -m 0700 /var/backups/tds
COPY --from=build /opt/tds/venv /opt/tds/venv
ENV PATH=/opt/tds/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    TDS_ENVIRONMENT=production \
    TDS_API__HOST=0.0.0.0 \
    TDS_API__PORT=8000 \
    TDS_DB__DATA_DIR=/var/lib/tds/pgdata
USER tds
WORKDIR /var/lib/tds
EXPOSE 8000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/ready', timeout=4)"]
CMD ["tds", "serve"]
