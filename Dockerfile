# One image for the web server, the scheduler and the one-off migration (see docker-compose.yml).

# The diagram viewer (bpmn-js) comes from the npm registry at the version package-lock.json pins.
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends libreoffice-writer-nogui fonts-liberation && rm -rf /var/lib/apt/lists/*

# Dependencies first: this layer is rebuilt only when requirements.txt changes.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY wsgi.py babel.cfg ./
COPY stratflow ./stratflow
COPY templates ./templates
COPY static ./static
COPY --from=assets /build/node_modules/bpmn-js/dist/bpmn-navigated-viewer.production.min.js \
     /build/node_modules/bpmn-js/dist/assets/diagram-js.css \
     /build/node_modules/bpmn-js/dist/assets/bpmn-js.css \
     /build/node_modules/bpmn-js/LICENSE ./static/vendor/bpmn-js/
COPY migrations ./migrations
COPY workflows ./workflows

# Compiled catalogs are not in the repository (*.mo is ignored): build them here.
RUN pybabel compile -d stratflow/translations \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin stratflow
USER stratflow

EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "4", "--access-logfile", "-", "wsgi:app"]
