"""Split a Markdown note into citable chunks along its headings.

Each chunk keeps the heading path it sits under, the note's path and its 1-based line span.
`#` inside a code fence is not a heading and a fence is never split; list items (with their
indented continuation, which is where Q&A answers live) stay whole where they fit.
A line that is only bold text (``**비교**``) acts as a sub-heading, and a heading indented
inside a list item nests under that item ("질문 1. ..." > "1. Windows ...").
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from backend.models import Chunk

DEFAULT_MAX_CHARS = 600
# Bump when the rules below change what chunks a note gives: an index built under other rules
# re-chunks every note (vectors of unchanged passages are reused), or its unchanged notes would
# keep chunks, headings and line spans the new rules no longer make.
CHUNKING_VERSION = "headings-2"
HEADING_SEPARATOR = " > "

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_HEADING = re.compile(r"^(\s*)(#{1,6})\s+(.*?)\s*#*\s*$")
_BOLD_LINE = re.compile(r"^\s{0,3}\*\*([^*].*?)\*\*\s*:?\s*$")
_SETEXT_RULE = re.compile(r"^\s{0,3}(=+|-+)\s*$")  # under a line of text: that line is a heading (= 1, - 2)
_LIST_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d{1,3}[.)])\s+(.*)$")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_EMBEDDED_FILE = re.compile(r"!\[\[[^\]]*\.(?:png|jpe?g|gif|svg|webp|bmp|pdf|mp4|mp3)(?:\|[^\]]*)?\]\]", re.IGNORECASE)
_WIKILINK = re.compile(r"!?\[\[([^\]|#]*)(?:#([^\]|]*))?(?:\|([^\]]*))?\]\]")
_URL = re.compile(r"https?://[^\s)\]]+")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_CALLOUT = re.compile(r"\[!\w+\][+-]?\s*")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$", re.MULTILINE)
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_TAG_MARK = re.compile(r"(?<![\w&/#])#(?=[^\W\d_])")
_MARKUP = re.compile(r"(\*\*|__|`|^\s*#{1,6}\s+|^\s*>\s?|^\s*(?:[-*+]|\d{1,3}[.)])\s+)", re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?。？！])\s+|(?<=다\.)|(?<=요\.)")

_LIST_LEVEL = 7  # heading levels 1-6 are ATX; 7 = bold line; 8+ = headings nested in a list item


def normalize_text(text: str) -> str:
    """NFC, no BOM, LF line ends: the one form every note and query is compared in."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def clean_markup(text: str) -> str:
    """Text a person reads, without Markdown syntax: image links (files we may not have) and URLs
    vanish, [[note|label]] reads as its label, [[note#heading]] as "note heading", a table as its
    cells, a callout as its title and text, #tag as the word."""
    text = _URL.sub(" ", _IMAGE.sub(" ", _EMBEDDED_FILE.sub(" ", text)))
    text = _WIKILINK.sub(_wikilink_text, text)
    text = _LINK.sub(r"\1", text)
    text = _TABLE_RULE.sub("", _HTML_TAG.sub(" ", text))
    text = _MARKUP.sub("", text)
    text = _TAG_MARK.sub("", _CALLOUT.sub("", text)).replace("|", " ")
    return re.sub(r"[ \t]+", " ", re.sub(r"\n\s*\n+", "\n", text)).strip()


def _closes(marker: re.Match | None, fence: str) -> bool:
    """Whether a fence line (`marker`) closes the code block `fence` opened: same character, as long or longer."""
    return marker is not None and marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence)


def outside_fences(lines: list[str]) -> Iterator[tuple[int, str]]:
    """(1-based number, line) of the lines outside code fences and of no fence's own line."""
    fence: str | None = None
    for number, line in enumerate(lines, start=1):
        marker = _FENCE.match(line)
        if fence is not None:
            if _closes(marker, fence):
                fence = None
        elif marker:
            fence = marker.group(1)
        else:
            yield number, line


def mostly_code(text: str) -> bool:
    """Whether most of a passage's non-blank lines are inside code fences: written in neither
    Korean nor English."""
    inside, code, lines = None, 0, 0
    for line in text.splitlines():
        marker = _FENCE.match(line)
        if line.strip():
            lines += 1
            code += inside is not None or marker is not None
        if marker and inside is None:
            inside = marker.group(1)
        elif _closes(marker, inside):
            inside = None
    return lines > 0 and code >= lines / 2


def _wikilink_text(match: re.Match) -> str:
    note, heading, label = match.group(1), match.group(2), match.group(3)
    if label:
        return label.strip()
    name = note.strip().rsplit("/", 1)[-1].removesuffix(".md")
    return " ".join(part for part in (name, (heading or "").strip()) if part)


