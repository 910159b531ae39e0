"""HTML for answers, cited passages and whole notes; no Streamlit here (testable alone).

Note text is rendered as Markdown with raw HTML disabled (a note cannot inject markup); quoted
lines are highlighted. Colours are translucent over the theme's own, so light and dark themes
both keep their contrast. Cards are <details> elements with ids, so an [n] link can open one.
"""

from __future__ import annotations

import html
import posixpath
import re
import textwrap
from collections.abc import Callable
from urllib.parse import quote, unquote, urlencode

from markdown_it import MarkdownIt

# cards scoring under this share of the best card (and not quoted) wait behind "관련도가 낮은 구절 N개
# 더 보기": a share, as the fused score's scale is the search's business (on vault-dev, half the
# best folds 71 of 252 unquoted cards and none that answers the question)
LOW_RELEVANCE_SHARE = 0.5
_MARK_START, _MARK_END = "\u0001", "\u0002"  # survive Markdown rendering; become <mark> afterwards
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)[^)]*\)")
_PREFIX = re.compile(r"^\s*(?:(?:[-*+]|\d{1,3}[.)])\s+|#{1,6}\s+|>\s?)*")
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable("table")

Images = Callable[[str], str | None]  # corpus path -> data URI, or None when the file is not there

STYLE = """
<style>
.nq-passage, .nq-note { color: inherit; background: rgba(128,128,128,0.10); border-radius: 8px;
  padding: .5rem .8rem; line-height: 1.6; font-size: .95rem; overflow-wrap: anywhere; }
.nq-passage { max-height: 24rem; overflow-y: auto; }
.nq-passage p, .nq-note p { margin: .2rem 0; }
.nq-passage h1, .nq-passage h2, .nq-passage h3, .nq-passage h4, .nq-passage h5, .nq-passage h6,
.nq-note h1, .nq-note h2, .nq-note h3, .nq-note h4, .nq-note h5, .nq-note h6 {
  font-size: 1.05rem !important; font-weight: 700; margin: .3rem 0 !important; padding: 0 !important; }
.nq-passage ul, .nq-passage ol, .nq-note ul, .nq-note ol { margin: .1rem 0 .1rem 1.2rem; padding: 0; }
.nq-passage pre, .nq-note pre { white-space: pre-wrap; }
.nq-passage mark, .nq-note mark, .nq-hl { background: rgba(255,196,0,0.38); color: inherit; border-radius: 3px; }
.nq-card { border: 1px solid rgba(128,128,128,0.35); border-radius: 8px; margin: .35rem 0; padding: .2rem .6rem; }
.nq-card > summary { cursor: pointer; padding: .25rem 0; list-style-position: outside; }
.nq-card > summary .nq-where { opacity: .8; font-size: .85rem; white-space: nowrap; }
.nq-card.nq-flash { outline: 3px solid rgba(255,196,0,0.9); }
.nq-more > summary { cursor: pointer; opacity: .85; font-size: .9rem; margin: .4rem 0; }
.nq-open { font-size: .85rem; }
.nq-img-missing { display: inline-block; border: 1px dashed rgba(128,128,128,.6); border-radius: 4px;
  padding: 0 .4rem; font-size: .8rem; opacity: .8; }
.nq-passage img, .nq-note img { max-width: 100%; height: auto; }
.nq-block { padding: 0 .3rem; border-radius: 4px; scroll-margin-top: 5rem; }
.nq-block.nq-cited { background: rgba(255,196,0,0.30); }
.nq-line { opacity: .55; font-size: .75rem; user-select: none; float: left; width: 2.6rem; }
.nq-answer-anchor { scroll-margin-top: 4.5rem; }
h1, h2, h3 { word-break: keep-all; }
h1 { font-size: clamp(1.5rem, 6vw, 2.6rem) !important; }
[data-testid="stFileUploaderDropzoneInstructions"] > div > span,
[data-testid="stFileUploaderDropzoneInstructions"] > div > small { display: none; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {
  content: "여기에 .md 파일을 끌어 놓으세요 · 1MB까지"; }
[data-testid="stFileUploaderDropzone"] button { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button::after { content: "파일 선택"; font-size: .9rem; }
@media (max-width: 640px) { .nq-card > summary .nq-where { white-space: normal; } }
</style>
"""


