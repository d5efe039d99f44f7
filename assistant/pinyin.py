"""Names in an English question, found in the Chinese passages by their pinyin.

An English question names people, companies and places in pinyin ("Sun Aijun",
"Laoshan", "Zhongtianrun"). No glossary can list every name, and without them an
English question keeps only its glossary words (投资, 企业), which many sentences share:
the answerer then quotes a sentence about something else. A capitalised word (or a
run of them) whose letters are exactly the pinyin of two or more consecutive Chinese
characters in a retrieved passage is taken to name those characters. Retrieval adds
them to an English question's BM25 query, and the answer step weighs them as
question words, so the module sits beside lexical.py rather than in either.

pypinyin is imported here only, on the English-question path.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from .lexical import english_equivalents
from .thesaurus import is_english_word

_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:[-' ][A-Z][a-z]+)*")
_MIN_CHARS = 2  # one syllable ("Sun") matches too many characters to mean anything
_MAX_MATCHES = 3  # spellings kept per name: homophones beyond these are noise
_LONGEST_SYLLABLE = 6  # zhuang, chuang, shuang


def names_in(question: str) -> list[str]:
    """Lower-case pinyin candidates: each run of capitalised words joined ("Sun Aijun" ->
    "sunaijun") and each of its words, longest first."""
    found: dict[str, None] = {}
    for run in _CAPITALISED.finditer(question):
        words = _words(run.group(0))
        if words and words[-1] == "s" and "'" in run.group(0):  # "Haier's"
            words.pop()
        # "Is Wang Tao, …": a question's capitalised first word is no part of the name
        opened = [] if len(words) < 3 or not is_english_word(words[0]) else ["".join(words[1:])]
        for name in ["".join(words), *opened, *words]:
            found.setdefault(name, None)
    return sorted(found, key=len, reverse=True)


@lru_cache(maxsize=256)
def _syllables(text: str) -> tuple[str, ...]:
    """One toneless syllable per character ('' for anything not Chinese), as read in its
    word; ü as u, as English spells it."""
    from pypinyin import lazy_pinyin

    return tuple(s.replace("v", "u") for s in lazy_pinyin(text, errors=lambda run: [""] * len(run)))


@lru_cache(maxsize=256)
def _readings(text: str) -> tuple[tuple[str, ...], ...]:
    """Every toneless reading of each character: 劲松 is spelt "Jinsong", though pypinyin
    reads the word jing song. From the character table alone, without pypinyin's reading
    of the words (ten times slower, on the hundred chunks an English question looks in)."""
    table = _character_readings()
    return tuple(table.get(ch, ("",)) for ch in text)


@lru_cache(maxsize=1)
def _character_readings() -> dict[str, tuple[str, ...]]:
    """pypinyin's table of every reading of each character, toneless (ü as u)."""
    from pypinyin.pinyin_dict import pinyin_dict

    def toneless(reading: str) -> str:
        return unicodedata.normalize("NFD", reading).encode("ascii", "ignore").decode()

    return {chr(code): tuple(dict.fromkeys(map(toneless, listed.split(",")))) for code, listed in pinyin_dict.items()}


def spelt_in(name: str, text: str, loose: bool = False) -> list[str]:
    """The character runs of `text` that spell `name` in pinyin, most frequent first.
    `loose` lets a syllable's final n and ng stand for each other ("Lingkong" for 临空,
    lín kōng): the confusion English spellers of pinyin make most."""
    readings = _readings(text)
    by_syllable = _starts(text)
    heads = {name[:size] for size in range(1, min(_LONGEST_SYLLABLE, len(name)) + 1)}
    if loose:
        heads |= {form for head in list(heads) for form in _nasal_forms(head)}
    starts = sorted({at for head in heads for at in by_syllable.get(head, ())})
    counts: dict[str, int] = {}
    for start in starts:
        for end in _spelling_ends(name, readings, start, loose):
            if end - start >= _MIN_CHARS:
                run = text[start:end]
                counts[run] = counts.get(run, 0) + 1
                break
    return sorted(counts, key=counts.get, reverse=True)[:_MAX_MATCHES]


