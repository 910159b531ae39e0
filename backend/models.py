"""Domain objects: immutable, no wire format, no framework."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Note:
    """One Markdown note of the corpus; `path` is relative to the corpus, with '/' separators."""

    path: str
    text: str
    content_hash: str


@dataclass(frozen=True)
class Chunk:
    """A citable passage: note path, heading path, 1-based line span and the note's own text."""

    id: str
    note: str
    heading: str
    start_line: int
    end_line: int
    text: str
    search_text: str  # heading path + text without Markdown markup: what is embedded and matched


@dataclass(frozen=True)
class Hit:
    """A chunk found for a query, with the fused score and each retriever's evidence."""

    chunk: Chunk
    score: float
    dense: float = 0.0
    keyword: float = 0.0


@dataclass(frozen=True)
class NoteFilter:
    """Which notes a question may be answered from: a folder (path prefix) and any of some tags."""

    folder: str = ""  # "work/" - a path prefix inside the corpus; "" for every folder
    tags: tuple[str, ...] = ()  # any of these (lower case, without '#'); () for any note

    def admits(self, path: str, tags: tuple[str, ...]) -> bool:
        return path.startswith(self.folder) and (not self.tags or any(t in tags for t in self.tags))

    @property
    def is_empty(self) -> bool:
        return not self.folder and not self.tags


@dataclass(frozen=True)
class Citation:
    """A passage shown with an answer; `n` is the number its [n] markers use."""

    n: int
    hit: Hit
    highlight_lines: tuple[int, ...] = ()  # lines whose sentences the answer quotes


@dataclass(frozen=True)
class Answer:
    """One answer from composition to the wire: the API and the CLI render this type."""

    question: str
    text: str
    found: bool
    confidence: float  # 0-1: how sure we are that the notes cover the question
    citations: tuple[Citation, ...] = ()  # the passages found, when `found`
    related: tuple[Citation, ...] = ()  # the closest passages, when not `found`: never a dead end
    unknown_words: tuple[str, ...] = ()  # when not `found`: the question's names no note holds, as written
    uncertain: bool = False  # found, but with a low confidence (ConfidenceModel.low): shown with a caveat
    searched_for: str = ""  # what retrieval ran on (the question, or it resolved against the conversation)
    took_ms: float = 0.0


@dataclass(frozen=True)
class ReindexReport:
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    chunks: int = 0
    embedded: int = 0
    failed: tuple[str, ...] = field(default_factory=tuple)  # "path: reason" of what was skipped
    warnings: tuple[str, ...] = field(default_factory=tuple)  # problems that did not stop a note (bad frontmatter)
    took_ms: float = 0.0
