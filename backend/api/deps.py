"""Typed dependencies: the library from the app state, and the API key checks."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from backend.library import NotesLibrary
from backend.settings import Settings


def get_library(request: Request) -> NotesLibrary:
    return request.app.state.library


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


LibraryDep = Annotated[NotesLibrary, Depends(get_library)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def _presented_key(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.headers.get("x-api-key")


def _check_key(request: Request, settings: Settings) -> None:
    if not settings.api_key:
        return
    presented = _presented_key(request)
    if presented is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "this endpoint needs the API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not hmac.compare_digest(presented.encode(), settings.api_key.encode()):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "the API key is wrong")


def require_write_key(request: Request, settings: SettingsDep) -> None:
    _check_key(request, settings)


def require_read_key(request: Request, settings: SettingsDep) -> None:
    if settings.api_key_reads:
        _check_key(request, settings)
