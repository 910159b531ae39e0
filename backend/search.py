"""Hybrid retrieval: FAISS (dense) and BM25 over Korean morphemes, fused into one ranking."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

import faiss
import numpy as np

from backend.bm25 import K1
from backend.index import ChunkRecord, StoredIndex
from backend.keywords import HANGUL, NAME, WORD, KoreanAnalyzer
from backend.loanwords import LoanwordIndex
from backend.models import Hit, NoteFilter
from backend.translations import loose_translations, translations, warm

Fusion = Literal["convex", "rrf", "dense", "bm25"]
CANDIDATES = 50
COARSE_FROM = 4_000  # passages; below this an exact scan is as quick as the two passes of DenseIndex
OVERSAMPLE = 3  # candidates from the int8 pass per passage wanted
WIDE_SHARE = 0.1  # a passage is in a wide script (Hangul...) when at least this share of its letters are
_NOT_LATIN = bytes(b for b in range(256) if not (65 <= b <= 90 or 97 <= b <= 122))


@dataclass(frozen=True)
class FusionConfig:
    """Constants chosen by measurement (bench/calibrate.py --weights on the development sets): see the README.

    convex: the dense cosine min-max normalised over the candidates, plus BM25 as the share of the
    most the question's words could score (every term at its idf, a term no note holds at the
    largest): a passage that matches only the question's commonest words ("시간", "바꾸") no longer
    takes the whole keyword weight because nothing matched better."""

    method: Fusion = "convex"
    dense_weight: float = 0.2  # convex: weight of the dense score, the rest goes to BM25
    rrf_k: int = 60
    loanwords: bool = True  # match 리베이스 in a question with rebase in a note (bench/calibrate.py --no-loanwords)
    # convex: a passage in Latin letters cannot hold a Hangul word with no loanword spelling or
    # translation there: for the part of the question's keyword weight such words make up, its keyword
    # share is unknown, not nil, and counts as this part of its dense share (KeywordMatch.unholdable)
    unheld_share: float = 0.1
    # A passage that holds none of the question's nouns, only its other words (the verb of "…넣어?",
    # "…타?", "…내야 해?"), counts this share of their BM25 score: a common verb alone put a note about
    # company lockers above the sourdough note for "빵 반죽에 소금은 몇 그램 넣어?". Chosen on the
    # development sets (0.5 / 0.25 / 0: bench/calibrate.py; the README has the table).
    words_only_share: float = 0.25
    # match a question's word with the note's word in the other language (소금 -> salt, cabbage -> 배추)
    translations: bool = True
    # what a translation scores, as a share of the BM25 of the word it translates: a dictionary's
    # sense may not be the note's. Chosen on the development sets among 1 / 0.5 / 0.25 (bench/HISTORY.md)
    translation_share: float = 0.5


@dataclass(frozen=True)
class KeywordMatch:
    """A query's terms (with their kinds, idf and the loanword spellings the corpus writes) and the
    BM25 score of every chunk row: all of a search that does not need the query's vector."""

    terms: tuple[str, ...]
    names: frozenset[str]  # terms that name something specific (keywords.classified_terms)
    nouns: frozenset[str]  # terms that are nouns or names
    idf: dict[str, float]  # inverse document frequency of each term (and spelling) in the corpus
    max_idf: float  # the idf of a term no chunk holds
    # a term -> the corpus' loanword spellings of it (when the corpus does not write it) or its translations
    spellings: dict[str, tuple[str, ...]]
    scores: np.ndarray  # empty when no row may be returned
    best_possible: float = 0.0  # the BM25 score of a passage holding every term (each at most saturated)
    idf_of: Callable[[str], float] | None = None  # the idf of any term (of a passage's words, say)
    translated: frozenset[str] = frozenset()  # terms the corpus holds only in the other language (backend.translations)
    # the share of best_possible that terms a passage in Latin letters could never hold make up
    unholdable: float = 0.0

    def latin_cannot_hold(self, term: str) -> bool:
        """Whether a passage in Latin letters could never hold the term: Hangul with no loanword
        spelling or translation in the corpus."""
        return bool(HANGUL.match(term)) and not self.spellings.get(term)


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[Hit, ...]
    records: tuple[ChunkRecord, ...]  # the indexed chunk behind each hit (sentences, terms)
    keywords: KeywordMatch  # what the query's words are and where the corpus holds them
    best_dense: float = 0.0  # the best dense cosine over all searched chunks (DenseIndex.best)

    @property
    def query_terms(self) -> tuple[str, ...]:
        return self.keywords.terms

    @property
    def idf(self) -> dict[str, float]:
        return self.keywords.idf

    @property
    def max_idf(self) -> float:
        return self.keywords.max_idf

    @property
    def names(self) -> frozenset[str]:
        return self.keywords.names

    @property
    def nouns(self) -> frozenset[str]:
        return self.keywords.nouns

    @property
    def spellings(self) -> dict[str, tuple[str, ...]]:
        return self.keywords.spellings

    def term_idf(self, term: str) -> float:
        """The idf of a term, the question's or any other."""
        known = self.idf.get(term)
        if known is not None:
            return known
        return self.keywords.idf_of(term) if self.keywords.idf_of is not None else self.max_idf

    def in_corpus(self, term: str) -> bool:
        """Whether some chunk holds the term, one of its loanword spellings or a translation."""
        return self.idf.get(term, self.max_idf) < self.max_idf or bool(self.spellings.get(term))

    def held_by(self, term: str, record: ChunkRecord) -> bool:
        return term in record.terms or any(s in record.terms for s in self.spellings.get(term, ()))


