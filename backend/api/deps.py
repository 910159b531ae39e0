"""Typed dependencies: the library from the app state, and the API key checks.

The key may be sent as `Authorization: Bearer <key>` or `X-API-Key: <key>`; both are declared as
security schemes, so the OpenAPI document tells clients (and schemathesis) how to authenticate.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security, status
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from backend.library import NotesLibrary
from backend.settings import Settings

bearer = HTTPBearer(auto_error=False, description="The API key (NOTES_API_KEY) as a bearer token.")
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="The API key (NOTES_API_KEY).")


# The dependencies are `async def` although nothing in them waits: FastAPI runs a plain `def`
# dependency on a worker thread: three hand-offs more for each /api/ask (~0.1 ms, bench.latency).


async def get_library(request: Request) -> NotesLibrary:
    return request.app.state.library


async def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


LibraryDep = Annotated[NotesLibrary, Depends(get_library)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]
KeyHeaderDep = Annotated[str | None, Security(api_key_header)]


def _check_key(settings: Settings, presented: str | None) -> None:
    if not settings.api_key:
        return
    if presented is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "this endpoint needs the API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not hmac.compare_digest(presented.encode(), settings.api_key.encode()):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "the API key is wrong")


def _presented(credentials: HTTPAuthorizationCredentials | None, header_key: str | None) -> str | None:
    return credentials.credentials.strip() if credentials is not None else header_key


async def require_write_key(settings: SettingsDep, credentials: BearerDep, header_key: KeyHeaderDep) -> None:
    _check_key(settings, _presented(credentials, header_key))


async def require_read_key(settings: SettingsDep, credentials: BearerDep, header_key: KeyHeaderDep) -> None:
    if settings.api_key_reads:
        _check_key(settings, _presented(credentials, header_key))
