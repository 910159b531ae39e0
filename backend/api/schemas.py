"""Wire models: what the HTTP API accepts and returns (domain objects stay in backend.models)."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from backend.models import Answer, Citation, Hit, ReindexReport

MAX_QUESTION_CHARS = 2000


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty or only whitespace")
    return value.strip()


class AskRequest(BaseModel):
    question: str = Field(max_length=MAX_QUESTION_CHARS, description="A question about the notes, Korean or English.")
    top_k: int = Field(5, ge=1, le=20, description="How many passages to cite (1-20).")

    _check = field_validator("question")(_not_blank)


class SearchRequest(BaseModel):
    query: str = Field(max_length=MAX_QUESTION_CHARS)
    top_k: int = Field(5, ge=1, le=20)

    _check = field_validator("query")(_not_blank)


class CitedPassage(BaseModel):
    n: int = Field(description="The number used by the [n] markers in the answer.")
    note: str = Field(description="Path of the note inside the corpus.")
    heading: str = Field(description="Heading path of the passage, ' > ' between levels.")
    start_line: int = Field(description="First line of the passage in the note (1-based).")
    end_line: int = Field(description="Last line of the passage in the note.")
    text: str = Field(description="The passage as the note writes it.")
    score: float = Field(description="Fused relevance score (0-1), for ranking.")
    highlight_lines: list[int] = Field(default_factory=list, description="Lines whose sentences the answer quotes.")

    @classmethod
    def of(cls, n: int, hit: Hit, highlight_lines: tuple[int, ...] = ()) -> CitedPassage:
        c = hit.chunk
        return cls(
            n=n,
            note=c.note,
            heading=c.heading,
            start_line=c.start_line,
            end_line=c.end_line,
            text=c.text,
            score=round(hit.score, 4),
            highlight_lines=list(highlight_lines),
        )

    @classmethod
    def cited(cls, citation: Citation) -> CitedPassage:
        return cls.of(citation.n, citation.hit, citation.highlight_lines)


class AskResponse(BaseModel):
    question: str
    searched_for: str = Field(description="What retrieval ran on.")
    answer: str = Field(description="Sentences quoted from the notes, each followed by its [n] marker.")
    found: bool = Field(
        description="False when the notes may not cover the question; `related` then holds the closest passages."
    )
    confidence: float = Field(ge=0, le=1, description="How sure the service is that the notes cover the question.")
    citations: list[CitedPassage] = Field(description="The passages found, when `found`.")
    related: list[CitedPassage] = Field(description="The closest passages (at most 3), when not `found`.")
    took_ms: float

    @classmethod
    def of(cls, answer: Answer) -> AskResponse:
        return cls(
            question=answer.question,
            searched_for=answer.searched_for,
            answer=answer.text,
            found=answer.found,
            confidence=round(answer.confidence, 4),
            citations=[CitedPassage.cited(c) for c in answer.citations],
            related=[CitedPassage.cited(c) for c in answer.related],
            took_ms=round(answer.took_ms, 1),
        )


class SearchResponse(BaseModel):
    results: list[CitedPassage]
    took_ms: float


class HealthResponse(BaseModel):
    status: str
    notes: int
    chunks: int
    model: str
    reindexing: bool


class ReindexResponse(BaseModel):
    added: int
    changed: int
    removed: int
    unchanged: int
    chunks: int
    embedded: int
    failed: list[str]
    took_ms: float

    @classmethod
    def of(cls, r: ReindexReport) -> ReindexResponse:
        return cls(
            added=r.added,
            changed=r.changed,
            removed=r.removed,
            unchanged=r.unchanged,
            chunks=r.chunks,
            embedded=r.embedded,
            failed=list(r.failed),
            took_ms=round(r.took_ms, 1),
        )


class NoteSummary(BaseModel):
    path: str
    chunks: int


class NotesResponse(BaseModel):
    notes: list[NoteSummary]


class NoteWriteResponse(BaseModel):
    path: str
    created: bool
    reindex: ReindexResponse


class ErrorResponse(BaseModel):
    detail: str