def _top(scores: np.ndarray, n: int) -> list[int]:
    """Rows of the n best positive scores, best first (a partial sort: the corpus may be large)."""
    n = min(n, scores.size)
    if n == 0:
        return []
    candidates = np.argpartition(-scores, n - 1)[:n] if n < scores.size else np.arange(scores.size)
    ordered = candidates[np.lexsort((candidates, -scores[candidates]))]
    return [int(r) for r in ordered if scores[r] > 0]


class DenseIndex:
    """The n passages whose vectors have the largest inner product with a query's, with that product.

    From COARSE_FROM passages on, a first pass reads int8 copies of the vectors (half of what the
    fp16 scan reads) for OVERSAMPLE × n candidates, and the stored vectors score those exactly
    (faiss IndexRefine). Same passages, same scores: for 2,390 KorQuAD questions over 25,486
    passages (KorQuAD and bench.scale notes, real e5 vectors) not one of the exact top 50 was missed.
    The scan takes 0.24 instead of 0.38 ms and evicts less of the encoder from the CPU caches
    between two questions (bench.scale prints /api/ask at 10,000 notes against one note).

    Passages in Latin script and passages in Hangul (or another wide script, `scripts`) are
    searched apart when a corpus holds both, and compared by `comparable`: the model scores a
    Korean question closer to every Korean passage than to the English passage that answers it
    (vault-crossdev search@3 0.50 → 0.83). The second scan costs 0.67 instead of 0.28 ms at
    25,200 passages; a corpus in one script scans once, as before.
    """

    def __init__(self, vectors: faiss.Index, scripts: np.ndarray | None = None) -> None:
        self.vectors = vectors
        self._scale = 1.0  # int8 codes hold vector * scale; queries are scaled alike
        self._coarse: faiss.Index | None = None
        self._search_index = vectors
        if vectors.ntotal >= COARSE_FROM:
            self._coarse, self._scale = _int8_copies(vectors)
            self._search_index = faiss.IndexRefine(self._coarse, vectors)  # holds no reference: kept above
            self._search_index.k_factor = OVERSAMPLE
        self._scripts = ScriptGroups.of(vectors, scripts) if scripts is not None else None

    @property
    def uses_int8_copies(self) -> bool:
        return self._coarse is not None

    def search(self, query_vector: np.ndarray, n: int, rows: np.ndarray | None = None) -> dict[int, float]:
        """Row -> inner product of the best n rows (of `rows` only, when given), best first; of
        each script's best n when the corpus is written in two."""
        if self._scripts is None:
            return self._search(query_vector, n, rows)
        found: dict[int, float] = {}
        for group in self._scripts.selections(rows):
            found.update(self._search(query_vector, n, group))
        return dict(sorted(found.items(), key=lambda item: -item[1]))

    def comparable(self, query_vector: np.ndarray, scores: dict[int, float], n: int) -> dict[int, float]:
        """The best n of `scores` (from search) comparable across scripts: each passage's product
        less the query's product with the mean vector of its script's passages, so a question meets
        every passage as if it were written in its language. One script: `scores` as they are."""
        if self._scripts is None:
            return scores
        shift = self._scripts.shift(query_vector)
        moved = {row: score - shift[self._scripts.script[row]] for row, score in scores.items()}
        return dict(sorted(moved.items(), key=lambda item: (-item[1], item[0]))[:n])

    def best(self, query_vector: np.ndarray, scores: dict[int, float], question_in_hangul: bool) -> float:
        """The best product of `scores` (from search) for the confidence margin: as it is, except
        that a Latin passage met by a question in Hangul is raised by how much nearer the question
        comes to the mean wide passage than to the mean Latin one. The confidence model was fitted
        on Korean notes, English questions included, where nothing is raised; a Korean question
        about an English note never occurred there. Raising Korean passages for an English
        question (or for a Korean one nearer a few code-only passages) answered far-off questions."""
        if self._scripts is None or not question_in_hangul:
            return max(scores.values(), default=0.0)
        wide, latin = self._scripts.shift(query_vector)[[1, 0]]
        lift = max(0.0, float(wide - latin))
        return max((score + lift * (not self._scripts.script[row]) for row, score in scores.items()), default=0.0)

    @property
    def two_scripts(self) -> bool:
        return self._scripts is not None

    def latin(self, row: int) -> bool:
        """Whether a passage is written in Latin letters, in a corpus written in two scripts."""
        return self._scripts is not None and not self._scripts.script[row]

    def _search(self, query_vector: np.ndarray, n: int, rows: np.ndarray | faiss.IDSelector | None) -> dict[int, float]:
        query = query_vector.reshape(1, -1).astype(np.float32) * self._scale
        params = None
        if rows is not None:
            selector = rows if isinstance(rows, faiss.IDSelector) else faiss.IDSelectorBatch(rows)
            selected = faiss.SearchParameters(sel=selector)
            refined = {"k_factor": OVERSAMPLE, "base_index_params": selected}  # k_factor is not inherited
            params = selected if self._coarse is None else faiss.IndexRefineSearchParameters(**refined)
        scores, found = self._search_index.search(query, n, params=params)
        return {int(r): float(s) / self._scale for r, s in zip(found[0], scores[0]) if r >= 0}