@dataclass
class _Section:
    path: tuple[str, ...]
    lines: list[tuple[int, str]] = field(default_factory=list)


def _heading_title(text: str) -> str:
    title = _LINK.sub(r"\1", _WIKILINK.sub(_wikilink_text, _IMAGE.sub(" ", text))).replace("**", "").replace("`", "")
    return title.strip().rstrip(":").strip() or text.strip()


def _sections(lines: list[str]) -> list[_Section]:
    """Group lines under the heading path they belong to."""
    stack: list[tuple[int, str]] = []  # (level, title)
    list_item: tuple[int, str] | None = None  # (indent, title) of the list item that owns nested headings
    sections = [_Section(())]
    fence: str | None = None
    underline = 0  # the line number of a Setext heading's rule: markup, in no passage
    for number, line in enumerate(lines, start=1):
        if number == underline:
            continue
        if fence is not None:
            sections[-1].lines.append((number, line))
            marker = _FENCE.match(line)
            if _closes(marker, fence):
                fence = None
            continue
        marker = _FENCE.match(line)
        if marker:
            fence = marker.group(1)
            sections[-1].lines.append((number, line))
            continue
        indent = len(line) - len(line.lstrip(" \t"))
        item = _LIST_ITEM.match(line)
        if line.strip() and list_item is not None and indent <= list_item[0]:
            stack = [entry for entry in stack if entry[0] < _LIST_LEVEL + 1]
            list_item = None
            sections.append(_Section(tuple(title for _, title in stack)))
        heading = _HEADING.match(line)
        level, title = 0, ""
        if heading and indent <= 3:
            level, title = len(heading.group(2)), heading.group(3)
        elif item is None and (setext := setext_level(lines, number)):
            level, title = setext, line
            underline = number + 1
        elif heading and item is None and (owner := _owning_item(lines, number - 1, indent)) is not None:
            owner_line, owner_indent, owner_title = owner
            if list_item is None or list_item[0] != owner_indent:
                list_item = (owner_indent, owner_title)
                stack = [entry for entry in stack if entry[0] <= _LIST_LEVEL] + [(_LIST_LEVEL + 1, owner_title)]
                # the item's own lines (a question and its short verdict) become a passage of their own
                owned = [entry for entry in sections[-1].lines if entry[0] >= owner_line]
                sections[-1].lines = [entry for entry in sections[-1].lines if entry[0] < owner_line]
                sections.append(_Section(tuple(t for _, t in stack), owned))
            level, title = _LIST_LEVEL + 1 + len(heading.group(2)), heading.group(3)
        elif (bold := _BOLD_LINE.match(line)) and item is None:
            level, title = _LIST_LEVEL, bold.group(1)
        if level:
            title = _heading_title(title)
            stack = [entry for entry in stack if entry[0] < level] + [(level, title)]
            if level <= 6:
                list_item = None
            sections.append(_Section(tuple(t for _, t in stack)))
        sections[-1].lines.append((number, line))
    return [s for s in sections if any(text.strip() for _, text in s.lines)]


def setext_level(lines: list[str], number: int) -> int:
    """The level of line `number` (1-based) as a Setext heading, 0 if it is none: a single line of
    text after a blank line (or the note's start), underlined with = (1) or - (2). A longer paragraph
    over a rule keeps the rule as a thematic break, which its writer more likely meant."""
    line = lines[number - 1]
    rule = _SETEXT_RULE.match(lines[number]) if number < len(lines) else None
    heading = (
        rule is not None
        and bool(line.strip())
        and len(line) - len(line.lstrip(" ")) <= 3
        and (number == 1 or not lines[number - 2].strip())
        and not line.lstrip().startswith(("|", ">", "<", "```", "~~~"))
        and not _SETEXT_RULE.match(line)
    )
    return (1 if rule.group(1)[0] == "=" else 2) if heading else 0


def _owning_item(lines: list[str], index: int, indent: int) -> tuple[int, int, str] | None:
    """The list item above line `index` whose body this indented line belongs to: (line, indent, title)."""
    for previous in range(index - 1, -1, -1):
        text = lines[previous]
        if not text.strip():
            continue
        item_indent = len(text) - len(text.lstrip(" \t"))
        item = _LIST_ITEM.match(text)
        if item and item_indent < indent:
            return previous + 1, item_indent, _heading_title(item.group(2))
        if item_indent == 0 and not item:
            return None
    return None