@lru_cache(maxsize=256)
def _starts(text: str) -> dict[str, tuple[int, ...]]:
    """Where each syllable can be read in `text`: a name is looked for only from the
    characters that can open it, not from every one (an English question's names are
    looked up in a hundred retrieved chunks)."""
    found: dict[str, list[int]] = {}
    for at, readings in enumerate(_readings(text)):
        for syllable in readings:
            if syllable:
                found.setdefault(syllable, []).append(at)
    return {syllable: tuple(places) for syllable, places in found.items()}


def _spelling_ends(name: str, readings: tuple[tuple[str, ...], ...], at: int, loose: bool = False) -> Iterable[int]:
    """Where a run of characters from `at` that spells all of `name` ends."""
    if not name:
        yield at
        return
    if at < len(readings):
        for rank, syllable in enumerate(readings[at]):
            # only a character's usual reading (the table's first) is misspelt: 控 is read qiang too
            for form in _nasal_forms(syllable) if loose and rank == 0 else (syllable,):
                if form and name.startswith(form):
                    yield from _spelling_ends(name[len(form):], readings, at + 1, loose)


def _nasal_forms(syllable: str) -> tuple[str, ...]:
    """The syllable, and it with its final n and ng swapped (lin, ling)."""
    if syllable.endswith("ng"):
        return syllable, syllable[:-1]
    if syllable.endswith("n"):
        return syllable, f"{syllable}g"
    return (syllable,)


def pinyin_names(question: str, passages: Iterable[str]) -> dict[str, list[str]]:
    """Each name of the question that the passages spell, with its Chinese forms. A word
    inside a longer matched run ("sun" of "sunaijun") is not looked up again."""
    texts = list(passages)
    found: dict[str, list[str]] = {}
    for name in names_in(question):
        if any(name in longer for longer in found):
            continue
        forms = list(dict.fromkeys(form for text in texts for form in spelt_in(name, text)))
        forms = forms or list(dict.fromkeys(form for text in texts for form in spelt_in(name, text, loose=True)))
        if forms:
            found[name] = forms[:_MAX_MATCHES]
    return found


def unspelt_names(question: str, passages: Iterable[str]) -> list[str]:
    """The question's words that read as a Chinese name in pinyin ("Qianwan": two
    syllables or more, neither a glossary word nor an English one) that no passage
    spells: the question asks about a place or person the retrieved articles do not name."""
    texts = list(passages)
    return [word for run in _CAPITALISED.finditer(question) for word in _words(run.group(0))
            if _syllable_count(word) >= _MIN_CHARS and not english_equivalents(word) and not is_english_word(word)
            and not any(spelt_in(word, text, loose=True) for text in texts)]


@lru_cache(maxsize=1)
def _all_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable."""
    return frozenset(syllable for readings in _character_readings().values() for syllable in readings if syllable.isalpha())


@lru_cache(maxsize=256)
def _syllable_count(word: str) -> int:
    """The fewest pinyin syllables that spell the word, 0 when none do."""
    fewest = 0
    for size in range(1, min(_LONGEST_SYLLABLE, len(word)) + 1):
        head, rest = word[:size], word[size:]
        if head not in _all_syllables() or (rest and not _syllable_count(rest)):
            continue
        count = 1 + (_syllable_count(rest) if rest else 0)
        fewest = min(fewest or count, count)
    return fewest


def spelling_of(name: str, question: str) -> str:
    """The run of capitalised words in `question` that spells the Chinese `name` in
    pinyin ("Jia Zhen" for 贾臻), or ""."""
    pinyin = "".join(_syllables(name))
    for run in _CAPITALISED.finditer(question):
        if pinyin and "".join(_words(run.group(0))) == pinyin:
            return run.group(0)
    return ""


def _words(run: str) -> list[str]:
    """The lower-case words of a run of capitalised words ("Sun Aijun" -> sun, aijun)."""
    return [w.lower() for w in re.split(r"[-' ]", run) if w]
