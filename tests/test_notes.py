import os

import pytest

from backend.errors import (
    InvalidNoteError,
    InvalidNotePathError,
    NoteNotFoundError,
    NoteStorageError,
    NoteTooLargeError,
)
from backend.notes import NoteStore


@pytest.fixture
def store(tmp_path):
    (tmp_path / "corpus").mkdir()
    return NoteStore(tmp_path / "corpus", tmp_path / "trash", max_bytes=1000)


@pytest.mark.parametrize(
    "path",
    [
        "../escape.md",
        "a/../../escape.md",
        "/etc/passwd.md",
        "notes.txt",
        "a\x00b.md",
        "x" * 256 + ".md",
        "",
        ".hidden.md",
        "a\\b.md",
        "C:/x.md",
        "./a.md",
    ],
)
def test_resolve_refuses_paths_outside_or_not_markdown(store, path):
    with pytest.raises(InvalidNotePathError):
        store.resolve(path)


def test_resolve_refuses_symlink_leading_out(store, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, store.root / "link")
    with pytest.raises(InvalidNotePathError, match="leads out"):
        store.write("link/evil.md", b"# x")
    assert not (outside / "evil.md").exists()


def test_list_paths_skips_links_out_hidden_folders_and_other_files(store, tmp_path):
    (store.root / "a.md").write_text("a")
    (store.root / "sub").mkdir()
    (store.root / "sub" / "b.md").write_text("b")
    (store.root / ".git").mkdir()
    (store.root / ".git" / "c.md").write_text("c")
    (store.root / "d.txt").write_text("d")
    (tmp_path / "secret.md").write_text("s")
    os.symlink(tmp_path / "secret.md", store.root / "secret.md")
    assert store.list_paths() == ["a.md", "sub/b.md"]


def test_write_replace_and_delete_keep_copies_in_trash(store):
    assert store.write("dir/n.md", "첫 판".encode()) is True
    assert store.write("dir/n.md", "둘째 판".encode()) is False
    assert store.read_text("dir/n.md") == "둘째 판"
    store.delete("dir/n.md")
    kept = sorted(p.read_text() for p in store.trash.rglob("n.md"))
    assert kept == ["둘째 판", "첫 판"]
    with pytest.raises(NoteNotFoundError):
        store.read_text("dir/n.md")


def test_write_refuses_large_and_non_utf8_bodies(store):
    with pytest.raises(NoteTooLargeError):
        store.write("big.md", b"x" * 1001)
    with pytest.raises(InvalidNoteError):
        store.write("bad.md", b"\xff\xfe\x00bad")
    assert store.list_paths() == []


def test_write_into_read_only_corpus_is_a_clear_error(store):
    store.root.chmod(0o555)
    try:
        if os.access(store.root, os.W_OK):  # running as root: permissions do not bind, use a file in the way
            store.root.chmod(0o755)
            (store.root / "sub").write_text("a file where a folder should be")
            with pytest.raises(NoteStorageError, match="cannot write note"):
                store.write("sub/n.md", b"# x")
        else:
            with pytest.raises(NoteStorageError, match="cannot write note"):
                store.write("n.md", b"# x")
    finally:
        store.root.chmod(0o755)