def _blocks(lines: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Paragraphs, whole list items (with indented continuation) and whole code fences."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    fence: str | None = None
    item_indent: int | None = None

    def flush() -> None:
        nonlocal current
        if any(text.strip() for _, text in current):
            blocks.append(current)
        current = []

    for number, line in lines:
        marker = _FENCE.match(line)
        if fence is not None:
            current.append((number, line))
            if _closes(marker, fence):
                fence = None
            continue
        if marker:
            fence = marker.group(1)
            current.append((number, line))
            continue
        indent = len(line) - len(line.lstrip(" \t"))
        item = _LIST_ITEM.match(line)
        if not line.strip():
            if item_indent is None:
                flush()
            current.append((number, line))
            continue
        if item and (item_indent is None or indent <= item_indent):
            flush()
            item_indent = indent
        elif item_indent is not None and indent <= item_indent:
            flush()
            item_indent = None
        current.append((number, line))
    flush()
    return blocks


def _split_long(block: list[tuple[int, str]], max_chars: int) -> list[list[tuple[int, str]]]:
    """Split an oversized block by lines, then by sentences; never a code fence."""
    if _size(block) <= max_chars or any(_FENCE.match(text) for _, text in block):
        return [block]
    pieces: list[list[tuple[int, str]]] = []
    for number, line in block:
        if len(line.strip()) <= max_chars:
            pieces.append([(number, line)])
            continue
        part = ""
        for sentence in _SENTENCE_END.split(line.strip()):
            while len(sentence) > max_chars:
                cut = sentence.rfind(" ", 0, max_chars)
                cut = cut if cut > max_chars // 2 else max_chars
                if part:
                    pieces.append([(number, part)])
                    part = ""
                pieces.append([(number, sentence[:cut])])
                sentence = sentence[cut:].lstrip()
            if part and len(part) + len(sentence) + 1 > max_chars:
                pieces.append([(number, part)])
                part = ""
            part = f"{part} {sentence}".strip()
        if part:
            pieces.append([(number, part)])
    return _pack(pieces, max_chars)


def _size(block: list[tuple[int, str]]) -> int:
    return sum(len(text.strip()) + 1 for _, text in block)


def _pack(blocks: list[list[tuple[int, str]]], max_chars: int) -> list[list[tuple[int, str]]]:
    packed: list[list[tuple[int, str]]] = []
    for block in blocks:
        if packed and _size(packed[-1]) + _size(block) <= max_chars:
            packed[-1] = packed[-1] + block
        else:
            packed.append(list(block))
    return packed


def _join_lines(body: list[tuple[int, str]]) -> str:
    """The chunk's text with one text line per note line (blank lines kept), so offsets map to lines."""
    by_line: dict[int, list[str]] = {}
    for number, text in body:
        by_line.setdefault(number, []).append(text)
    first, last = body[0][0], body[-1][0]
    return "\n".join(" ".join(by_line.get(n, [""])) for n in range(first, last + 1))


def split_note(
    path: str, text: str, *, max_chars: int = DEFAULT_MAX_CHARS, title: str = "", extra: str = ""
) -> list[Chunk]:
    """Chunks of one note, in reading order, with content-hash ids.

    `title` (from frontmatter) leads every chunk's context unless its heading path already starts
    with it; `extra` (aliases and tags) is searchable through the note's first chunk.
    """
    lines = normalize_text(text).split("\n")
    stem = path.rsplit("/", 1)[-1].removesuffix(".md")
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for section in _sections(lines):
        pieces: list[list[tuple[int, str]]] = []
        for block in _blocks(section.lines):
            pieces.extend(_split_long(block, max_chars))
        heading = HEADING_SEPARATOR.join(section.path)
        for piece in _pack(pieces, max_chars):
            body = [(n, t.rstrip()) for n, t in piece if t.strip()]
            if not body:
                continue
            chunk_text = _join_lines(body)
            readable = clean_markup(chunk_text)
            if not readable or readable == clean_markup(section.path[-1] if section.path else ""):
                continue  # a bare heading or an image alone says nothing citable
            base = hashlib.sha256(f"{path}\0{heading}\0{chunk_text}".encode()).hexdigest()[:16]
            seen[base] = seen.get(base, 0) + 1
            chunk_id = base if seen[base] == 1 else f"{base}-{seen[base]}"
            context = heading or title or stem
            if title and heading and not heading.startswith(title):
                context = f"{title}{HEADING_SEPARATOR}{heading}"
            if extra and not chunks:
                context = f"{context} · {extra}"
            search_text = f"{context}\n{readable}"
            chunks.append(Chunk(chunk_id, path, heading, body[0][0], body[-1][0], chunk_text, search_text))
    return chunks


def split_sentences(text: str) -> list[tuple[int, str]]:
    """Readable sentences of a chunk, each with its line offset inside the chunk."""
    sentences: list[tuple[int, str]] = []
    for offset, line in enumerate(text.split("\n")):
        readable = clean_markup(line)
        if not readable:
            continue
        for sentence in _SENTENCE_END.split(readable):
            if sentence.strip():
                sentences.append((offset, sentence.strip()))
    return sentences
