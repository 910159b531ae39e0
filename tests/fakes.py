"""Small deterministic fakes: only the model is faked, everything else runs for real."""

from __future__ import annotations

import hashlib
from concurrent.futures import Future

import numpy as np

from backend.chunking import normalize_text
from backend.embedding import computed


class HashingEmbedder:
    """Character-trigram hashing into a normalised vector: texts that share words are close.

    Counts calls and texts so tests can check what indexing re-embeds.
    """

    name = "test/hashing-embedder"

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.passages_embedded: list[str] = []
        self.warmed = False

    def warm_up(self) -> None:
        self.warmed = True

    def _vector(self, text: str) -> np.ndarray:
        text = normalize_text(text).lower()
        v = np.zeros(self.dim, dtype=np.float32)
        for i in range(max(1, len(text) - 2)):
            h = int.from_bytes(hashlib.blake2b(text[i : i + 3].encode(), digest_size=4).digest(), "little")
            v[h % self.dim] += 1.0
        norm = np.linalg.norm(v)
        return v / norm if norm else v

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def submit_query(self, text: str) -> Future[np.ndarray]:
        return computed(self.embed_queries([text])[0])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.passages_embedded.extend(texts)
        return self.embed_queries(texts)

    def embed_sentences(self, texts: list[str], *, waiting: bool = True) -> np.ndarray:
        return self.embed_queries(texts)
