"""Obsidian-style Markdown: YAML frontmatter, inline #tags, [[wikilinks]], callouts, HTML comments.

A note's frontmatter (`title`, `tags`, `aliases`) is parsed with PyYAML's safe loader and never
embedded or cited as raw YAML; its lines, and HTML comments, are blanked so every other line keeps
its number for citations. Frontmatter that is not valid YAML does not lose the note: it is
indexed as text and the problem is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from backend.chunking import outside_fences, setext_level

_FRONTMATTER_END = re.compile(r"^(---|\.\.\.)\s*$")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_INLINE_TAG = re.compile(r"(?<![\w&/#`\](])#([^\W\d_][\w/-]*)")  # not #123, not a link anchor (#section)
_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True)
class ParsedNote:
    body: str  # the note with frontmatter and comments blanked: same lines, same numbers
    title: str  # frontmatter title, else the first '# ' heading, else the file name
    frontmatter_title: str  # the title the frontmatter gives, if any
    tags: tuple[str, ...]
    aliases: tuple[str, ...]
    problems: tuple[str, ...] = ()  # what was wrong but did not stop indexing


def parse_note(path: str, text: str) -> ParsedNote:
    """The searchable body and the metadata of one note (text already normalised)."""
    lines = text.split("\n")
    meta, problems = _frontmatter(path, lines)
    body = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), "\n".join(lines))
    tags = _as_list(meta.get("tags")) + _as_list(meta.get("tag")) + inline_tags(body)
    declared = str(meta.get("title") or "").strip()
    title = declared or _first_h1(body) or path.rsplit("/", 1)[-1].removesuffix(".md")
    return ParsedNote(
        body=body,
        title=title,
        frontmatter_title=declared,
        tags=tuple(dict.fromkeys(t.lower() for t in tags if t)),
        aliases=tuple(dict.fromkeys(_as_list(meta.get("aliases")) + _as_list(meta.get("alias")))),
        problems=tuple(problems),
    )


def _frontmatter(path: str, lines: list[str]) -> tuple[dict, list[str]]:
    """The frontmatter as a mapping; its lines are blanked in place. Invalid YAML stays as text."""
    if not lines or lines[0].strip() != "---":
        return {}, []
    end = next((i for i in range(1, len(lines)) if _FRONTMATTER_END.match(lines[i])), None)
    if end is None:
        return {}, [f"{path}: frontmatter is not closed by '---': indexed as text"]
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        return {}, [f"{path}: frontmatter is not valid YAML{where}: indexed as text"]
    if not isinstance(meta, dict):
        return {}, [f"{path}: frontmatter is not a 'key: value' mapping: indexed as text"]
    for i in range(end + 1):
        lines[i] = ""
    return meta, []


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip().lstrip("#") for part in re.split(r"[,\s]+", value) if part.strip().lstrip("#")]
    if isinstance(value, list | tuple):
        return [str(v).strip().lstrip("#") for v in value if v is not None and str(v).strip()]
    return [str(value)]


def inline_tags(body: str) -> list[str]:
    """#tags written in the text, outside code fences and inline code: #docker, #업무/회의."""
    tags: list[str] = []
    for _number, line in outside_fences(body.split("\n")):
        if line.lstrip().startswith("#") and re.match(r"^\s*#{1,6}\s", line):
            line = re.sub(r"^\s*#{1,6}\s", "", line)  # a heading's own marks are not a tag
        tags.extend(_INLINE_TAG.findall(re.sub(r"`[^`]*`", "", line)))
    return tags


def _first_h1(body: str) -> str:
    """The first level-1 heading (`# Title`, or Title over a === rule) outside code fences."""
    lines = body.split("\n")
    for number, line in outside_fences(lines):
        match = _H1.match(line)
        if match:
            return match.group(1).strip()
        if setext_level(lines, number) == 1:
            return line.strip()
    return ""
