"""What every answer backend returns, and the fixed refusals."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from ..chunk import Chunk
from ..lexical import is_english
from ..retrieve import Hit, Turn

REFUSAL_ZH = "文章中没有找到能回答这个问题的内容。"
REFUSAL_EN = "The articles do not contain an answer to this question."


def refusal_for(question: str) -> str:
    return REFUSAL_EN if is_english(question) else REFUSAL_ZH


@dataclass(frozen=True)
class Citation:
    n: int
    chunk: Chunk
    quote: str  # the exact text quoted from chunk.text
    verified: bool = True  # False when a sentence citing it failed verification


@dataclass
class Answer:
    text: str
    refused: bool
    backend: str
    citations: list[Citation] = field(default_factory=list)
    support: float = 0.0  # how likely the best evidence answers the question, 0..1
    notice: str = ""
    verified: bool = True  # quotes are verbatim; generated answers are checked (verify.py)
    problems: list[str] = field(default_factory=list)  # why verification failed
    # The articles hold a close but different fact (another year, period, place…): the
    # answer says so and cites it, and counts as a refusal (`refused` is True).
    partial: bool = False


class Answerer(Protocol):
    """Interchangeable answer backends share this call."""

    name: str

    def stream(self, question: str, history: list[Turn], hits: list[Hit]) -> Iterator[str | Answer]:
        """Text as it is written, then the finished `Answer`, whose text is authoritative."""
        ...
