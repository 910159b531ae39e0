"""Follow-up questions: resolve a question that leans on earlier turns before it is searched.

"전입신고는 언제까지 해?" then "그건 어디서 해?": the second question alone names nothing. A
question leans on the conversation when it points back (그건, 거기, 그 폴더, it, there), opens with
a connective (그럼, 그래서, and, what about), names no noun of its own, or is an ellipsis with no
predicate ("여름에는?", "504는?", "and Kubernetes?"). Such a question is searched together with
the nouns of the turn before it (an ellipsis takes that whole question, its predicate included);
earlier turns are resolved first, so a third turn keeps the topic of the first. A question with
a topic of its own is searched as asked: a switch of topic is never dragged back.
Chosen over "always add the previous question" and "never" by bench/conversation.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from backend.keywords import HANGUL, NOUN, WORD, KoreanAnalyzer

MAX_TURNS = 10
_POINTER = re.compile(
    r"(^|[\s(])(그거|그것|그건|그게|그걸|이거|이것|이건|이게|저거|저것|거기|여기|그곳|이곳|그때|그\s+\S+|그러려면|"
    r"그래서|그럼|그러면|그런데|근데|그렇다면|그 뒤로)"
    r"|\b(it|its|that|this|there|they|them|those|these|and|so|then|also|what about|how about|why|how come)\b",
    re.IGNORECASE,
)
_WORDS = re.compile(r"[A-Za-z가-힣0-9]+")
_TOPIC_END = re.compile(r"(는|은|도|에는|에서는|에선|라면|이라면)\s*[?？.!]*\s*$")  # 'X는?': a topic, no predicate
_WH_ONLY = re.compile(r"^\s*(그럼|그러면)?\s*(왜|어째서|어떻게|언제|어디서?|누가|얼마나)\s*(요)?\s*[?？]*\s*$")


@dataclass(frozen=True)
class Turn:
    question: str
    answer: str = ""


def resolve(question: str, history: Sequence[Turn], analyzer: KoreanAnalyzer) -> str:
    """What to search for `question` after `history` (oldest first): the question itself unless it leans.

    Works backwards and stops at the first turn that stands on its own, so a self-contained
    question costs one analysis however long the conversation is."""
    earlier = [turn.question for turn in history[-MAX_TURNS:]]
    return _resolve(question.strip(), earlier, analyzer)


def _resolve(question: str, earlier: list[str], analyzer: KoreanAnalyzer) -> str:
    if not earlier:
        return question
    terms = analyzer.classified_terms(question)
    nouns = [t for t, kind in terms if kind != WORD]
    ellipsis = _is_ellipsis(question, terms)
    if not (ellipsis or _POINTER.search(question) or not nouns):
        return question  # its own topic: searched as asked, the history is not even read
    previous = _resolve(earlier[-1].strip(), earlier[:-1], analyzer)
    if ellipsis:
        return f"{question} {previous}"
    carried = [t for t, kind in analyzer.classified_terms(previous) if kind != WORD and t not in nouns]
    return " ".join([question, *dict.fromkeys(carried)]) if carried else f"{question} {previous}"


def _is_ellipsis(question: str, terms: list[tuple[str, str]]) -> bool:
    """No predicate of its own: 'X는?', '왜?', 'and Kubernetes?', 'why?'."""
    if HANGUL.search(question):
        if _WH_ONLY.match(question):
            return True
        predicate = any(kind == WORD for _term, kind in terms)
        return not predicate and bool(_TOPIC_END.search(question)) and len([t for t, k in terms if k == NOUN]) <= 2
    words = _WORDS.findall(question.lower())
    return len(words) <= 3 or question.lower().startswith(("and ", "what about", "how about"))
