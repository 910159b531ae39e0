"""A small HTTP client for the notes API; no Streamlit here, so it is testable on its own."""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import quote

import httpx

DEFAULT_URL = "http://127.0.0.1:8000"


class ApiUnavailableError(Exception):
    """The API did not answer (down, unreachable or too slow)."""


class ApiError(Exception):
    """The API answered with an error; `detail` is its reason."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail


@dataclass
class NotesClient:
    """One visitor's client. The key is the visitor's own (typed in the sidebar, kept in their
    session); the UI server never sends a key of its own on anyone's behalf."""

    base_url: str = DEFAULT_URL
    api_key: str | None = None
    timeout: float = 60.0
    write_url: str = ""  # the writer, where API readers serve the questions (NOTES_API_WRITE_URL)

    @classmethod
    def from_env(cls, api_key: str | None = None) -> NotesClient:
        return cls(
            base_url=os.environ.get("NOTES_API_URL", DEFAULT_URL).rstrip("/"),
            api_key=api_key or None,
            timeout=float(os.environ.get("NOTES_UI_TIMEOUT", "60")),
            write_url=os.environ.get("NOTES_API_WRITE_URL", "").rstrip("/"),
        )

    def _request(self, method: str, path: str, **kwargs) -> httpx.Response:
        headers = kwargs.pop("headers", {})
        if self.api_key:
            headers["X-API-Key"] = self.api_key
        writes = method in ("PUT", "DELETE") or (method == "POST" and path.endswith(("/reindex", "/restore")))
        base = self.write_url if self.write_url and writes else self.base_url
        try:
            response = httpx.request(method, f"{base}{path}", headers=headers, timeout=self.timeout, **kwargs)
        except httpx.TimeoutException as exc:
            raise ApiUnavailableError(f"API가 {self.timeout:.0f}초 안에 답하지 않았습니다 ({self.base_url}).") from exc
        except httpx.TransportError as exc:
            raise ApiUnavailableError(f"API 서버에 연결할 수 없습니다 ({self.base_url}).") from exc
        if response.status_code >= 400:
            try:
                detail = response.json().get("detail", response.text)
            except ValueError:
                detail = response.text
            raise ApiError(response.status_code, str(detail))
        return response

    def health(self) -> dict:
        return self._request("GET", "/api/health").json()

    def ask(
        self, question: str, top_k: int = 5, history: list[dict] | None = None, filters: dict | None = None
    ) -> dict:
        payload: dict = {"question": question, "top_k": top_k}
        if history:
            payload["history"] = history
        if filters:
            payload["filters"] = filters
        return self._request("POST", "/api/ask", json=payload).json()

    def examples(self) -> list[str]:
        return self._request("GET", "/api/examples").json()["questions"]

    def image(self, path: str) -> tuple[bytes, str] | None:
        """An image of the corpus (bytes, media type), or None when it is not there."""
        try:
            response = self._request("GET", f"/api/files/{quote(path)}")
        except ApiError:
            return None
        return response.content, response.headers.get("content-type", "application/octet-stream")

    def reindex(self) -> dict:
        return self._request("POST", "/api/reindex").json()

    def notes(self) -> list[dict]:
        return self._request("GET", "/api/notes").json()["notes"]

    def note(self, path: str) -> str:
        return self._request("GET", f"/api/notes/{quote(path)}").text

    def upload(self, path: str, body: bytes) -> dict:
        headers = {"content-type": "text/markdown; charset=utf-8"}
        return self._request("PUT", f"/api/notes/{quote(path)}", content=body, headers=headers).json()
