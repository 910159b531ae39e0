"""The notes on disk: listing, reading and writing Markdown files that stay inside the corpus.

Every write is atomic (temp file + rename), and a note that is replaced or deleted is first
copied to the trash folder, so nothing a user wrote is ever lost.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path, PurePosixPath

from backend.errors import (
    InvalidNoteError,
    InvalidNotePathError,
    NoteNotFoundError,
    NoteStorageError,
    NoteTooLargeError,
)

MAX_NAME_BYTES = 255


class NoteStore:
    def __init__(self, corpus_dir: Path, trash_dir: Path, *, max_bytes: int = 1024 * 1024) -> None:
        self.root = corpus_dir
        self.trash = trash_dir
        self.max_bytes = max_bytes

    def list_paths(self) -> list[str]:
        """Every Markdown note under the corpus, as sorted relative paths; hidden folders are skipped."""
        if not self.root.is_dir():
            return []
        root = os.path.realpath(self.root)
        paths = []
        for dirpath, dirnames, filenames in os.walk(root):  # symlinked folders are not followed
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            relative = os.path.relpath(dirpath, root).replace(os.sep, "/")
            for name in filenames:
                if not name.endswith(".md") or name.startswith("."):
                    continue
                full = os.path.join(dirpath, name)
                if os.path.islink(full) and not os.path.realpath(full).startswith(root + os.sep):
                    continue  # a symlink leading out of the corpus is not a note of this corpus
                paths.append(name if relative == "." else f"{relative}/{name}")
        return sorted(paths)

    def stamp_listed(self, path: str) -> str:
        """Size and modification time of a listed note: unchanged stamps mean an unchanged note."""
        info = os.stat(os.path.join(self.root, path))
        return f"{info.st_size}:{info.st_mtime_ns}"

    def read_listed(self, path: str) -> bytes:
        """Read a path that list_paths() returned (already checked; no second resolve per file)."""
        with open(os.path.join(self.root, path), "rb") as handle:
            return handle.read()

    def resolve(self, path: str) -> Path:
        """The file for a user-given note path; refuses anything that would leave the corpus."""
        if not path or "\x00" in path:
            raise InvalidNotePathError("note path is empty or contains a NUL byte")
        if "\\" in path or path.startswith("/") or PurePosixPath(path).is_absolute() or ":" in path.split("/")[0]:
            raise InvalidNotePathError(f"note path {path!r} must be relative to the corpus, with '/' separators")
        parts = path.split("/")
        if any(part in ("..", ".", "") for part in parts):
            raise InvalidNotePathError(f"note path {path!r} may not contain '.', '..' or empty parts")
        if any(part.startswith(".") for part in parts):
            raise InvalidNotePathError(f"note path {path!r} may not name hidden files or folders")
        if any(len(part.encode("utf-8")) > MAX_NAME_BYTES for part in parts):
            raise InvalidNotePathError(f"a name in note path {path[:40]!r}... is longer than {MAX_NAME_BYTES} bytes")
        if not path.endswith(".md"):
            raise InvalidNotePathError(f"note path {path!r} must end in .md (only Markdown notes are stored)")
        root = self.root.resolve()
        full = (root / path).resolve()
        if not full.is_relative_to(root):
            raise InvalidNotePathError(f"note path {path!r} leads out of the corpus (through a symlink)")
        return root / path

    def read_bytes(self, path: str) -> bytes:
        full = self.resolve(path)
        if not full.is_file():
            raise NoteNotFoundError(f"no note {path!r} in the corpus")
        return full.read_bytes()

    def read_text(self, path: str) -> str:
        try:
            return self.read_bytes(path).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidNoteError(f"note {path!r} is not valid UTF-8: {exc}") from exc

    def write(self, path: str, body: bytes) -> bool:
        """Create or replace a note atomically; returns True when it was created."""
        full = self.resolve(path)
        if len(body) > self.max_bytes:
            raise NoteTooLargeError(
                f"note is {len(body)} bytes; the limit is {self.max_bytes} bytes (NOTES_MAX_NOTE_BYTES)"
            )
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidNoteError(f"note body is not valid UTF-8 ({exc}); save it as UTF-8 and try again") from exc
        created = not full.exists()
        try:
            if not created:
                self._keep_copy(path, full)
            full.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".upload-", suffix=".tmp", dir=full.parent)
        except OSError as exc:
            raise NoteStorageError(
                f"cannot write note {path!r}: {exc.strerror}; check the corpus folder's permissions"
            ) from exc
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(body)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, full)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return created

    def delete(self, path: str) -> None:
        """Move a note to the trash folder (it can be restored from there)."""
        full = self.resolve(path)
        if not full.is_file():
            raise NoteNotFoundError(f"no note {path!r} in the corpus")
        try:
            self._keep_copy(path, full)
            full.unlink()
        except OSError as exc:
            raise NoteStorageError(
                f"cannot delete note {path!r}: {exc.strerror}; check the corpus folder's permissions"
            ) from exc

    def _keep_copy(self, path: str, full: Path) -> None:
        stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{time.time_ns() % 1_000_000_000:09d}"
        target = self.trash / stamp / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(full, target)
