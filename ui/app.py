"""Streamlit chat UI: ask the notes in Korean, read the cited passages, open notes, add notes, reindex.

It talks to the API over HTTP only (NOTES_API_URL); it never imports the backend.
Run from the repository root: streamlit run ui/app.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ui.client import ApiError, ApiUnavailableError, NotesClient  # noqa: E402
from ui.render import answer_markdown, marked_lines  # noqa: E402

EXAMPLES = (
    "도커는 VM보다 항상 좋은가?",
    "쿠버네티스와 도커는 어떤 관계야?",
    "리눅스만 있으면 도커 엔진은 필요 없지 않아?",
)
NOT_FOUND_NOTE = "노트에서 확실한 답을 찾지 못했습니다"
LOW_CONFIDENCE = 0.5  # a found answer below this confidence is marked as uncertain

st.set_page_config(page_title="노트 Q&A", page_icon="📒", layout="wide")
client = NotesClient.from_env()
state = st.session_state
state.setdefault("messages", [])
state.setdefault("pending", None)


def sidebar() -> int:
    with st.sidebar:
        st.header("노트 Q&A")
        try:
            health = client.health()
            st.success(f"API 연결됨 · 노트 {health['notes']}개 · 구절 {health['chunks']}개")
            st.caption(f"임베딩 모델: {health['model']}")
        except (ApiUnavailableError, ApiError) as exc:
            st.error(f"API에 연결할 수 없습니다. 서버가 켜져 있는지 확인하세요.\n\n{exc}")
        top_k = st.slider("인용할 구절 수", min_value=1, max_value=10, value=5, key="top_k")

        st.subheader("노트 추가 · 다시 색인")
        uploads = st.file_uploader("Markdown 노트 (.md)", type=["md"], accept_multiple_files=True, key="uploads")
        if uploads and st.button("노트 저장하고 색인", key="save_uploads", use_container_width=True):
            for upload in uploads:
                try:
                    result = client.upload(upload.name, upload.getvalue())
                    verb = "추가" if result["created"] else "갱신"
                    st.success(f"{upload.name}: {verb}됨 · 구절 {result['reindex']['chunks']}개 색인")
                except (ApiUnavailableError, ApiError) as exc:
                    st.error(f"{upload.name}: 저장하지 못했습니다 — {getattr(exc, 'detail', exc)}")
        if st.button("다시 색인", key="reindex", use_container_width=True):
            try:
                with st.spinner("색인하는 중…"):
                    r = client.reindex()
                st.info(
                    f"추가 {r['added']} · 변경 {r['changed']} · 삭제 {r['removed']} · 그대로 {r['unchanged']} "
                    f"· 구절 {r['chunks']}개 ({r['took_ms']:.0f} ms)"
                )
                for failure in r["failed"]:
                    st.warning(f"건너뜀: {failure}")
            except (ApiUnavailableError, ApiError) as exc:
                st.error(f"색인하지 못했습니다 — {getattr(exc, 'detail', exc)}")
        return int(top_k)


def show_note(path: str, marked: set[int]) -> None:
    try:
        text = client.note(path)
    except (ApiUnavailableError, ApiError) as exc:
        st.error(f"노트를 열 수 없습니다 — {getattr(exc, 'detail', exc)}")
        return
    st.markdown(marked_lines(text, 1, marked, numbers=True), unsafe_allow_html=True)


def show_citations(index: int, message: dict, passages: list[dict], *, expanded: bool = True) -> None:
    for c in passages:
        heading = c["heading"] or "(첫 부분)"
        label = f"[{c['n']}] {c['note']} › {heading} · {c['start_line']}–{c['end_line']}행 · 점수 {c['score']:.2f}"
        with st.expander(label, expanded=expanded and c["n"] == 1):
            marked = set(c["highlight_lines"])
            st.markdown(marked_lines(c["text"], c["start_line"], marked), unsafe_allow_html=True)
            if st.toggle("노트 전체 보기", key=f"open-{index}-{c['n']}"):
                show_note(c["note"], set(range(c["start_line"], c["end_line"] + 1)))


def show_message(index: int, message: dict) -> None:
    with st.chat_message(message["role"]):
        if message["role"] == "user":
            st.markdown(message["content"])
        elif message.get("error"):
            st.error(message["error"])
        elif message["found"]:
            st.markdown(answer_markdown(message["content"]))
            if message["confidence"] < LOW_CONFIDENCE:
                st.caption(f"⚠️ 확신 낮음 ({message['confidence']:.0%}) — 노트가 이 질문을 직접 다루지 않을 수 있습니다")
            show_citations(index, message, message["citations"])
            st.caption(f"{message['took_ms']:.0f} ms")
        else:
            st.info(f"{NOT_FOUND_NOTE}. 노트가 이 질문을 다루지 않을 수 있습니다.")
            if message["related"]:
                st.caption(f"가장 가까운 구절 {len(message['related'])}개 (펼쳐서 보기)")
                show_citations(index, message, message["related"], expanded=False)
            st.caption(f"{message['took_ms']:.0f} ms")


def answer(question: str, top_k: int) -> dict:
    try:
        with st.spinner("노트에서 찾는 중…"):
            body = client.ask(question, top_k)
    except ApiUnavailableError as exc:
        return {"role": "assistant", "error": f"{exc} 서버가 다시 켜지면 같은 질문을 다시 보내 주세요."}
    except ApiError as exc:
        return {"role": "assistant", "error": f"질문을 처리하지 못했습니다: {exc.detail}"}
    return {
        "role": "assistant",
        "content": body["answer"],
        "found": body["found"],
        "confidence": body["confidence"],
        "citations": body["citations"],
        "related": body["related"],
        "took_ms": body["took_ms"],
    }


top_k = sidebar()
st.title("노트에게 물어보세요")
st.caption("답은 노트의 문장 그대로이며, [n]은 아래 인용 구절을 가리킵니다.")

if not state.messages:
    st.write("예시 질문:")
    columns = st.columns(len(EXAMPLES))
    for column, example in zip(columns, EXAMPLES):
        if column.button(example, key=f"example-{example}", use_container_width=True):
            state.pending = example

for i, message in enumerate(state.messages):
    show_message(i, message)

typed = st.chat_input("노트에 대해 질문하세요 (한국어 또는 English)")
question = typed or state.pending
state.pending = None
if question:
    state.messages.append({"role": "user", "content": question})
    show_message(len(state.messages) - 1, state.messages[-1])
    state.messages.append(answer(question, top_k))
    show_message(len(state.messages) - 1, state.messages[-1])
