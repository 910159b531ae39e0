"""Wire models: what the HTTP API accepts and returns (domain objects stay in backend.models)."""

from __future__ import annotations

import time

from pydantic import BaseModel, Field, field_validator

from backend.conversation import MAX_TURNS, Turn
from backend.library import LibraryStatus, NoteInfo
from backend.models import Answer, Citation, Hit, NoteFilter, ReindexReport
from backend.notes import NoteVersion

MAX_QUESTION_CHARS = 2000


def not_blank(value: str) -> str:
    """The text stripped; blank text is refused (the routes search for what this returns)."""
    if not value.strip():
        raise ValueError("must not be empty or only whitespace")
    return value.strip()


class TurnIn(BaseModel):
    question: str = Field(max_length=MAX_QUESTION_CHARS)
    answer: str = Field("", max_length=MAX_QUESTION_CHARS, description="The answer given (may be cut to 2,000 chars).")


class FiltersIn(BaseModel):
    folder: str = Field("", max_length=1024, description="Only notes under this folder, e.g. 'work/'.")
    tags: list[str] = Field(default_factory=list, max_length=20, description="Only notes with any of these tags.")

    @field_validator("folder")
    @classmethod
    def _relative_folder(cls, value: str) -> str:
        value = value.strip().removeprefix("./")
        if value.startswith("/") or ".." in value.split("/") or "\\" in value:
            raise ValueError("must be a folder inside the corpus, like 'work/' (no '..', not absolute)")
        return value if not value or value.endswith("/") else value + "/"

    @field_validator("tags")
    @classmethod
    def _clean_tags(cls, value: list[str]) -> list[str]:
        if any(len(tag) > 100 for tag in value):
            raise ValueError("a tag is longer than 100 characters")
        return [tag.strip().lstrip("#").lower() for tag in value if tag.strip().lstrip("#")]

    def domain(self) -> NoteFilter:
        return NoteFilter(self.folder, tuple(self.tags))


class AskRequest(BaseModel):
    question: str = Field(
        max_length=MAX_QUESTION_CHARS,
        description="A question about the notes, Korean or English; not blank.",
        json_schema_extra={"minLength": 1, "pattern": r"\S"},  # enforced below, with a clearer message
    )
    top_k: int = Field(5, ge=1, le=20, description="How many passages to cite (1-20).")
    history: list[TurnIn] = Field(
        default_factory=list,
        max_length=MAX_TURNS,
        description="Earlier turns of the conversation, oldest first: a follow-up is resolved against them.",
    )
    filters: FiltersIn | None = Field(None, description="Answer only from notes in a folder or with some tags.")

    _check = field_validator("question")(not_blank)

    def turns(self) -> tuple[Turn, ...]:
        return tuple(Turn(t.question, t.answer) for t in self.history)

    def note_filter(self) -> NoteFilter:
        return self.filters.domain() if self.filters else NoteFilter()


class SearchRequest(BaseModel):
    query: str = Field(max_length=MAX_QUESTION_CHARS, json_schema_extra={"minLength": 1, "pattern": r"\S"})
    top_k: int = Field(5, ge=1, le=20)
    filters: FiltersIn | None = Field(None, description="Search only notes in a folder or with some tags.")

    _check = field_validator("query")(not_blank)

    def note_filter(self) -> NoteFilter:
        return self.filters.domain() if self.filters else NoteFilter()


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
    uncertain: bool = Field(
        default=False,
        description="True when `found` with a low confidence: the notes may not answer this directly.",
    )
    citations: list[CitedPassage] = Field(description="The passages found, when `found`.")
    related: list[CitedPassage] = Field(
        description="The closest passages (at most 3), when not `found`; `highlight_lines` marks the line "
        "closest to the question."
    )
    unknown_words: list[str] = Field(
        default_factory=list,
        description="When not `found`: names in the question that no note contains, as the question writes "
        "them. Asking in the notes' own words may find the answer.",
    )
    took_ms: float

    @classmethod
    def of(cls, answer: Answer) -> AskResponse:
        return cls(
            question=answer.question,
            searched_for=answer.searched_for,
            answer=answer.text,
            found=answer.found,
            confidence=round(answer.confidence, 4),
            uncertain=answer.uncertain,
            citations=[CitedPassage.cited(c) for c in answer.citations],
            related=[CitedPassage.cited(c) for c in answer.related],
            unknown_words=list(answer.unknown_words),
            took_ms=round(answer.took_ms, 1),
        )


