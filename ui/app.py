"""Streamlit chat UI: ask the notes in Korean, read the cited passages, open notes, add notes, reindex.

It talks to the API over HTTP only (NOTES_API_URL); it never imports the backend. A conversation
lives in the URL (?c=...) and in a file the UI server keeps (NOTES_UI_DATA_DIR), so a reload keeps
it; ?note=path&lines=12-18 shows a whole note scrolled to those lines. When the API needs a key,
each visitor types their own: the UI server never uses one on anyone's behalf.
Run from the repository root: streamlit run ui/app.py
"""

from __future__ import annotations

import base64
import os
import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ui.client import ApiError, ApiUnavailableError, NotesClient  # noqa: E402
from ui.conversations import ConversationStore  # noqa: E402
from ui.render import (  # noqa: E402
    STYLE,
    answer_markdown,
    cards_html,
    copy_text,
    note_html,
    parse_lines,
    upload_notice,
)

MAX_QUESTION_CHARS = 2000  # the API's limit
MAX_HISTORY = 10  # turns sent with a question (the API's limit)
PHASES = {"scan": "노트 확인", "analyse": "형태소 분석", "embed": "임베딩", "write": "저장"}
# Runs in the page (components are same-origin): [n] links open and scroll to their card, a new
# answer is scrolled to its first line, the question box gets the focus when nothing else has it.
SCRIPT = """
<script>
(() => {
const host = window.parent;
const doc = host.document;
function openCard(id) {
  const card = doc.getElementById(id);
  if (!card) return false;
  for (let el = card; el; el = el.parentElement) { if (el.tagName === "DETAILS") el.open = true; }
  card.scrollIntoView({behavior: "smooth", block: "center"});
  card.classList.add("nq-flash"); setTimeout(() => card.classList.remove("nq-flash"), 1600);
  return true;
}
// this frame is replaced on every rerun: its listeners replace the previous frame's (dead) ones
if (host.__nqClick) {
  doc.removeEventListener("click", host.__nqClick, true);
  host.removeEventListener("hashchange", host.__nqHash);
}
host.__nqClick = (event) => {
  const link = event.target.closest && event.target.closest("a[href^='#cite-']");
  if (link && openCard(link.getAttribute("href").slice(1))) { event.preventDefault(); event.stopPropagation(); }
};
host.__nqHash = () => { if (host.location.hash.startsWith("#cite-")) openCard(host.location.hash.slice(1)); };
doc.addEventListener("click", host.__nqClick, true);
host.addEventListener("hashchange", host.__nqHash);
const target = "__TARGET__";
if (target) {  // Streamlit's chat view sticks to the bottom as content arrives: keep the answer's start in view
  for (const wait of [50, 250, 600, 1000, 1500, 2200]) {
    setTimeout(() => { const el = doc.getElementById(target); if (el) el.scrollIntoView({block: "start"}); }, wait);
  }
}
let tries = 0;
const focusInput = setInterval(() => {  // the question box may render after this frame
  const input = doc.querySelector('[data-testid="stChatInputTextArea"]');
  const idle = !doc.activeElement || doc.activeElement === doc.body || doc.activeElement.tagName === "IFRAME";
  if (input && idle) input.focus();
  if ((input && !idle) || input === doc.activeElement || ++tries > 30) clearInterval(focusInput);
}, 100);
})();
</script>
"""

st.set_page_config(page_title="노트 Q&A", page_icon="📒", layout="wide")
st.markdown(STYLE, unsafe_allow_html=True)
state = st.session_state
store = ConversationStore(Path(os.environ.get("NOTES_UI_DATA_DIR", "data/ui/conversations")))
state.setdefault("api_key", "")
state.setdefault("upload_round", 0)
client = NotesClient.from_env(state.api_key)


def conversation_id() -> str:
    current = st.query_params.get("c", "")
    if not store.valid(current):
        current = store.new_id()
        st.query_params["c"] = current
    if state.get("conversation") != current:
        state.conversation = current
        state.messages = store.load(current)
    return current


@st.cache_data(ttl=300, max_entries=200, show_spinner=False)
def _image(path: str, api_key: str) -> str | None:
    found = NotesClient.from_env(api_key).image(path)
    if found is None:
        return None
    content, media_type = found
    return f"data:{media_type};base64,{base64.b64encode(content).decode()}"


