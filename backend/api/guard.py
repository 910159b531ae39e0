"""The API's front door: what a request must be before any route sees it.

- Host: only the names in NOTES_ALLOWED_HOSTS (loopback by default) - DNS rebinding is refused.
- Writes (POST, PUT, PATCH, DELETE) from another site are refused: a browser marks them with
  `Sec-Fetch-Site: cross-site` or an `Origin` that is not this server's (or NOTES_CORS_ORIGINS).
- A POST may not carry a form or plain-text body, the content types a page can send to any site
  without asking (CORS "simple requests"): JSON it is, or no body.
- Bodies are bounded: JSON requests by NOTES_MAX_REQUEST_BYTES, notes by NOTES_MAX_NOTE_BYTES
  (413 with the limit); a JSON body that is not UTF-8 is a 422 like any other malformed JSON.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from backend.settings import Settings

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
SIMPLE_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain")

Scope = dict
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]


class RequestGuard:
    def __init__(self, app, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.hosts = settings.allowed_host_names()
        self.origins = {o.rstrip("/") for o in settings.cors_origin_list()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        method = scope["method"]
        refusal = self._refusal(method, headers)
        if refusal:
            await _reply(send, *refusal)
            return
        if method not in WRITE_METHODS:
            await self.app(scope, receive, send)
            return
        limit = self.settings.max_note_bytes if method == "PUT" else self.settings.max_request_bytes
        body = await _read_body(receive, limit, headers)
        if body is None:
            what = "note" if method == "PUT" else "request body"
            setting = "NOTES_MAX_NOTE_BYTES" if method == "PUT" else "NOTES_MAX_REQUEST_BYTES"
            await _reply(send, 413, f"the {what} is over the limit of {limit} bytes ({setting})")
            return
        if body and "json" in headers.get("content-type", ""):
            try:
                body.decode("utf-8")
            except UnicodeDecodeError:
                await _reply(send, 422, "body: is not valid JSON (it is not UTF-8)")
                return
        await self.app(scope, replaying({"type": "http.request", "body": body, "more_body": False}, receive), send)

    def _refusal(self, method: str, headers: dict[str, str]) -> tuple[int, str] | None:
        host = _host_name(headers.get("host", ""))
        if self.hosts and host not in self.hosts:
            return 400, f"host {host!r} is not served here; add it to NOTES_ALLOWED_HOSTS if it is yours"
        if method not in WRITE_METHODS:
            return None
        if headers.get("sec-fetch-site") in ("cross-site", "same-site"):
            return 403, "requests from another site may not change notes (Sec-Fetch-Site); use this server's own UI"
        origin = headers.get("origin")
        if origin is not None and origin.rstrip("/") not in self.origins and _host_name(origin) != host:
            return 403, f"requests from {origin!r} may not change notes; set NOTES_CORS_ORIGINS to allow it"
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if method == "POST" and content_type in SIMPLE_TYPES:
            return 415, f"send JSON (Content-Type: application/json), not {content_type}"
        return None


def _host_name(value: str) -> str:
    """The host of a Host header or an Origin, without port or brackets, lower case."""
    if "://" in value:
        value = urlsplit(value).netloc
    if value.startswith("["):
        return value[1 : value.find("]")].lower() if "]" in value else value.lower()
    return value.rsplit(":", 1)[0].lower() if value.count(":") == 1 else value.lower()


async def _read_body(receive: Receive, limit: int, headers: dict[str, str]) -> bytes | None:
    """The whole body, or None as soon as it is known to exceed `limit` (nothing more is read)."""
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        part = message.get("body", b"")
        size += len(part)
        if size > limit:
            return None
        chunks.append(part)
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def replaying(taken: dict, receive: Receive) -> Receive:
    """The message already taken (the whole body), then the connection's own events (a
    disconnect, when it comes)."""
    sent = False

    async def replay() -> dict:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return taken

    return replay


async def _reply(send: Send, status: int, detail: str) -> None:
    payload = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": payload})