class SearchResponse(BaseModel):
    results: list[CitedPassage]
    took_ms: float


class ReindexProgressOut(BaseModel):
    phase: str = Field(description="scan, analyse, embed or write")
    done: int
    total: int
    elapsed_s: float


class AuthNeeds(BaseModel):
    writes: bool = Field(description="Reindex, PUT, DELETE and restore need the API key.")
    reads: bool = Field(description="Ask, search and reading notes need the API key too.")


class HealthResponse(BaseModel):
    status: str = Field(description="'ok', or 'starting' until the first index generation is loaded")
    role: str = Field(description="all, writer or reader (NOTES_ROLE)")
    ready: bool
    notes: int
    chunks: int
    model: str
    generation: str = Field(description="The index generation being served.")
    reindexing: ReindexProgressOut | None = Field(description="Progress of a running reindex, else null.")
    quotes_pending: int = Field(
        0,
        description="Sentences still to embed ahead of time; until 0, an answer embeds those it may quote itself "
        "(about 3 ms each).",
    )
    auth: AuthNeeds
    last_error: str | None = Field(None, description="Why the last background reindex failed, if it did.")

    @classmethod
    def of(cls, status: LibraryStatus, model: str, auth: AuthNeeds, last_error: str | None) -> HealthResponse:
        progress = status.reindexing
        return cls(
            status="ok" if status.ready else "starting",
            role=status.role,
            ready=status.ready,
            notes=status.notes,
            chunks=status.chunks,
            model=model,
            generation=status.generation,
            reindexing=None
            if progress is None
            else ReindexProgressOut(
                phase=progress.phase,
                done=progress.done,
                total=progress.total,
                elapsed_s=round(time.monotonic() - progress.started, 1),
            ),
            quotes_pending=status.quotes_pending,
            auth=auth,
            last_error=last_error,
        )


class ReindexResponse(BaseModel):
    added: int
    changed: int
    removed: int
    unchanged: int
    chunks: int
    embedded: int
    failed: list[str] = Field(description="What was skipped, as 'path: reason' (unreadable, a pipe, too deep...).")
    warnings: list[str] = Field(description="Problems that did not stop a note from being indexed.")
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
            warnings=list(r.warnings),
            took_ms=round(r.took_ms, 1),
        )


class NoteSummary(BaseModel):
    path: str
    title: str
    tags: list[str]
    aliases: list[str]
    chunks: int

    @classmethod
    def of(cls, note: NoteInfo) -> NoteSummary:
        return cls(
            path=note.path, title=note.title, tags=list(note.tags), aliases=list(note.aliases), chunks=note.chunks
        )


class NotesResponse(BaseModel):
    notes: list[NoteSummary]


class ExamplesResponse(BaseModel):
    questions: list[str]


class VersionOut(BaseModel):
    id: str = Field(description="Pass it to the restore endpoint or GET .../versions/{id}.")
    saved_at: float = Field(description="When this text was replaced, deleted or restored over (Unix time).")
    reason: str = Field(description="replaced, deleted or restored")
    size: int

    @classmethod
    def of(cls, version: NoteVersion) -> VersionOut:
        return cls(id=version.id, saved_at=version.saved_at, reason=version.reason, size=version.size)


class VersionsResponse(BaseModel):
    path: str
    versions: list[VersionOut] = Field(description="Earlier texts of the note, newest first.")


class RestoreRequest(BaseModel):
    version: str = Field(min_length=1, max_length=100, description="A version id from GET .../versions.")


class NoteWriteResponse(BaseModel):
    path: str
    created: bool
    reindex: ReindexResponse


class ErrorResponse(BaseModel):
    detail: str