def image_uri(path: str) -> str | None:
    """An image of the corpus inlined (the browser may not reach the API itself), or None."""
    return _image(path, state.api_key)


def script(target: str = "") -> None:
    st.iframe(SCRIPT.replace("__TARGET__", target), height=1)


# ---- sidebar ------------------------------------------------------------------------------
@st.fragment(run_every=2)
def status_box() -> None:
    """API status; refreshed every 2 s while the page is open, so reindex progress moves."""
    try:
        health = client.health()
    except (ApiUnavailableError, ApiError) as exc:
        st.error(f"API에 연결할 수 없습니다. 서버가 켜져 있는지 확인하세요.\n\n{getattr(exc, 'detail', exc)}")
        return
    state.health = health
    if health["ready"]:
        st.success(f"API 연결됨 · 노트 {health['notes']}개 · 구절 {health['chunks']}개")
    else:
        st.warning("노트를 처음으로 색인하는 중입니다. 잠시 뒤 질문할 수 있어요.")
    progress = health.get("reindexing")
    if progress and progress["total"]:
        phase = PHASES.get(progress["phase"], progress["phase"])
        st.progress(
            min(progress["done"] / progress["total"], 1.0),
            text=f"색인 중 · {phase} {progress['done']}/{progress['total']}",
        )
    elif progress:
        st.caption(f"색인 중 · {PHASES.get(progress['phase'], progress['phase'])}…")
    if health.get("last_error"):
        st.warning(f"마지막 색인이 실패했습니다: {health['last_error']}")


def key_box(health: dict) -> bool:
    """Ask the visitor for the API key when the API needs one; True when writes may be tried."""
    auth = health.get("auth", {})
    if not auth.get("writes") and not auth.get("reads"):
        return True
    st.text_input(
        "API 키",
        type="password",
        key="api_key",
        help="이 서버는 노트를 바꾸려면 키가 필요합니다. 키는 이 브라우저 세션에만 보관됩니다.",
    )
    if not state.api_key:
        st.caption("키를 입력해야 노트 추가와 다시 색인을 할 수 있습니다.")
    return bool(state.api_key)


def filters_box() -> dict | None:
    try:
        notes = client.notes()
    except (ApiUnavailableError, ApiError):
        return None
    folders = sorted({n["path"].rsplit("/", 1)[0] + "/" for n in notes if "/" in n["path"]})
    folders = sorted({"/".join(f.split("/")[: i + 1]) + "/" for f in folders for i in range(f.count("/"))})
    tags = sorted({t for n in notes for t in n.get("tags", [])})
    if not folders and not tags:
        return None
    with st.expander("찾을 범위", expanded=bool(state.get("folder") or state.get("tags"))):
        folder = st.selectbox("폴더", ["(모든 폴더)", *folders], key="folder") if folders else "(모든 폴더)"
        chosen = st.multiselect("태그 (하나라도 있으면)", tags, key="tags", placeholder="태그 고르기") if tags else []
    filters = {}
    if folder != "(모든 폴더)":
        filters["folder"] = folder
    if chosen:
        filters["tags"] = chosen
    return filters or None


def notes_box(can_write: bool) -> None:
    with st.expander("노트 추가 · 다시 색인"):
        uploads = st.file_uploader(
            "Markdown 노트 (.md, 1MB까지)",
            type=["md"],
            accept_multiple_files=True,
            key=f"uploads-{state.upload_round}",
            disabled=not can_write,
        )
        if uploads and st.button(
            "노트 저장하고 색인", key="save_uploads", use_container_width=True, disabled=not can_write
        ):
            saved = []
            for upload in uploads:
                try:
                    result = client.upload(upload.name, upload.getvalue())
                    chunks = next((n["chunks"] for n in client.notes() if n["path"] == upload.name), 0)
                    saved.extend(upload_notice(upload.name, result, chunks))
                except (ApiUnavailableError, ApiError) as exc:
                    saved.append(f"{upload.name}: 저장하지 못했습니다 — {getattr(exc, 'detail', exc)}")
            state.notice = saved
            state.upload_round += 1  # a new, empty uploader: a second click cannot upload again
            st.rerun()
        if st.button("다시 색인", key="reindex", use_container_width=True, disabled=not can_write):
            try:
                with st.spinner("색인하는 중…"):
                    r = client.reindex()
                notice = [
                    f"추가 {r['added']} · 변경 {r['changed']} · 삭제 {r['removed']} · 그대로 {r['unchanged']} "
                    f"· 구절 {r['chunks']}개 ({r['took_ms'] / 1000:.1f}초)"
                ]
                notice += [f"건너뜀: {f}" for f in r["failed"]] + [f"주의: {w}" for w in r.get("warnings", [])]
                state.notice = notice
            except (ApiUnavailableError, ApiError) as exc:
                state.notice = [f"색인하지 못했습니다 — {getattr(exc, 'detail', exc)}"]
            st.rerun()
        for line in state.pop("notice", []):
            st.info(line)


