"""Conversations kept by the UI server, one JSON file each, so a reload (or a shared link) restores
them. The id in the URL (?c=...) is random and unguessable: it is the only key to a conversation."""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
from pathlib import Path

_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
MAX_MESSAGES = 200


class ConversationStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @staticmethod
    def new_id() -> str:
        return secrets.token_urlsafe(18)

    @staticmethod
    def valid(conversation: str) -> bool:
        return bool(_ID.match(conversation or ""))

    def load(self, conversation: str) -> list[dict]:
        if not self.valid(conversation):
            return []
        try:
            messages = json.loads((self.folder / f"{conversation}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        return messages if isinstance(messages, list) else []

    def save(self, conversation: str, messages: list[dict]) -> None:
        """Atomically (temp file + rename); a full disk loses the saving, never the visible chat."""
        if not self.valid(conversation):
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(messages[-MAX_MESSAGES:], handle, ensure_ascii=False)
            os.replace(tmp, self.folder / f"{conversation}.json")
        except OSError:
            pass