def markdown_html(text: str, first_line: int, highlight: set[int], note: str, images: Images) -> str:
    """A piece of a note as HTML: Markdown rendered, lines in `highlight` marked.

    The piece is dedented first: cut out of its list, an indented answer would read as code.
    """
    lines = textwrap.dedent(text).split("\n")
    marked = [_marked(line) if first_line + i in highlight and line.strip() else line for i, line in enumerate(lines)]
    source = _IMAGE.sub(_image_placeholder, "\n".join(marked))
    rendered = _MARKDOWN.render(source)
    rendered = _mark(rendered)
    return _fill_images(rendered, note, images)


def _marked(line: str) -> str:
    """The line with its text between markers, after its indent and any list, heading or quote marker
    (a space before the end marker lets a closing ** still close)."""
    cut = _PREFIX.match(line).end()
    return f"{line[:cut]}{_MARK_START}{line[cut:]} {_MARK_END}"


def _mark(rendered: str) -> str:
    """Turn the line markers into <mark> spans, closed and reopened around tags they cross."""
    out, inside = [], False
    for part in re.split(f"([{_MARK_START}{_MARK_END}])", rendered):
        if part == _MARK_START:
            out.append("<mark>")
            inside = True
        elif part == _MARK_END:
            out.append("</mark>")
            inside = False
        elif inside:
            out.append(re.sub(r"(</?(?:p|li|ul|ol|h\d|blockquote|pre|table|tr|td|th|tbody|thead)[^>]*>)",
                              r"</mark>\1<mark>", part))  # fmt: skip
        else:
            out.append(part)
    return re.sub(r"<mark>(\s*)</mark>", r"\1", "".join(out))


def _image_placeholder(match: re.Match) -> str:
    """Images are filled in after rendering: only files of the corpus are shown, inline."""
    alt, target = match.group(1), match.group(2)
    return f"IMG\u0003{quote(target)}\u0003{quote(alt)}\u0003"


def _fill_images(rendered: str, note: str, images: Images) -> str:
    def replace(match: re.Match) -> str:
        target, alt = unquote(match.group(1)), unquote(match.group(2))
        path = corpus_path(note, target)
        uri = images(path) if path else None
        if uri:
            return f'<img src="{html.escape(uri)}" alt="{html.escape(alt)}">'
        name = posixpath.basename(target) or target
        return f'<span class="nq-img-missing" title="{html.escape(target)}">그림 없음: {html.escape(name)}</span>'

    return re.sub("IMG\u0003([^\u0003]*)\u0003([^\u0003]*)\u0003", replace, rendered)


def corpus_path(note: str, target: str) -> str | None:
    """The corpus path of an image a note links to, or None for links that leave the corpus."""
    if "://" in target or target.startswith(("data:", "/")):
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(note), target))
    return None if joined.startswith("..") else joined


def note_link(note: str, start: int, end: int, conversation: str = "") -> str:
    """A URL of this app showing the whole note at these lines: shareable and reloadable."""
    params = {"note": note, "lines": f"{start}-{end}"}
    if conversation:
        params["c"] = conversation
    return "?" + urlencode(params)


def short_heading(citation: dict) -> str:
    last = (citation["heading"] or "").split(" > ")[-1] or "첫 부분"
    return f"{posixpath.basename(citation['note'])} › {last}"


