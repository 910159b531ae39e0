"""Obsidian-style notes: frontmatter, tags, wikilinks, callouts, tables, comments."""

from backend.chunking import split_note
from backend.parsing import inline_tags, parse_note

NOTE = """---
title: 배포 체크리스트
tags: [work, 배포]
aliases:
  - release checklist
---
# 배포 전에

<!-- 비공개 메모: 인덱스에 들어가면 안 된다 -->
[[runbook|운영 절차]]를 먼저 읽고 [[db#백업]] 상태를 본다. #checklist

> [!warning] 금요일 금지
> 금요일에는 배포하지 않는다.

| 단계 | 담당 |
| --- | --- |
| 빌드 | CI |
| 승인 | 팀장 |

![[diagram.png]]
"""


def test_frontmatter_becomes_title_tags_aliases_and_blank_lines():
    parsed = parse_note("work/deploy.md", NOTE)
    assert parsed.title == "배포 체크리스트" and parsed.frontmatter_title == "배포 체크리스트"
    assert parsed.tags == ("work", "배포", "checklist") and parsed.aliases == ("release checklist",)
    assert parsed.body.split("\n")[:6] == [""] * 6 and len(parsed.body.split("\n")) == len(NOTE.split("\n"))
    assert "비공개 메모" not in parsed.body and parsed.problems == ()


def test_chunks_never_hold_raw_yaml_and_read_links_callouts_and_tables():
    parsed = parse_note("work/deploy.md", NOTE)
    chunks = split_note("work/deploy.md", parsed.body, title=parsed.frontmatter_title, extra="release checklist")
    assert chunks and all("tags:" not in c.text and "title:" not in c.text for c in chunks)
    searched = "\n".join(c.search_text for c in chunks)
    assert "운영 절차를 먼저 읽고 db 백업 상태를 본다" in searched and "[[" not in searched
    assert "금요일 금지" in searched and "[!warning]" not in searched
    assert "빌드 CI" in searched and "---" not in searched and "diagram" not in searched
    assert "release checklist" in chunks[0].search_text.split("\n")[0]
    table = next(c for c in chunks if "| 빌드 | CI |" in c.text)
    assert "| 승인 | 팀장 |" in table.text  # a table that fits stays whole
    assert chunks[0].start_line == 7  # lines keep their numbers: the citation points into the real note


def test_malformed_frontmatter_keeps_the_note_as_text_and_says_why():
    parsed = parse_note("bad.md", "---\ntitle: [unclosed\n---\n# 본문\n\n내용\n")
    assert parsed.problems and "not valid YAML" in parsed.problems[0]
    assert "title: [unclosed" in parsed.body and parsed.title == "본문"
    unclosed = parse_note("open.md", "---\ntitle: x\n# 본문\n")
    assert "not closed" in unclosed.problems[0]


def test_inline_tags_skip_headings_code_and_anchors():
    body = (
        "# 제목\n본문 #docker 와 #업무/회의\n`#not-a-tag` 코드\n```\n#nope\n```\n"
        "색 #fff 와 #2024는 아님? [링크](#section)"
    )
    assert inline_tags(body) == ["docker", "업무/회의", "fff"]


def test_the_title_is_the_first_level_one_heading_outside_code_even_underlined():
    assert parse_note("a/trip.md", "여행 준비\n=====\n\n짐은 전날 싼다.\n").title == "여행 준비"
    fenced = "```bash\n# install deps\npip install x\n```\n\n# 설치 메모\n"
    assert parse_note("a/setup.md", fenced).title == "설치 메모"  # a shell comment is no heading
    assert parse_note("a/plain.md", "본문만 있다.\n").title == "plain"
    nested = "````md\n```\n# 예시 제목\n#예시태그\n```\n````\n\n# 진짜 제목\n"  # ``` does not close ````
    assert parse_note("a/nested.md", nested).title == "진짜 제목" and inline_tags(nested) == []