def sidebar() -> tuple[int, dict | None]:
    with st.sidebar:
        st.header("노트 Q&A")
        status_box()
        health = state.get("health", {})
        can_write = key_box(health) if health else False
        if st.button("＋ 새 대화", key="new_chat", use_container_width=True):
            st.query_params["c"] = store.new_id()
            st.rerun()
        filters = filters_box() if health.get("ready") else None
        top_k = st.slider("인용할 구절 수", min_value=1, max_value=10, value=5, key="top_k")
        notes_box(can_write)
    return int(top_k), filters


# ---- the whole-note view ------------------------------------------------------------------
def note_page(path: str, lines: tuple[int, int] | None, conversation: str) -> None:
    st.markdown(f'<a href="?c={conversation}" target="_self">← 대화로 돌아가기</a>', unsafe_allow_html=True)
    st.subheader(path)
    try:
        text = client.note(path)
    except (ApiUnavailableError, ApiError) as exc:
        st.error(f"노트를 열 수 없습니다 — {getattr(exc, 'detail', exc)}")
        return
    if lines:
        st.caption(f"인용된 {lines[0]}–{lines[1]}행이 표시되어 있습니다.")
    st.markdown(note_html(text, path, lines, image_uri), unsafe_allow_html=True)
    script(f"line-{_block_start(text, lines[0])}" if lines else "")


def _block_start(text: str, line: int) -> int:
    """The first line of the block (paragraph) that holds `line`: the view's anchors are per block."""
    rows = text.split("\n")
    start = line
    while start > 1 and start - 2 < len(rows) and rows[start - 2].strip():
        start -= 1
    return start


# ---- the chat -----------------------------------------------------------------------------
def show_message(index: int, message: dict, conversation: str) -> None:
    with st.chat_message(message["role"]):
        st.markdown(f'<div class="nq-answer-anchor" id="msg-{index}"></div>', unsafe_allow_html=True)
        if message["role"] == "user":
            st.text(message["content"])
        elif message.get("error"):
            st.error(message["error"])
        elif message["found"]:
            st.markdown(answer_markdown(message["content"], index))
            if message.get("uncertain"):
                st.caption(f"⚠️ 확신 낮음 ({message['confidence']:.0%}) — 노트가 이 질문을 직접 다루지 않을 수 있습니다")
            st.markdown(
                cards_html(index, message["citations"], image_uri, conversation=conversation), unsafe_allow_html=True
            )
            _footer(index, message)
        else:
            st.info("노트에서 확실한 답을 찾지 못했습니다. 노트가 이 질문을 다루지 않을 수 있습니다.")
            if message.get("unknown_words"):  # the words to ask differently
                words = ", ".join(f"‘{w}’" for w in message["unknown_words"])
                st.caption(f"노트 어디에도 나오지 않는 말: {words} — 노트에 쓴 말로 바꿔 물으면 찾을 수도 있습니다")
            if message.get("related"):
                folded = cards_html(index, message["related"], image_uri, conversation=conversation)
                st.markdown(
                    f'<details class="nq-more"><summary>가장 가까운 구절 {len(message["related"])}개 보기</summary>'
                    f"{folded}</details>",  # folded; inside, the card marking the closest lines opens first
                    unsafe_allow_html=True,
                )
            _footer(index, message)


