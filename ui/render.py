"""HTML for passages and notes: escaped note text, cited lines marked; no Streamlit here."""

from __future__ import annotations

import html
import re

PASSAGE_STYLE = (
    "white-space:pre-wrap;font-size:0.92rem;line-height:1.55;background:#f7f7f9;border-radius:6px;"
    "padding:0.6rem 0.8rem;max-height:22rem;overflow-y:auto"
)


def marked_lines(text: str, first_line: int, marked: set[int], *, numbers: bool = False) -> str:
    """The text as HTML, one row per note line; lines in `marked` are highlighted."""
    rows = []
    for offset, line in enumerate(text.split("\n")):
        number = first_line + offset
        content = html.escape(line) or "&nbsp;"
        if numbers:
            content = f'<span style="color:#999;user-select:none">{number:>4} </span>{content}'
        if number in marked:
            content = f'<mark style="background:#fff3b0">{content}</mark>'
        rows.append(content)
    return f'<div style="{PASSAGE_STYLE}">' + "\n".join(rows) + "</div>"


def answer_markdown(answer: str) -> str:
    """Answer text with its [n] markers in bold, the rest escaped from Markdown syntax."""
    escaped = re.sub(r"([*_`#>|~])", r"\\\1", answer)
    return re.sub(r"\\?\[(\d+)\\?\]", r"**[\1]**", escaped)
