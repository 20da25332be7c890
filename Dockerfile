# One image for the web server, the scheduler and the one-off migration (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first: this layer is rebuilt only when requirements.txt changes.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY wsgi.py babel.cfg ./
COPY stratflow ./stratflow
COPY templates ./templates
COPY static ./static
COPY migrations ./migrations
COPY workflows ./workflows

# Compiled catalogs are not in the repository (*.mo is ignored): build them here.
RUN pybabel compile -d stratflow/translations \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin stratflow
USER stratflow

EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "4", "--access-logfile", "-", "wsgi:app"]