def _footer(index: int, message: dict) -> None:
    left, right = st.columns([4, 1])
    searched = message.get("searched_for") or ""
    note = f" · 찾은 말: {searched}" if searched and searched != message.get("question") else ""
    left.caption(f"{message['took_ms']:.0f} ms{note}")
    with right.popover("복사", use_container_width=True):
        st.code(copy_text(message), language=None, wrap_lines=True)


def history_for_api(messages: list[dict]) -> list[dict]:
    turns, question = [], None
    for message in messages:
        if message["role"] == "user":
            question = message["content"]
        elif question is not None and not message.get("error"):
            turns.append({"question": question[:MAX_QUESTION_CHARS], "answer": message["content"][:MAX_QUESTION_CHARS]})
            question = None
    return turns[-MAX_HISTORY:]


def answer(question: str, top_k: int, filters: dict | None, history: list[dict]) -> dict:
    try:
        with st.spinner("노트에서 찾는 중…"):
            body = client.ask(question, top_k, history, filters)
    except ApiUnavailableError as exc:
        return {"role": "assistant", "error": f"{exc} 서버가 다시 켜지면 같은 질문을 다시 보내 주세요."}
    except ApiError as exc:
        if exc.status == 503:
            return {"role": "assistant", "error": "노트를 아직 색인하는 중입니다. 몇 초 뒤에 다시 물어봐 주세요."}
        if exc.status in (401, 403):
            return {
                "role": "assistant",
                "error": "이 서버는 질문에도 API 키가 필요합니다. 왼쪽에서 키를 입력해 주세요.",
            }
        return {"role": "assistant", "error": f"질문을 처리하지 못했습니다: {exc.detail}"}
    return {
        "role": "assistant",
        "question": question,
        "content": body["answer"],
        "found": body["found"],
        "confidence": body["confidence"],
        "uncertain": body.get("uncertain", False),
        "citations": body["citations"],
        "related": body["related"],
        "unknown_words": body.get("unknown_words", []),
        "searched_for": body.get("searched_for", question),
        "took_ms": body["took_ms"],
    }


def refused(question: str) -> str | None:
    """Why a question is not sent, in Korean, or None (the API would refuse it with a 422)."""
    if not question.strip():
        return "질문이 비어 있습니다. 노트에 대해 궁금한 것을 적어 주세요."
    if len(question) > MAX_QUESTION_CHARS:
        return (
            f"질문이 너무 깁니다 ({len(question):,}자). {MAX_QUESTION_CHARS:,}자 이하로 줄여 주세요. "
            "보낸 글은 아래에 남겨 두었습니다."
        )
    return None


def main() -> None:
    conversation = conversation_id()
    top_k, filters = sidebar()
    note = st.query_params.get("note")
    if note:
        note_page(note, parse_lines(st.query_params.get("lines", "")), conversation)
        return
    st.title("노트에게 물어보세요")
    st.caption("답은 노트의 문장 그대로이며, [n]을 누르면 그 구절로 갑니다.")
    typed = st.chat_input("노트에 대해 질문하세요 (한국어 또는 English)")
    question = typed if typed is not None else state.pop("pending", None)
    if question is not None and (reason := refused(question)):
        st.warning(reason)
        if question.strip():
            st.text_area("보내지 않은 질문", question, height=120, key="refused_text")
        question = None
    messages: list[dict] = state.messages
    if not messages and question is None:
        try:
            examples = client.examples()
        except (ApiUnavailableError, ApiError):
            examples = []
        if examples:
            st.write("이런 것을 물어볼 수 있어요:")
            for column, example in zip(st.columns(len(examples)), examples):
                if column.button(example, key=f"example-{example}", use_container_width=True):
                    state.pending = example
                    st.rerun()
    for i, message in enumerate(messages):
        show_message(i, message, conversation)
    if question is not None:
        history = history_for_api(messages)
        messages.append({"role": "user", "content": question})
        show_message(len(messages) - 1, messages[-1], conversation)
        messages.append(answer(question, top_k, filters, history))
        store.save(conversation, messages)
        show_message(len(messages) - 1, messages[-1], conversation)
        script(f"msg-{len(messages) - 1}")
    else:
        script()


main()
