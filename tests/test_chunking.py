import unicodedata

from backend.chunking import mostly_code, normalize_text, split_note, split_sentences
from tests.conftest import SEED_NOTE


def lines_of(text: str) -> list[str]:
    return normalize_text(text).split("\n")


def test_split_note_seed_keeps_heading_paths_and_line_spans():
    text = SEED_NOTE.read_text(encoding="utf-8")
    chunks = split_note("docker-vm-kubernetes.md", text)
    lines = lines_of(text)
    assert all(len(c.text) <= 620 for c in chunks)
    for chunk in chunks:
        assert chunk.text.split("\n")[0].strip() == lines[chunk.start_line - 1].strip()
        assert chunk.text.split("\n")[-1].strip() == lines[chunk.end_line - 1].strip()
    headings = {c.heading for c in chunks}
    assert "3. 그럼 쿠버네티스랑 도커는 어떤 관계가 있는 것인가? > 쿠버네티스와 도커 비교" in headings
    verdict = next(c for c in chunks if "no" in c.text.split("\n")[-1])
    assert verdict.heading.endswith("질문 1. docker는 무조건 vm보다 좋다고 할 수 있는가?")
    assert (verdict.start_line, verdict.end_line) == (62, 64)
    nested = [c for c in chunks if "질문 1." in c.heading and "레거시" in c.heading]
    assert len(nested) == 4


def test_split_note_image_links_stay_in_text_but_not_in_search_text():
    chunks = split_note("n.md", "# 제목\n\n![Untitled](./docker_img/docker.png)\n\n본문 문장입니다.\n")
    assert len(chunks) == 1
    assert "docker_img" in chunks[0].text
    assert "docker_img" not in chunks[0].search_text and "Untitled" not in chunks[0].search_text


def test_split_note_image_alone_gives_no_chunk():
    assert split_note("n.md", "# 그림\n\n![Untitled](./a.png)\n") == []


def test_split_note_without_headings_uses_file_name_as_context():
    chunks = split_note("folder/메모.md", "그냥 문단 하나.\n\n또 다른 문단.")
    assert len(chunks) == 1
    assert chunks[0].heading == ""
    assert chunks[0].search_text.startswith("메모\n")
    assert (chunks[0].start_line, chunks[0].end_line) == (1, 3)


def test_split_note_hash_inside_code_fence_is_not_a_heading():
    text = "# 설치\n\n```bash\n# 이것은 주석\npip install x\n```\n\n## 다음\n내용\n"
    chunks = split_note("n.md", text)
    assert [c.heading for c in chunks] == ["설치", "설치 > 다음"]
    assert "# 이것은 주석" in chunks[0].text


def test_split_note_reads_setext_headings_and_keeps_a_rule_under_a_paragraph():
    text = (
        "여행 준비\n=====\n\n짐은 전날 싼다.\n\n비행기\n---\n\n출발 두 시간 전에 간다.\n\n첫 줄\n둘째 줄\n---\n\n끝.\n"
    )
    chunks = split_note("trip.md", text)
    assert [c.heading for c in chunks] == ["여행 준비", "여행 준비 > 비행기"]
    assert (chunks[1].start_line, chunks[1].end_line) == (6, 15)  # the rule lines keep their numbers
    assert "=" not in chunks[0].text and "---" not in chunks[0].search_text
    assert "둘째 줄\n---" in chunks[1].text  # two lines over a rule: a thematic break, not a heading


def test_split_note_never_splits_a_code_fence():
    code = "\n".join(f"echo line {i}  # 주석 {i}" for i in range(80))
    text = f"# 코드\n\n```sh\n{code}\n```\n\n뒤 문단.\n"
    chunks = split_note("n.md", text, max_chars=300)
    fenced = [c for c in chunks if "```sh" in c.text]
    assert len(fenced) == 1 and fenced[0].text.rstrip().endswith("```")


def test_split_note_empty_and_blank_files():
    assert split_note("n.md", "") == []
    assert split_note("n.md", "\n\n   \n") == []


def test_split_note_crlf_gives_same_chunks_as_lf():
    text = SEED_NOTE.read_text(encoding="utf-8")
    lf = split_note("n.md", text)
    crlf = split_note("n.md", text.replace("\n", "\r\n"))
    assert [(c.id, c.start_line, c.end_line, c.text) for c in lf] == [
        (c.id, c.start_line, c.end_line, c.text) for c in crlf
    ]


def test_split_note_nfd_hangul_is_normalised_to_nfc():
    nfd = unicodedata.normalize("NFD", "# 도커\n\n도커는 컨테이너를 만든다.\n")
    chunks = split_note("n.md", nfd)
    assert chunks[0].heading == "도커"
    assert unicodedata.is_normalized("NFC", chunks[0].text)


def test_split_note_very_long_paragraph_is_split_at_sentences():
    sentence = "도커는 컨테이너를 만들어 애플리케이션을 격리된 환경에서 실행한다. "
    text = "# 긴 문단\n\n" + sentence * 60
    chunks = split_note("n.md", text, max_chars=300)
    assert len(chunks) > 5
    assert all(len(c.text) <= 300 for c in chunks)
    assert all(c.start_line == c.end_line == 3 for c in chunks)
    assert all(c.text.rstrip().endswith("다.") for c in chunks)


def test_split_note_list_item_with_its_answer_stays_together():
    text = (
        "# Q&A\n\n- 질문 1. 도커가 필요한가?\n    \n    아니다. 필요 없다.\n"
        "- 질문 2. 쿠버네티스는?\n    \n    관리 도구다.\n"
    )
    chunks = split_note("n.md", text)
    assert len(chunks) == 1
    assert "아니다" in chunks[0].text and "관리 도구다" in chunks[0].text


def test_split_note_ids_are_content_hashes():
    text = SEED_NOTE.read_text(encoding="utf-8")
    first = [c.id for c in split_note("n.md", text)]
    assert first == [c.id for c in split_note("n.md", text)]
    assert len(set(first)) == len(first)
    changed = [c.id for c in split_note("n.md", text.replace("리소스를 효율적으로", "자원을 효율적으로"))]
    assert len(set(first) - set(changed)) == 1


def test_split_sentences_maps_offsets_to_lines():
    text = "- **문제**: 첫 문장입니다. 둘째 문장입니다.\n\n    no"
    assert split_sentences(text) == [(0, "문제: 첫 문장입니다."), (0, "둘째 문장입니다."), (2, "no")]


def test_a_passage_mostly_inside_code_fences_is_code():
    assert mostly_code("```bash\nrun_step 0\nundo_step 0\n```")
    assert mostly_code("## Script\n\n```bash\nrun_step 0\nundo_step 0\n```\n")  # the heading is one line of four
    assert not mostly_code("## Shoes\n\n- tight, not painful\n- chalk in the bag")
    assert not mostly_code("Run it nightly:\n```\nbackup.sh\n```\nIt mails the log.\nCheck the size.\nKeep 7 days.")
