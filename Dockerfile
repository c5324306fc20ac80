# Dossier server image: the API (and later the PWA) on PostgreSQL with blobs on a volume.
FROM python:3.11-slim-bookworm

RUN apt-get update \
 && apt-get install -y --no-install-recommends libmagic1 fonts-dejavu-core \
      tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu tesseract-ocr-pol \
 && rm -rf /var/lib/apt/lists/* \
 && pip install --no-cache-dir uv==0.13.9 \
 && useradd --create-home --uid 10001 dossier

WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
COPY backend ./backend
COPY sync ./sync
COPY schema ./schema
RUN uv sync --frozen --no-dev --no-editable && chown -R dossier /app

USER dossier
ENV PATH="/app/.venv/bin:$PATH" \
    DOSSIER_HOST=0.0.0.0 \
    DOSSIER_PORT=8000
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"
# Migrations are idempotent; running them at start keeps a single-command deployment.
CMD ["sh", "-c", "dossier migrate && dossier serve"]
