import os
import threading

import pytest

from backend.errors import (
    InvalidNoteError,
    InvalidNotePathError,
    NoteConflictError,
    NoteNotFoundError,
    NoteStorageError,
    NoteTooLargeError,
)
from backend.notes import MAX_DEPTH, MAX_PATH_CHARS, NoteStore


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


def test_write_replace_and_delete_keep_versions_that_can_be_restored(store):
    assert store.write("dir/n.md", "첫 판".encode()) is True
    assert store.write("dir/n.md", "둘째 판".encode()) is False
    assert store.read_text("dir/n.md") == "둘째 판"
    store.delete("dir/n.md")
    versions = store.versions("dir/n.md")
    assert [v.reason for v in versions] == ["deleted", "replaced"]
    assert [store.version_text("dir/n.md", v.id).decode() for v in versions] == ["둘째 판", "첫 판"]
    with pytest.raises(NoteNotFoundError):
        store.read_text("dir/n.md")
    assert store.restore("dir/n.md", versions[1].id) is True  # brought back from deletion
    assert store.read_text("dir/n.md") == "첫 판"
    with pytest.raises(NoteNotFoundError, match="no version"):
        store.version_text("dir/n.md", "19990101T000000.000000000-replaced")


def test_unchanged_write_keeps_no_copy_and_versions_are_pruned(tmp_path):
    (tmp_path / "corpus").mkdir()
    store = NoteStore(tmp_path / "corpus", tmp_path / "trash", keep_versions=3)
    store.write("n.md", b"v0")
    assert store.write("n.md", b"v0") is False and store.versions("n.md") == []
    for i in range(1, 6):
        store.write("n.md", f"v{i}".encode())
    kept = [store.version_text("n.md", v.id).decode() for v in store.versions("n.md")]
    assert kept == ["v4", "v3", "v2"]


def test_racing_writes_to_one_note_lose_no_body(tmp_path):
    (tmp_path / "corpus").mkdir()
    store = NoteStore(tmp_path / "corpus", tmp_path / "trash", keep_versions=100)
    bodies = set()
    for round_ in range(30):
        pair = [f"round {round_} writer {w}".encode() for w in (0, 1)]
        bodies.update(pair)
        threads = [threading.Thread(target=store.write, args=("race.md", body)) for body in pair]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    kept = {store.version_text("race.md", v.id) for v in store.versions("race.md")} | {store.read_bytes("race.md")}
    assert bodies <= kept and len(store.versions("race.md")) == 59


def test_a_note_under_a_note_or_over_a_folder_is_a_conflict(store):
    store.write("a.md", b"# a")
    with pytest.raises(NoteConflictError, match="a.md is a note, not a folder"):
        store.write("a.md/child.md", b"# c")
    (store.root / "d.md").mkdir()
    with pytest.raises(NoteConflictError, match="d.md is a folder"):
        store.write("d.md", b"# d")


def test_paths_too_long_or_too_deep_are_refused_with_the_limit(store):
    with pytest.raises(InvalidNotePathError, match=f"the limit is {MAX_PATH_CHARS}"):
        store.resolve("a/" * 2100 + "x.md")
    with pytest.raises(InvalidNotePathError, match=f"the limit is {MAX_DEPTH}"):
        store.resolve("d/" * (MAX_DEPTH + 1) + "x.md")


def make_deep_tree(root, levels: int) -> int:
    """`levels` nested folders made by descending into each (no path grows past PATH_MAX); returns them."""
    here = os.open(root, os.O_RDONLY)
    made = 0
    try:
        for _ in range(levels):
            os.mkdir("d", dir_fd=here)
            below = os.open("d", os.O_RDONLY, dir_fd=here)
            os.close(here)
            here, made = below, made + 1
        with open(os.open("y.md", os.O_WRONLY | os.O_CREAT, dir_fd=here), "w") as handle:
            handle.write("# deep")
    finally:
        os.close(here)
    return made


def remove_deep_tree(root) -> None:
    """Remove it bottom-up without recursion (shutil.rmtree and pytest's cleanup would overflow)."""
    fds = [os.open(root, os.O_RDONLY)]
    while "d" in os.listdir(fds[-1]):
        fds.append(os.open("d", os.O_RDONLY, dir_fd=fds[-1]))
    for parent, child in zip(reversed(fds[:-1]), reversed(fds[1:])):
        for name in os.listdir(child):
            os.unlink(name, dir_fd=child)
        os.close(child)
        os.rmdir("d", dir_fd=parent)
    os.close(fds[0])


def test_scan_survives_a_thousand_nested_folders_and_reports_them(store):
    try:
        assert make_deep_tree(store.root, 1100) == 1100
        (store.root / "top.md").write_text("# top")
        listing = store.scan()
        assert listing.paths == ["top.md"]
        assert listing.skipped == [f"{'d/' * (MAX_DEPTH + 1)}: deeper than {MAX_DEPTH} folders; move its notes up"]
    finally:
        remove_deep_tree(store.root)


def test_scan_skips_pipes_and_second_links_to_one_note_and_reports_them(store):
    (store.root / "real.md").write_text("# real")
    os.symlink(store.root / "real.md", store.root / "alias.md")
    os.mkfifo(store.root / "pipe.md")
    listing = store.scan()
    assert listing.paths == ["alias.md"] or listing.paths == ["real.md"]
    assert any(r.startswith("pipe.md: not a regular file") for r in listing.skipped)
    assert any("the same file as" in r for r in listing.skipped)


def test_write_refuses_large_and_non_utf8_bodies(store):
    with pytest.raises(NoteTooLargeError):
        store.write("big.md", b"x" * 1001)
    with pytest.raises(InvalidNoteError):
        store.write("bad.md", b"\xff\xfe\x00bad")
    assert store.list_paths() == []


def test_write_into_read_only_corpus_is_a_clear_error(store):
    store.write("n.md", b"# first")
    store.root.chmod(0o555)
    try:
        if os.access(store.root, os.W_OK):  # running as root: permissions do not bind; a file blocks the trash
            store.root.chmod(0o755)
            store.trash.parent.mkdir(parents=True, exist_ok=True)
            store.trash.write_text("a file where the trash folder should be")
        with pytest.raises(NoteStorageError, match="cannot write note"):
            store.write("n.md", b"# second")
        assert store.read_text("n.md") == "# first"  # the note is untouched when its old text cannot be kept
    finally:
        store.root.chmod(0o755)
