# The image docker-compose.yml runs as web, worker and beat.

# Chart.js from the npm registry, pinned by package-lock.json; served by the app (no CDN).
FROM node:20-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app
RUN useradd --create-home --uid 1000 app

COPY pyproject.toml README.md ./
COPY kumamoto_welfare kumamoto_welfare
COPY programs programs
COPY indicators indicators
COPY community community
COPY jobs jobs
RUN pip install .

COPY . .
COPY --from=assets /assets/node_modules/chart.js/dist/chart.umd.min.js \
     /assets/node_modules/chart.js/dist/chart.umd.min.js.map static/vendor/
# collectstatic needs settings that import: a throwaway key, only for this build step.
RUN DEBUG=False SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput

# Where the annual reports are stored (the media volume of docker-compose.yml).
RUN mkdir -p /app/media && chown app /app/media
USER app
EXPOSE 8000
CMD ["gunicorn", "kumamoto_welfare.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