def wide_script(text: str) -> bool:
    """Whether a text is written in Hangul (or another script beyond Latin): WIDE_SHARE of its
    letters or more. Counted in UTF-8 bytes (each Hangul syllable takes 3, a Latin letter 1): 1 µs
    a passage, where a regular expression takes 6."""
    data = text.encode()
    wide = (len(data) - len(text)) / 2
    latin = len(data.translate(None, _NOT_LATIN))
    return wide > 0 and wide >= WIDE_SHARE * (wide + latin)


# a text's script, kept: every index generation asks it of all its passages (39 ms for 25,200,
# 5 ms from here when the passages carried over), every answer of the sentences it may quote
script_of = lru_cache(maxsize=1 << 17)(wide_script)


@dataclass(frozen=True)
class ScriptGroups:
    """The corpus' passages by script (0 Latin, 1 wide), with each script's mean passage vector."""

    script: np.ndarray  # per row
    means: np.ndarray  # per script
    selectors: tuple[faiss.IDSelector, ...]  # per script, over every row
    bitmaps: tuple[np.ndarray, ...]  # what the selectors read: kept alive here

    @classmethod
    def of(cls, vectors: faiss.Index, scripts: np.ndarray) -> ScriptGroups | None:
        """The groups, or None when the corpus is written in one script only."""
        script = scripts.astype(np.int8)
        counts = np.bincount(script, minlength=2)
        if len(script) != vectors.ntotal or not counts.all():
            return None
        sums = np.zeros((2, vectors.d), dtype=np.float64)
        for start in range(0, vectors.ntotal, 2048):  # in blocks: no full-size copy of the vectors
            block = vectors.reconstruct_n(start, min(2048, vectors.ntotal - start))
            part = script[start : start + len(block)]
            for k in (0, 1):
                sums[k] += block[part == k].sum(axis=0)
        bitmaps = tuple(np.packbits(script == k, bitorder="little") for k in (0, 1))
        selectors = tuple(faiss.IDSelectorBitmap(len(script), faiss.swig_ptr(b)) for b in bitmaps)
        return cls(script, (sums / counts[:, None]).astype(np.float32), selectors, bitmaps)

    def selections(self, rows: np.ndarray | None) -> list[np.ndarray | faiss.IDSelector]:
        """Per script, what a search may return: its rows (of `rows` only, when given)."""
        if rows is None:
            return list(self.selectors)
        return [part for k in (0, 1) if len(part := rows[self.script[rows] == k])]

    def shift(self, query_vector: np.ndarray) -> np.ndarray:
        return self.means @ query_vector


