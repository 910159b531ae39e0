"""The notes on disk: listing, reading and writing Markdown files that stay inside the corpus.

Every write is atomic (temp file + rename) and writes are serialised, so two saves of one note
cannot lose either body. A note that is replaced or deleted is first kept as a version in the
trash folder (the last `keep_versions` per note), so nothing a user wrote is ever lost; an
unchanged save keeps no copy. The corpus walk is iterative and bounded (depth, path length),
reads only regular files (a FIFO would block forever) and reports what it skips.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from backend.errors import (
    InvalidNoteError,
    InvalidNotePathError,
    NoteConflictError,
    NoteNotFoundError,
    NoteStorageError,
    NoteTooLargeError,
)

MAX_NAME_BYTES = 255
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".webp": "image/webp", ".svg": "image/svg+xml"}  # fmt: skip
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_PATH_CHARS = 1024  # a note path inside the corpus, in characters
MAX_DEPTH = 32  # folders between the corpus and a note
NAME_CHARS = 63  # a new note's folder and file names: 63 characters are at most 252 bytes (the limit is 255)


def _path_pattern(extension: str, longest: int) -> str:
    """The paths a client may create: names that start with no '.', without control characters,
    '\\' or ':', at most NAME_CHARS characters, at most MAX_DEPTH folders deep. Documented in the
    OpenAPI document and enforced for new notes, so clients (and fuzzers) can know it beforehand."""
    first, rest = r"[^/\\:.\x00-\x1f]", r"[^/\\:\x00-\x1f]"
    folder = f"{first}{rest}{{0,{NAME_CHARS - 1}}}"
    return f"^(?:{folder}/){{0,{MAX_DEPTH}}}{first}{rest}{{0,{NAME_CHARS - 1 - longest}}}{extension}$"


NOTE_PATH_PATTERN = _path_pattern(r"\.md", len(".md"))
IMAGE_PATH_PATTERN = _path_pattern(r"\.(?:gif|jpeg|jpg|png|svg|webp)", len(".jpeg"))
_NEW_NOTE_PATH = re.compile(NOTE_PATH_PATTERN)


_HANGUL_SYLLABLE = re.compile(r"[가-힣]")


def decode_note(raw: bytes) -> tuple[str, str]:
    """A note's text and the encoding it was written in: UTF-8 (a BOM or not), else UTF-16 with its
    BOM (Windows Notepad's "Unicode") or CP949 / EUC-KR, which older Korean Windows editors save.
    Those two are believed only when most of what they read beyond ASCII is Hangul: Latin-1 text
    (é, ü) decodes as CP949 Hanja, and any bytes after a BOM decode as UTF-16. Anything else raises
    UnicodeDecodeError: the note is reported, and stays as it is."""
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as not_utf8:
        encoding = "UTF-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else "CP949"
        try:
            text = raw.decode(encoding.lower())
        except UnicodeDecodeError:
            raise not_utf8 from None
        beyond_ascii = sum(1 for c in text if ord(c) > 127)
        if len(_HANGUL_SYLLABLE.findall(text)) * 2 < beyond_ascii:
            raise not_utf8 from None
        return text.lstrip("\ufeff"), encoding


@dataclass(frozen=True)
class Listing:
    """The notes of the corpus, sorted, and what the walk skipped with the reason ("path: reason")."""

    paths: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    # path -> "size:mtime_ns" as the walk saw it (before any read): an unchanged stamp, an unchanged note
    stamps: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class NoteVersion:
    """An earlier text of a note, kept when it was replaced, deleted or restored over."""

    id: str  # e.g. 20261128T101500.123456789-replaced
    saved_at: float  # seconds since the epoch
    reason: str  # replaced | deleted | restored
    size: int


class NoteStore:
    def __init__(
        self, corpus_dir: Path, trash_dir: Path, *, max_bytes: int = 1024 * 1024, keep_versions: int = 20
    ) -> None:
        self.root = corpus_dir
        self.trash = trash_dir
        self.max_bytes = max_bytes
        self.keep_versions = keep_versions
        self._write_lock = threading.Lock()

    # ---- the corpus walk -------------------------------------------------------------------
    def scan(self) -> Listing:
        """Every Markdown note under the corpus; hidden entries are passed over, odd ones reported."""
        if not self.root.is_dir():
            return Listing()
        root = os.path.realpath(self.root)
        found: dict[tuple[int, int], list[tuple[bool, str]]] = {}  # (device, inode) -> (is a link, path)
        stamps: dict[str, str] = {}
        skipped: list[str] = []
        stack = [(root, "", 0)]
        while stack:  # iterative: a folder a thousand levels deep cannot exhaust the stack
            folder, prefix, depth = stack.pop()
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError as exc:
                skipped.append(f"{prefix or '.'}: cannot be read ({exc.strerror})")
                continue
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                relative = f"{prefix}{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    if depth + 1 > MAX_DEPTH:
                        skipped.append(f"{relative}/: deeper than {MAX_DEPTH} folders; move its notes up")
                    else:
                        stack.append((entry.path, f"{relative}/", depth + 1))
                    continue
                if not entry.name.endswith(".md"):
                    continue
                reason = self._unusable(entry, root, relative)
                if reason:
                    skipped.append(f"{relative}: {reason}")
                    continue
                info = entry.stat()  # cached by the entry since _unusable
                found.setdefault((info.st_dev, info.st_ino), []).append((entry.is_symlink(), relative))
                stamps[relative] = f"{info.st_size}:{info.st_mtime_ns}"
        paths = []
        for shown in found.values():  # one file shown under several names (links): the real one is the note
            (_, kept), *others = sorted(shown)
            paths.append(kept)
            skipped.extend(f"{other}: the same file as {kept} (a link), indexed once" for _, other in others)
        return Listing(sorted(paths), sorted(skipped), {p: stamps[p] for p in paths})

    @staticmethod
    def _unusable(entry: os.DirEntry, root: str, relative: str) -> str | None:
        """Why a listed .md entry cannot be a note, or None."""
        if len(relative) > MAX_PATH_CHARS:
            return f"path longer than {MAX_PATH_CHARS} characters"
        if entry.is_symlink() and not os.path.realpath(entry.path).startswith(root + os.sep):
            return "a link leading out of the corpus"
        try:
            mode = entry.stat().st_mode  # follows a link inside the corpus
        except OSError as exc:
            return f"cannot be read ({exc.strerror})"
        if stat.S_ISDIR(mode):
            return "a link to a folder (not followed)"
        if not stat.S_ISREG(mode):
            return "not a regular file (a pipe, socket or device is never read)"
        return None

    def list_paths(self) -> list[str]:
        return self.scan().paths

    def read_listed(self, path: str) -> bytes:
        """Read a path that scan() returned; refuses anything that became a non-regular file since."""
        fd = os.open(os.path.join(self.root, path), os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise OSError(f"{path} is not a regular file")
            return handle.read()

    # ---- single notes ----------------------------------------------------------------------
    def resolve(self, path: str) -> Path:
        """The file for a user-given note path; refuses anything that would leave the corpus."""
        if not path or "\x00" in path:
            raise InvalidNotePathError("note path is empty or contains a NUL byte")
        if len(path) > MAX_PATH_CHARS:
            raise InvalidNotePathError(f"note path is {len(path)} characters; the limit is {MAX_PATH_CHARS}")
        if "\\" in path or path.startswith("/") or PurePosixPath(path).is_absolute() or ":" in path.split("/")[0]:
            raise InvalidNotePathError(f"note path {path!r} must be relative to the corpus, with '/' separators")
        parts = path.split("/")
        if len(parts) - 1 > MAX_DEPTH:
            raise InvalidNotePathError(f"note path is {len(parts) - 1} folders deep; the limit is {MAX_DEPTH}")
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

    def read_image(self, path: str) -> tuple[bytes, str]:
        """An image a note shows, from inside the corpus: (bytes, media type)."""
        suffix = PurePosixPath(path).suffix.lower()
        if suffix not in IMAGE_TYPES:
            raise InvalidNotePathError(f"{path!r} is not an image ({', '.join(sorted(IMAGE_TYPES))})")
        full = self.resolve(path[: -len(suffix)] + ".md").with_suffix(suffix)  # the same checks as for a note
        if not full.is_file():
            raise NoteNotFoundError(f"no image {path!r} in the corpus")
        if full.stat().st_size > MAX_IMAGE_BYTES:
            raise NoteTooLargeError(f"image {path!r} is over {MAX_IMAGE_BYTES} bytes")
        return full.read_bytes(), IMAGE_TYPES[suffix]

    def read_bytes(self, path: str) -> bytes:
        full = self.resolve(path)
        if not full.is_file():
            raise NoteNotFoundError(f"no note {path!r} in the corpus")
        return full.read_bytes()

    def read_text(self, path: str) -> str:
        try:
            return decode_note(self.read_bytes(path))[0]
        except UnicodeDecodeError as exc:
            raise InvalidNoteError(f"note {path!r} is neither UTF-8, UTF-16 nor CP949 text: {exc}") from exc

    def resolve_for_write(self, path: str) -> Path:
        """As resolve(); a note that does not exist yet must also have a path NOTE_PATH_PATTERN admits."""
        full = self.resolve(path)
        if not full.exists() and not _NEW_NOTE_PATH.fullmatch(path):
            raise InvalidNotePathError(
                f"a new note's folder and file names may have at most {NAME_CHARS} characters each, "
                f"none starting with '.', without control characters, '\\' or ':' (got {path[:80]!r})"
            )
        return full

    def write(self, path: str, body: bytes, *, reason: str = "replaced") -> bool:
        """Create or replace a note atomically; returns True when it was created."""
        full = self.resolve_for_write(path)
        body = self.storable(body)
        with self._write_lock:
            self._check_place(path, full)
            created = not full.exists()
            if not created and full.read_bytes() == body:
                return False  # unchanged: no copy, no write
            try:
                if not created:
                    self._keep_version(path, full, reason)
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

    def storable(self, body: bytes) -> bytes:
        """The bytes to store for a note's body: as sent when UTF-8, converted to UTF-8 when it is
        UTF-16 or CP949 (decode_note: a file saved by an older Korean Windows editor uploads as it is)."""
        if len(body) > self.max_bytes:
            raise NoteTooLargeError(
                f"note is {len(body)} bytes; the limit is {self.max_bytes} bytes (NOTES_MAX_NOTE_BYTES)"
            )
        try:
            text, encoding = decode_note(body)
        except UnicodeDecodeError as exc:
            raise InvalidNoteError(
                f"note body is neither UTF-8, UTF-16 nor CP949 text ({exc}); save it as UTF-8 and try again"
            ) from exc
        return body if encoding == "UTF-8" else text.encode("utf-8")

    def delete(self, path: str) -> None:
        """Delete a note; its text is kept as a version (it can be restored)."""
        full = self.resolve(path)
        with self._write_lock:
            if not full.is_file():
                raise NoteNotFoundError(f"no note {path!r} in the corpus")
            try:
                self._keep_version(path, full, "deleted")
                full.unlink()
            except OSError as exc:
                raise NoteStorageError(
                    f"cannot delete note {path!r}: {exc.strerror}; check the corpus folder's permissions"
                ) from exc

    # ---- versions --------------------------------------------------------------------------
    def versions(self, path: str) -> list[NoteVersion]:
        """Earlier texts of a note, newest first (the note itself may be deleted)."""
        self.resolve(path)
        folder = self.trash / path
        if not folder.is_dir():
            return []
        found = []
        for file in folder.glob("*.md"):
            stamp, _, reason = file.stem.partition("-")
            try:
                saved_at = time.mktime(time.strptime(stamp.split(".")[0], "%Y%m%dT%H%M%S"))
            except ValueError:
                continue
            found.append(NoteVersion(file.stem, saved_at, reason or "replaced", file.stat().st_size))
        return sorted(found, key=lambda v: v.id, reverse=True)

    def version_text(self, path: str, version: str) -> bytes:
        self.resolve(path)
        if version not in {v.id for v in self.versions(path)}:
            raise NoteNotFoundError(f"note {path!r} has no version {version!r}; GET its versions to see them")
        return (self.trash / path / f"{version}.md").read_bytes()

    def restore(self, path: str, version: str) -> bool:
        """Make an earlier version the note again (the current text becomes a version itself)."""
        return self.write(path, self.version_text(path, version), reason="restored")

    def _keep_version(self, path: str, full: Path, reason: str) -> None:
        now = time.time_ns()
        stamp = time.strftime("%Y%m%dT%H%M%S", time.localtime(now / 1e9)) + f".{now % 1_000_000_000:09d}"
        folder = self.trash / path
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(full, folder / f"{stamp}-{reason}.md")
        for old in sorted(folder.glob("*.md"), reverse=True)[self.keep_versions :]:
            old.unlink(missing_ok=True)

    def _check_place(self, path: str, full: Path) -> None:
        """A note cannot go under another note nor over a folder."""
        root = self.root.resolve()
        for parent in reversed(full.parents):
            if parent.is_relative_to(root) and parent != root and parent.exists() and not parent.is_dir():
                name = parent.relative_to(root).as_posix()
                raise NoteConflictError(f"{name} is a note, not a folder: choose another path than {path!r}")
        if full.is_dir():
            raise NoteConflictError(f"{path} is a folder in the corpus, not a note: choose another name")