def card_html(message: int, citation: dict, images: Images, *, conversation: str = "", open_: bool = False) -> str:
    """One cited passage: a short header (full path on hover), the passage rendered, a link to the note."""
    n, note, start, end = citation["n"], citation["note"], citation["start_line"], citation["end_line"]
    full = f"{note} › {citation['heading'] or '(첫 부분)'} · {start}–{end}행 · 점수 {citation['score']:.2f}"
    body = markdown_html(citation["text"], start, set(citation.get("highlight_lines", [])), note, images)
    link = note_link(note, start, end, conversation)
    return (
        f'<details class="nq-card" id="cite-{message}-{n}"{" open" if open_ else ""}>'
        f'<summary title="{html.escape(full)}"><b>[{n}]</b> {html.escape(short_heading(citation))} '
        f'<span class="nq-where">· {start}–{end}행</span></summary>'
        f'<div class="nq-passage">{body}</div>'
        f'<a class="nq-open" href="{html.escape(link)}" target="_self">노트 전체 보기 ({start}–{end}행) ↗</a>'
        "</details>"
    )


def cards_html(message: int, citations: list[dict], images: Images, *, conversation: str = "") -> str:
    """Quoted passages first in [n] order (the first open), then the others; the weak ones folded away."""
    quoted = [c for c in citations if c.get("highlight_lines")]
    others = [c for c in citations if not c.get("highlight_lines")]
    floor = LOW_RELEVANCE_SHARE * max((c["score"] for c in citations), default=0.0)
    strong = [c for c in others if c["score"] >= floor]
    weak = [c for c in others if c["score"] < floor]
    parts = [card_html(message, c, images, conversation=conversation, open_=i == 0) for i, c in enumerate(quoted)]
    parts += [card_html(message, c, images, conversation=conversation) for c in strong]
    if weak:
        inner = "".join(card_html(message, c, images, conversation=conversation) for c in weak)
        parts.append(
            f'<details class="nq-more"><summary>관련도가 낮은 구절 {len(weak)}개 더 보기</summary>{inner}</details>'
        )
    return "".join(parts)


def answer_markdown(answer: str, message: int) -> str:
    """Answer text with each [n] a link to its card; the rest escaped from Markdown syntax."""
    escaped = re.sub(r"([*_`#>|~])", r"\\\1", answer)
    return re.sub(r"\\?\[(\d+)\\?\]", lambda m: f"[**[{m.group(1)}]**](#cite-{message}-{m.group(1)})", escaped)


def note_html(text: str, note: str, cited: tuple[int, int] | None, images: Images) -> str:
    """A whole note, block by block with its line numbers; the cited blocks highlighted."""
    lines = text.split("\n")
    blocks, start = [], 0
    for i in range(len(lines) + 1):
        if i == len(lines) or not lines[i].strip():
            if start < i:
                blocks.append((start + 1, i))
            start = i + 1
    parts = []
    for first, last in blocks:
        hit = cited is not None and first <= cited[1] and last >= cited[0]
        body = markdown_html("\n".join(lines[first - 1 : last]), first, set(), note, images)
        parts.append(
            f'<div class="nq-block{" nq-cited" if hit else ""}" id="line-{first}" data-lines="{first}-{last}">'
            f'<span class="nq-line">{first}</span>{body}</div>'
        )
    return f'<div class="nq-note">{"".join(parts)}</div>'


def parse_lines(value: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"(\d{1,6})(?:-(\d{1,6}))?", value or "")
    if not match:
        return None
    start = int(match.group(1))
    return start, max(start, int(match.group(2) or start))


def copy_text(message: dict) -> str:
    """An answer with its sources, as plain text to paste elsewhere."""
    sources = [
        f"[{c['n']}] {c['note']} › {c['heading'] or '(첫 부분)'} ({c['start_line']}–{c['end_line']}행)"
        for c in message.get("citations", [])
        if c.get("highlight_lines")
    ]
    return message["content"] + ("\n\n출처:\n" + "\n".join(sources) if sources else "")


def upload_notice(name: str, result: dict, chunks: int) -> list[str]:
    """What the sidebar says of one uploaded note: added or replaced, its passages, and what was
    wrong with it but did not stop it (frontmatter that is not YAML: indexed as text)."""
    said = [f"{name}: {'추가' if result['created'] else '갱신'}됨 · 이 노트의 구절 {chunks}개"]
    warnings = result.get("reindex", {}).get("warnings", [])
    return said + [f"주의: {w}" for w in warnings if w.startswith(f"{name}:")]