def _int8_copies(vectors: faiss.Index, block: int = 2048) -> tuple[faiss.Index, float]:
    """The vectors scaled so that their largest component is 127, as int8 codes, and that scale;
    built in blocks (23 ms for 25,000 passages, no full-size temporary copies)."""
    n = vectors.ntotal
    blocks = range(0, n, block)
    largest = max(float(np.abs(vectors.reconstruct_n(start, min(block, n - start))).max()) for start in blocks)
    scale = 127.0 / max(largest, 1e-6)
    int8 = faiss.ScalarQuantizer.QT_8bit_direct_signed
    coarse = faiss.IndexScalarQuantizer(vectors.d, int8, faiss.METRIC_INNER_PRODUCT)
    for start in blocks:
        x = vectors.reconstruct_n(start, min(block, n - start))
        x *= scale
        np.rint(x, out=x)  # the codec floors and wraps around: round and clip first
        coarse.add(np.clip(x, -127, 127, out=x))
    return coarse, scale


class HybridRetriever:
    """Search one loaded index generation; immutable, so it can serve while another is built."""

    def __init__(self, index: StoredIndex, analyzer: KoreanAnalyzer, fusion: FusionConfig | None = None) -> None:
        self.index = index
        self.analyzer = analyzer
        self.fusion = fusion or FusionConfig()
        # built here, in the reindex or start-up thread, so no query pays for it (~2 ms per 1,000 terms,
        # and ~45 µs for each borrowed-looking Hangul term the process sees first: not_a_noun)
        self.loanwords = LoanwordIndex(index.bm25.vocabulary if self.fusion.loanwords else (), analyzer.not_a_noun)
        if self.fusion.translations:
            warm()  # the dictionary, once per process
        self.dense = DenseIndex(index.vectors, np.array([script_of(r.chunk.search_text) for r in index.records]))

    @property
    def size(self) -> int:
        return len(self.index.records)

    def rows_for(self, note_filter: NoteFilter) -> np.ndarray | None:
        """Chunk rows of the notes a filter admits (None: no filter, every row)."""
        if note_filter.is_empty:
            return None
        admitted = {p for p, n in self.index.notes.items() if note_filter.admits(p, n.tags)}
        return np.array([i for i, r in enumerate(self.index.records) if r.chunk.note in admitted], dtype=np.int64)

    def match_keywords(self, query: str, rows: np.ndarray | None = None) -> KeywordMatch:
        """What the query's words find; needs no vector, so it runs while the question is embedded."""
        classified = self.analyzer.classified_terms(query)
        terms = tuple(term for term, _kind in classified)
        names = frozenset(term for term, kind in classified if kind == NAME)
        nouns = frozenset(term for term, kind in classified if kind != WORD)
        idf = {t: self.idf(t) for t in terms}
        if not self.size or (rows is not None and not len(rows)):
            return KeywordMatch(terms, names, nouns, idf, 0.0, {}, np.zeros(0, dtype=np.float32))
        spellings = self._spellings(query, terms, nouns) if self.fusion.loanwords else {}
        translated = self._translated(query, terms, nouns, spellings) if self.fusion.translations else {}
        idf.update((s, self.idf(s)) for found in (*spellings.values(), *translated.values()) for s in found)
        scored = self._loosely(terms, spellings, translated) if self.fusion.translations else translated
        scores = self._scores_by_kind(terms, nouns, spellings, scored)
        spellings = spellings | translated
        if rows is not None:  # only the admitted notes may score
            admitted = np.zeros_like(scores)
            admitted[rows] = scores[rows]
            scores = admitted
        absent = self.idf("\0")
        vocabulary = self.index.bm25.vocabulary
        weights = {
            t: idf[t] if t in vocabulary else max((idf[s] for s in spellings.get(t, ())), default=absent) for t in terms
        }
        best_possible = (K1 + 1) * sum(weights[t] for t in terms)
        translated_only = frozenset(t for t in translated if t not in vocabulary)
        match = KeywordMatch(
            terms, names, nouns, idf, absent, spellings, scores, best_possible, self.idf, translated_only
        )
        held_nowhere = sum(weights[t] for t in terms if match.latin_cannot_hold(t))
        return replace(match, unholdable=(K1 + 1) * held_nowhere / best_possible if best_possible else 0.0)

    def search(
        self,
        query_vector: np.ndarray,
        query: str,
        top_k: int,
        *,
        rows: np.ndarray | None = None,
        keywords: KeywordMatch | None = None,
    ) -> SearchResult:
        """The top_k passages for a query; `rows`, when given, are the only chunk rows that may be
        returned; `keywords`, when given, is match_keywords(query, rows) computed beforehand."""
        match = keywords if keywords is not None else self.match_keywords(query, rows)
        if not match.scores.size:
            return SearchResult((), (), match)
        n = min(self.size if rows is None else len(rows), max(CANDIDATES, top_k))
        dense = self.dense.search(query_vector, n, rows)
        keyword = match.scores
        comparable = self.dense.comparable(query_vector, dense, n)
        unheld: frozenset[int] = frozenset()
        if self.dense.two_scripts and match.unholdable > 0:
            unheld = frozenset(row for row in comparable if self.dense.latin(row))
        fused = self._fuse(comparable, keyword, n, match.best_possible, unheld, match.unholdable)
        order = sorted(fused, key=lambda row: (-fused[row], row))[:top_k]
        hits = tuple(
            Hit(self.index.records[row].chunk, float(fused[row]), float(dense.get(row, 0.0)), float(keyword[row]))
            for row in order
        )
        records = tuple(self.index.records[row] for row in order)
        return SearchResult(hits, records, match, self.dense.best(query_vector, dense, wide_script(query)))

    def _spellings(self, query: str, terms: tuple[str, ...], nouns: frozenset[str]) -> dict[str, tuple[str, ...]]:
        """Loanword spellings in the corpus of the query's words that the corpus does not write
        as the question does: 리베이스 -> rebase, push -> 푸시 (a word Kiwi split is tried whole).
        A Hangul word must be a noun: a loanword is one (커밋하다 is 커밋 + 하다), while verb
        stems such as 끓이 only look borrowed."""
        vocabulary = self.index.bm25.vocabulary
        candidates = [t for t in terms if t not in vocabulary and (t in nouns or not HANGUL.match(t))]
        found = {t: spelled for t in candidates if (spelled := self.loanwords.spellings(t))}
        for parts in self.analyzer.compounds(query):
            whole = "".join(parts)
            if whole not in vocabulary and (spelled := self.loanwords.spellings(whole)):
                found.update((part, spelled) for part in parts if part not in vocabulary)
        return found

    def _translated(
        self, query: str, terms: tuple[str, ...], nouns: frozenset[str], spelled: dict[str, tuple[str, ...]]
    ) -> dict[str, tuple[str, ...]]:
        """The corpus' words in the other language for the query's words that have no loanword
        spelling there: 소금 -> salt, cabbage -> 배추, also when a note of the question's language
        writes the word as well (a Korean note's 소금 beside an English note's salt). An English
        question's word the glossary made a loanword (containers -> 컨테이너) is translated too
        (용기): the loanword is one sense of it, a Korean note may write another."""
        vocabulary = self.index.bm25.vocabulary
        english = {} if HANGUL.search(query) else self.analyzer.english_sources(query)
        found = {}
        for t in terms:
            if t in spelled:
                continue
            words = translations(t, vocabulary, noun=t in nouns)
            words += tuple(w for e in english.get(t, ()) for w in translations(e, vocabulary) if w != t)
            if words:
                found[t] = tuple(dict.fromkeys(words))
        return found

    def _loosely(
        self, terms: tuple[str, ...], spelled: dict[str, tuple[str, ...]], translated: dict[str, tuple[str, ...]]
    ) -> dict[str, tuple[str, ...]]:
        """The translations to score with: those of `translated` and an English word's Korean words
        through headwords of many senses (fill: 채우다). They rank a passage; they are no evidence that
        it holds the word (SearchResult.held_by reads `translated` only)."""
        vocabulary = self.index.bm25.vocabulary
        scored = dict(translated)
        for t in terms:
            if t not in spelled and (loose := loose_translations(t, vocabulary)):
                scored[t] = tuple(dict.fromkeys((*scored.get(t, ()), *loose)))
        return scored

    def _scores_by_kind(
        self,
        terms: tuple[str, ...],
        nouns: frozenset[str],
        spellings: dict[str, tuple[str, ...]],
        translated: dict[str, tuple[str, ...]],
    ) -> np.ndarray:
        """BM25 of every row for the terms, their spellings and (at FusionConfig.translation_share)
        their translations; where a row holds none of the question's nouns, its other words count
        FusionConfig.words_only_share of their score."""

        def keyword(kept: list[str]) -> np.ndarray:
            scores = self._keyword((*kept, *(s for t in kept for s in spellings.get(t, ()))))
            other_language = tuple(s for t in kept for s in translated.get(t, ()))
            if other_language:
                scores += self.fusion.translation_share * self._keyword(other_language)
            return scores

        named = [t for t in terms if t in nouns]
        scores = keyword(named)
        other = [t for t in terms if t not in nouns]
        if other:
            words = keyword(other)
            if named:
                words[scores <= 0] *= self.fusion.words_only_share
            scores += words
        return scores

    def idf(self, term: str) -> float:
        return float(np.log(1 + (self.size - (df := self._document_frequency(term)) + 0.5) / (df + 0.5)))

    def _document_frequency(self, term: str) -> int:
        return self.index.bm25.document_frequency(term)

    def _keyword(self, terms: tuple[str, ...]) -> np.ndarray:
        return self.index.bm25.scores(list(terms))

    def _fuse(
        self,
        dense: dict[int, float],
        keyword: np.ndarray,
        n: int,
        best_possible: float,
        unheld: frozenset[int],
        unholdable: float,
    ) -> dict[int, float]:
        """Rows -> fused score; `unheld`: Latin rows, which could hold none of the question's words
        that make up the `unholdable` share of its keyword weight."""
        method = self.fusion.method
        keyword_top = _top(keyword, n)
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
        # convex: min-max normalised dense cosine, BM25 as a share of the most the question could score
        rows = set(dense) | set(keyword_top)
        values = np.array(list(dense.values()) or [0.0])
        low, high = float(values.min()), float(values.max())
        w = self.fusion.dense_weight
        fused = {}
        for row in rows:
            d = dense.get(row, low)
            d_norm = (d - low) / (high - low) if high > low else 1.0
            k_norm = min(float(keyword[row]) / best_possible, 1.0) if best_possible > 0 else 0.0
            if row in unheld:
                k_norm += self.fusion.unheld_share * d_norm * unholdable
            fused[row] = w * d_norm + (1 - w) * k_norm
        return fused
