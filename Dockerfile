# Prévex image: gunicorn for the web, the same image for the Celery worker and beat (docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # The source tree (templates, static, communes data) comes before the installed copy.
    PYTHONPATH=/app

# WeasyPrint (letters in PDF) needs Pango and fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .
RUN pip install .

# Static files with the production storage (hashed names and manifest); the values below are for
# this build step only, the real ones come from the environment at run time.
RUN DEBUG=False SECRET_KEY=build-only-collectstatic-key-not-used-at-run-time-0123456789 ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput

RUN useradd --system --uid 1000 --home-dir /app prevex \
    && mkdir -p /app/media \
    && chown -R prevex:prevex /app/media
USER prevex

EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
