# Dossier server image: the API and the PWA on PostgreSQL with blobs on a volume.

# The PWA is built in a Node stage; only its static files go into the image.
FROM node:20-bookworm-slim AS pwa
WORKDIR /src
COPY schema ./schema
COPY pwa/package.json pwa/package-lock.json ./pwa/
RUN cd pwa && npm ci --no-audit --no-fund
COPY pwa ./pwa
RUN cd pwa && npx vite build

FROM python:3.11-slim-bookworm

RUN apt-get update \
 && apt-get install -y --no-install-recommends libmagic1 fonts-dejavu-core \
    libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui \
    tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu tesseract-ocr-pol \
 && rm -rf /var/lib/apt/lists/* \
 && pip install --no-cache-dir uv==0.13.9 \
 && useradd --create-home --uid 10001 dossier

WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
COPY backend ./backend
COPY sync ./sync
COPY schema ./schema
COPY --from=pwa /src/pwa/dist ./pwa/dist
RUN uv sync --frozen --no-dev --no-editable && chown -R dossier /app

USER dossier
ENV PATH="/app/.venv/bin:$PATH" \
    DOSSIER_HOST=0.0.0.0 \
    DOSSIER_PORT=8000 \
    MALLOC_ARENA_MAX=2
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"
# Migrations are idempotent; running them at start keeps a single-command deployment.
CMD ["sh", "-c", "dossier migrate && dossier serve"]
