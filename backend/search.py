"""Hybrid retrieval: FAISS (dense) and BM25 over Korean morphemes, fused into one ranking."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from backend.index import ChunkRecord, StoredIndex
from backend.keywords import KoreanAnalyzer
from backend.models import Hit

Fusion = Literal["convex", "rrf", "dense", "bm25"]
CANDIDATES = 50


@dataclass(frozen=True)
class FusionConfig:
    """Constants chosen by measurement (bench/korquad.py, bench/devset_eval.py --fusion): see the README."""

    method: Fusion = "convex"
    dense_weight: float = 0.4  # convex: weight of the dense score, the rest goes to BM25
    rrf_k: int = 60


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[Hit, ...]
    records: tuple[ChunkRecord, ...]  # the indexed chunk behind each hit (sentences, terms)
    query_terms: tuple[str, ...]
    idf: dict[str, float]  # inverse document frequency of each query term in the corpus
    max_idf: float = 0.0  # the idf of a term no chunk holds


class HybridRetriever:
    """Search one loaded index generation; immutable, so it can serve while another is built."""

    def __init__(self, index: StoredIndex, analyzer: KoreanAnalyzer, fusion: FusionConfig | None = None) -> None:
        self.index = index
        self.analyzer = analyzer
        self.fusion = fusion or FusionConfig()

    @property
    def size(self) -> int:
        return len(self.index.records)

    def search(self, query_vector: np.ndarray, query: str, top_k: int) -> SearchResult:
        terms = tuple(self.analyzer.terms(query))
        idf = {t: self.idf(t) for t in terms}
        if not self.size:
            return SearchResult((), (), terms, idf)
        max_idf = self.idf("\0")
        n = min(self.size, max(CANDIDATES, top_k))
        dense = self._dense(query_vector, n)
        keyword = self._keyword(terms)
        fused = self._fuse(dense, keyword, n)
        order = sorted(fused, key=lambda row: (-fused[row], row))[:top_k]
        hits = tuple(
            Hit(self.index.records[row].chunk, float(fused[row]), float(dense.get(row, 0.0)), float(keyword[row]))
            for row in order
        )
        return SearchResult(hits, tuple(self.index.records[row] for row in order), terms, idf, max_idf)

    def idf(self, term: str) -> float:
        return float(np.log(1 + (self.size - (df := self._document_frequency(term)) + 0.5) / (df + 0.5)))

    def _document_frequency(self, term: str) -> int:
        return self.index.bm25.document_frequency(term)

    def _dense(self, query_vector: np.ndarray, n: int) -> dict[int, float]:
        scores, rows = self.index.vectors.search(query_vector.reshape(1, -1).astype(np.float32), n)
        return {int(r): float(s) for r, s in zip(rows[0], scores[0]) if r >= 0}

    def _keyword(self, terms: tuple[str, ...]) -> np.ndarray:
        return self.index.bm25.scores(list(terms))

    def _fuse(self, dense: dict[int, float], keyword: np.ndarray, n: int) -> dict[int, float]:
        method = self.fusion.method
        keyword_top = [int(r) for r in np.argsort(-keyword, kind="stable")[:n] if keyword[r] > 0]
        if method == "dense":
            return dict(dense)
        if method == "bm25":
            return {r: float(keyword[r]) for r in keyword_top} or dict.fromkeys(dense, 0.0)
        if method == "rrf":
            k = self.fusion.rrf_k
            fused: dict[int, float] = {}
            for rank, row in enumerate(sorted(dense, key=lambda r: -dense[r])):
                fused[row] = fused.get(row, 0.0) + 1.0 / (k + rank + 1)
            for rank, row in enumerate(keyword_top):
                fused[row] = fused.get(row, 0.0) + 1.0 / (k + rank + 1)
            return fused
        # convex: min-max normalised dense cosine and max-normalised BM25
        rows = set(dense) | set(keyword_top)
        values = np.array(list(dense.values()) or [0.0])
        low, high = float(values.min()), float(values.max())
        top_keyword = float(keyword.max()) if keyword.size else 0.0
        w = self.fusion.dense_weight
        fused = {}
        for row in rows:
            d = dense.get(row, low)
            d_norm = (d - low) / (high - low) if high > low else 1.0
            k_norm = float(keyword[row]) / top_keyword if top_keyword > 0 else 0.0
            fused[row] = w * d_norm + (1 - w) * k_norm
        return fused
