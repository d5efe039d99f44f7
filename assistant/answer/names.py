"""Names in an English question, found in the Chinese passages by their pinyin.

An English question names people, companies and places in pinyin ("Sun Aijun",
"Laoshan", "Zhongtianrun"). No glossary can list every name, and without them an
English question keeps only its glossary words (投资, 企业), which many sentences share:
the answerer then quotes a sentence about something else. A capitalised word (or a
run of them) whose letters are exactly the pinyin of two or more consecutive Chinese
characters in a retrieved passage is taken to name those characters.

pypinyin is imported here only, on the English-question path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:[-' ][A-Z][a-z]+)*")
_MIN_CHARS = 2  # one syllable ("Sun") matches too many characters to mean anything
_MAX_MATCHES = 3  # spellings kept per name: homophones beyond these are noise


def names_in(question: str) -> list[str]:
    """Lower-case pinyin candidates: each run of capitalised words joined ("Sun Aijun" ->
    "sunaijun") and each of its words, longest first."""
    found: dict[str, None] = {}
    for run in _CAPITALISED.finditer(question):
        words = _words(run.group(0))
        if words and words[-1] == "s" and "'" in run.group(0):  # "Haier's"
            words.pop()
        for name in ["".join(words), *words]:
            found.setdefault(name, None)
    return sorted(found, key=len, reverse=True)


@lru_cache(maxsize=256)
def _syllables(text: str) -> tuple[str, ...]:
    """One toneless syllable per character ('' for anything not Chinese); ü as u, as
    English spells it."""
    from pypinyin import lazy_pinyin

    return tuple(s.replace("v", "u") for s in lazy_pinyin(text, errors=lambda run: [""] * len(run)))


def spelt_in(name: str, text: str) -> list[str]:
    """The character runs of `text` whose pinyin is `name`, most frequent first."""
    syllables = _syllables(text)
    counts: dict[str, int] = {}
    for start, first in enumerate(syllables):
        if not first or not name.startswith(first):
            continue
        spelt, end = first, start + 1
        while len(spelt) < len(name) and end < len(syllables) and syllables[end]:
            spelt += syllables[end]
            end += 1
        if spelt == name and end - start >= _MIN_CHARS:
            run = text[start:end]
            counts[run] = counts.get(run, 0) + 1
    return sorted(counts, key=counts.get, reverse=True)[:_MAX_MATCHES]


def pinyin_names(question: str, passages: Iterable[str]) -> dict[str, list[str]]:
    """Each name of the question that the passages spell, with its Chinese forms. A word
    inside a longer matched run ("sun" of "sunaijun") is not looked up again."""
    texts = list(passages)
    found: dict[str, list[str]] = {}
    for name in names_in(question):
        if any(name in longer for longer in found):
            continue
        forms = list(dict.fromkeys(form for text in texts for form in spelt_in(name, text)))
        if forms:
            found[name] = forms[:_MAX_MATCHES]
    return found


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
