"""Compose a short answer with numbered citations from retrieved chunks.

The extractive answerer needs no language model: it quotes the sentences (or
clauses) that best cover the question's content words and cites the chunk each
came from. When nothing covers the question well enough it refuses, because a
confident quote of the wrong passage is worse than no answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from .chunk import Chunk, sentence_spans
from .lexical import LexicalIndex, tokenize
from .retrieve import Hit, Turn
from .settings import AnswerSettings

REFUSAL_ZH = "文章中没有找到能回答这个问题的内容。"
REFUSAL_EN = "The articles do not contain an answer to this question."

_CJK = re.compile(r"[\u4e00-\u9fff]")
_ASKS_QUANTITY = re.compile(r"多少|几|多大|多长|多高|多久|规模|面积|比例|比重|增速|增长|how (many|much|long|large)|what (share|rate|percentage)", re.I)
_ASKS_TIME = re.compile(r"什么时候|何时|哪天|哪一天|哪年|几月|日期|when\b|what date", re.I)
_HAS_NUMBER = re.compile(r"\d|[一二三四五六七八九十百千万亿]+(个|家|条|项|座|人|次|年|倍|户|亩|公里|万|亿)")
_HAS_DATE = re.compile(r"\d{1,4}年|\d{1,2}月|\d{1,2}日|[一二三四五六七八九十]+月")
_CLAUSE_END = re.compile(r"[，,：:、]")
_MAX_CLAUSE_WINDOW = 90  # characters: longer sentences are cut down to their relevant clauses


def is_english(text: str) -> bool:
    return not _CJK.search(text)


def refusal_for(question: str) -> str:
    return REFUSAL_EN if is_english(question) else REFUSAL_ZH


@dataclass(frozen=True)
class Citation:
    n: int
    chunk: Chunk
    quote: str  # the exact text quoted from chunk.text


@dataclass
class Answer:
    text: str
    refused: bool
    backend: str
    citations: list[Citation] = field(default_factory=list)
    support: float = 0.0  # how well the best evidence covers the question, 0..1
    notice: str = ""


class Answerer(Protocol):
    """Interchangeable answer backends share this call."""

    name: str

    def answer(self, question: str, history: list[Turn], hits: list[Hit]) -> Answer: ...


@dataclass(frozen=True)
class _Candidate:
    hit: Hit
    start: int  # span inside hit.chunk.text
    end: int
    score: float
    support: float
    matched: frozenset[str]


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(self, lexical: LexicalIndex, settings: AnswerSettings, passages: int = 6) -> None:
        self.lexical = lexical
        self.settings = settings
        self.passages = passages

    def answer(self, question: str, history: list[Turn], hits: list[Hit]) -> Answer:
        terms = self._weights(question)
        context = self._weights(" ".join(t["content"] for t in history if t["role"] == "user"))
        candidates = sorted(
            (c for hit in hits[: self.passages] for c in self._candidates(question, terms, context, hit)),
            key=lambda c: c.score,
            reverse=True,
        )
        if not candidates or candidates[0].support < self.settings.min_support:
            best = candidates[0].support if candidates else 0.0
            return Answer(refusal_for(question), True, self.name, support=best)
        chosen = self._choose(candidates, terms)
        citations: list[Citation] = []
        numbers: dict[str, int] = {}
        parts: list[str] = []
        for candidate in chosen:
            chunk = candidate.hit.chunk
            quote = chunk.text[candidate.start : candidate.end]
            n = numbers.setdefault(chunk.id, len(numbers) + 1)
            if len(citations) < len(numbers):
                citations.append(Citation(n, chunk, quote))
            else:
                citations[n - 1] = Citation(n, chunk, f"{citations[n - 1].quote}……{quote}")
            parts.append(f"{_as_sentence(quote)}[{n}]")
        lead = "From the articles (quoted in Chinese): " if is_english(question) else ""
        return Answer(lead + "".join(parts), False, self.name, citations, support=chosen[0].support)

    def _weights(self, text: str) -> dict[str, float]:
        return {term: self.lexical.idf(term) for term in dict.fromkeys(tokenize(text))}

    def _candidates(
        self, question: str, terms: dict[str, float], context: dict[str, float], hit: Hit
    ) -> list[_Candidate]:
        chunk = hit.chunk
        heading = f"{chunk.title} {chunk.section}".lower()
        total = sum(terms.values()) or 1.0
        found = []
        for start, end in sentence_spans(chunk.text):
            for start, end in _clause_windows(chunk.text, start, end):
                sentence = chunk.text[start:end].lower()
                matched = frozenset(t for t in terms if t in sentence)
                in_heading = {t for t in terms if t not in matched and t in heading}
                support = (sum(terms[t] for t in matched) + 0.6 * sum(terms[t] for t in in_heading)) / total
                bonus = 0.0
                if _ASKS_QUANTITY.search(question) and _HAS_NUMBER.search(sentence):
                    bonus += 0.08
                if _ASKS_TIME.search(question) and _HAS_DATE.search(sentence):
                    bonus += 0.08
                if context:
                    context_total = sum(context.values())
                    bonus += 0.1 * sum(w for t, w in context.items() if t in sentence or t in heading) / context_total
                bonus += 0.04 / hit.rank
                found.append(_Candidate(hit, start, end, support + bonus, support, matched))
        return found

    def _choose(self, candidates: list[_Candidate], terms: dict[str, float]) -> list[_Candidate]:
        """The best candidate, plus others that are nearly as good and cover terms it missed."""
        chosen = [candidates[0]]
        covered = set(candidates[0].matched)
        for candidate in candidates[1:]:
            if len(chosen) >= self.settings.max_sentences:
                break
            new_terms = candidate.matched - covered
            overlaps = any(
                c.hit.chunk.id == candidate.hit.chunk.id and c.start < candidate.end and candidate.start < c.end
                for c in chosen
            )
            if overlaps or candidate.score < 0.8 * chosen[0].score or not new_terms:
                continue
            if sum(terms[t] for t in new_terms) < 0.1 * sum(terms.values()):
                continue
            chosen.append(candidate)
            covered |= candidate.matched
        return chosen


def _clause_windows(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentence itself when short; otherwise its runs of whole clauses that fit the
    window, so a long sentence can be quoted by the part that answers."""
    if end - start <= _MAX_CLAUSE_WINDOW:
        return [(start, end)]
    cuts = [start] + [m.end() for m in _CLAUSE_END.finditer(text, start, end)] + [end]
    cuts = sorted(set(cuts))
    windows = []
    for i in range(len(cuts) - 1):
        j = i + 1
        while j + 1 < len(cuts) and cuts[j + 1] - cuts[i] <= _MAX_CLAUSE_WINDOW:
            j += 1
        windows.append((cuts[i], cuts[j]))
    return windows


def _as_sentence(quote: str) -> str:
    quote = quote.strip().rstrip("，,、：:；;")
    return quote if re.search(r"[。！？!?”’」）)]$", quote) else quote + "。"
