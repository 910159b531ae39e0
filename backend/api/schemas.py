"""Wire models: what the HTTP API accepts and returns (domain objects stay in backend.models)."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

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


class Citation(BaseModel):
    n: int = Field(description="The number used by the [n] markers in the answer.")
    note: str
    heading: str
    start_line: int
    end_line: int
    text: str
    score: float
    highlight_lines: list[int] = Field(default_factory=list, description="Lines whose sentences the answer quotes.")


class AskResponse(BaseModel):
    question: str
    answer: str
    found: bool
    citations: list[Citation]
    took_ms: float


class SearchResponse(BaseModel):
    results: list[Citation]
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
