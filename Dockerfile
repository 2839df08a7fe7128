# The image docker-compose.yml runs as web, worker and beat. scripts/check_dockerfile.py
# (run by CI) checks that every COPY source exists and runs hadolint.

# Chart.js from the npm registry, pinned by package-lock.json; served by the app (no CDN).
FROM node:20-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

# Debian bookworm: its postgresql-client is 15, the major version of the db service; the
# backups need pg_dump and pg_restore of the server's major version (docs/operations.md).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app
# Debian's security updates are what we want here, not a pinned build of the client.
# Pango and a Japanese font: WeasyPrint draws the council report's PDF with them; HarfBuzz's
# subsetter cuts the font down in a fraction of a second (without it WeasyPrint falls back to
# fontTools, ~20 s per weight of the CJK font on every PDF).
# gnupg: backups encrypted to BACKUP_GPG_RECIPIENT's public key (docs/operations.md).
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client gnupg \
        fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 app \
    && install -d -m 700 -o app -g app /home/app/.gnupg

# The dependencies install in their own layer, kept while only other files change.
COPY pyproject.toml README.md ./
COPY kumamoto_welfare kumamoto_welfare
COPY infrastructure infrastructure
COPY programs programs
COPY indicators indicators
COPY evaluations evaluations
COPY community community
COPY portal portal
RUN pip install .

COPY . .
COPY --from=assets /assets/node_modules/chart.js/dist/chart.umd.min.js \
     /assets/node_modules/chart.js/dist/chart.umd.min.js.map static/vendor/
# collectstatic needs settings that import: a throwaway key, only for this build step.
RUN DEBUG=False SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && mkdir -p /app/media /app/backups \
    && chown 1000:1000 /app/media /app/backups

# The annual reports (media) and the backups live in volumes (docker-compose.yml).
USER 1000:1000
EXPOSE 8000
# Workers, timeouts and logs: gunicorn.conf.py.
CMD ["gunicorn", "--config", "gunicorn.conf.py", "kumamoto_welfare.wsgi"]
