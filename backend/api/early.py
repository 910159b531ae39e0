"""The question's vector starts while FastAPI still reads the request.

Of a /api/ask that takes ~4.4 ms, the model takes ~3.4 ms; parsing, validating and the
dependencies took another ~0.2 ms before the route could start it. This middleware, inside the
guard (which has bounded and buffered the body), reads the question of a POST /api/ask or
/api/search and asks the library to start its vector (NotesLibrary.embed_early); the route's search
then takes the vector under way. A request that turns out invalid leaves one vector unused.

Only when reads need no key: a client without the key must not make the server compute anything.
A follow-up (a question with history) is searched as resolved against its turns, not as written,
so it starts nothing here.
"""

from __future__ import annotations

import json

from backend.api.guard import Receive, Scope, Send, replaying
from backend.api.schemas import MAX_QUESTION_CHARS, not_blank
from backend.settings import Settings

FIELDS = {"/api/ask": "question", "/api/search": "query"}  # where each route's query text is


class EarlyQuery:
    def __init__(self, app, settings: Settings) -> None:
        self.app = app
        self.open_reads = not (settings.api_key and settings.api_key_reads)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        field = FIELDS.get(scope.get("path", "")) if scope["type"] == "http" and scope["method"] == "POST" else None
        library = getattr(scope["app"].state, "library", None) if field and self.open_reads else None
        if library is None:
            await self.app(scope, receive, send)
            return
        message = await receive()  # the guard's replay: the whole body at once
        if message["type"] == "http.request" and not message.get("more_body"):
            query = query_of(message.get("body", b""), field)
            if query:
                library.embed_early(query)
        await self.app(scope, replaying(message, receive), send)


def query_of(body: bytes, field: str) -> str | None:
    """The text the route will search for, as its schema will clean it; None if it will not."""
    try:
        request = json.loads(body)
    except ValueError:
        return None
    if not isinstance(request, dict) or request.get("history"):
        return None
    value = request.get(field)
    if not isinstance(value, str) or len(value) > MAX_QUESTION_CHARS:
        return None
    try:
        return not_blank(value)
    except ValueError:
        return None
