"""Compose a short answer with numbered citations from retrieved chunks.

The extractive answerer needs no language model: it quotes the sentences (or
clauses) that best cover the question's content words and cites the chunk each
came from. When nothing covers the question well enough it refuses, because a
confident quote of the wrong passage is worse than no answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from collections.abc import Callable, Iterator
from typing import Protocol

from .chunk import Chunk, sentence_spans
from .guard import instruction_spans
from .lexical import LexicalIndex, expand_english, is_english, tokenize
from .retrieve import Hit, Turn
from .settings import AnswerSettings

REFUSAL_ZH = "文章中没有找到能回答这个问题的内容。"
REFUSAL_EN = "The articles do not contain an answer to this question."

_YEAR = re.compile(r"((?:19|20)\d\d)年")
_NAME_TAGS = {"ns", "nr", "nrt", "nz", "nt"}  # jieba tags for places, people, organisations
_UNITS = "人次|万人|人|个|名|位|家|项|条|座|辆|台|套|户|所|岁|年|天|日|月|次|场|批|件|艘|架|亩|公顷|平方公里|平方米|公里|千米|米|万吨|吨|千瓦|兆瓦|瓦|万元|亿元|元|美元|倍|%"
_ASKED_UNIT = re.compile(rf"(?:多少|几)(?:万|亿)?({_UNITS})")
_NUMBER_WITH_UNIT = r"(?:\d[\d,.]*|[一二三四五六七八九十百千两]+)\s*(?:余|多)?\s*(?:万|亿)?(?:余|多)?\s*(?:亿|万)?(?:人民币)?{unit}"
_AREA_UNITS = "亩|公顷|平方公里|平方米"
_ASKS_AREA = re.compile(r"面积|占地|用地|多大")
_ASKS_RATE = re.compile(r"增速|增幅|增长率|比例|比重|占比|百分|percentage|\brate\b", re.I)
_ASKS_MONEY = re.compile(r"投资|资金|金额|经费|费用|收入|产值|销售额|交易额|营收|多少钱|规模|funding|invest|cost|yuan", re.I)
_ASKS_SUMMARY = re.compile(
    r"哪几(个)?方面|哪些方面|哪几项|哪些(工作|问题|做法|措施|举措|任务|亮点|内容)|主要内容|讲了什么|说了什么|概括|总结|要点|哪[三四五六]|summari[sz]e|main points",
    re.I,
)
_SUMMARY_POINTS = 5
_SUMMARY_CLAUSE = 50  # characters per summary point, so five points stay a short answer
_PLACE = r"[\u4e00-\u9fff]{1,8}?(?:区|市|县|局|镇|街道|公司|集团|中心|学校|医院)"
_PAIR = re.compile(rf"({_PLACE})(?:和|与|及|、)({_PLACE})")
_EACH = re.compile(r"各自|分别|各")
_NEARBY_WEIGHT = 0.6  # a question word in the headline or the previous sentence counts this much
_MISSING_ANCHOR = 0.2  # support kept when the years and names of the question are all absent
_RARE_NAME = 0.1  # a name in more chunks than this is too common to insist on
_SIDEBAR = re.compile(r"预告|感言|链接|相关阅读|编后")
_ASKS_QUANTITY = re.compile(r"多少|几|多大|多长|多高|多久|规模|面积|比例|比重|增速|增长|how (many|much|long|large)|what (share|rate|percentage)", re.I)
_ASKS_TIME = re.compile(r"什么时候|何时|哪天|哪一天|哪年|几月|日期|when\b|what date", re.I)
_HAS_NUMBER = re.compile(r"\d|[一二三四五六七八九十百千万亿]+(个|家|条|项|座|人|次|年|倍|户|亩|公里|万|亿)")
_HAS_DATE = re.compile(r"\d{1,4}年|\d{1,2}月|\d{1,2}日|[一二三四五六七八九十]+月")
_CLAUSE_END = re.compile(r"[，,：:、]")
_MAX_CLAUSE_WINDOW = 90  # characters: longer sentences are cut down to their relevant clauses


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
    support: float = 0.0  # how well the best evidence covers the question, 0..1
    notice: str = ""
    verified: bool = True  # quotes are verbatim; generated answers are checked (verify.py)
    problems: list[str] = field(default_factory=list)  # why verification failed


class Answerer(Protocol):
    """Interchangeable answer backends share this call."""

    name: str

    def stream(self, question: str, history: list[Turn], hits: list[Hit]) -> Iterator[str | Answer]:
        """Text as it is written, then the finished `Answer`, whose text is authoritative."""
        ...


@dataclass(frozen=True)
class _Candidate:
    hit: Hit
    start: int  # span inside hit.chunk.text
    end: int
    score: float
    support: float
    matched: frozenset[str]


@dataclass(frozen=True)
class _Question:
    """What a (sub-)question asks for, worked out once before scoring sentences."""

    text: str
    terms: dict[str, float]  # content word -> idf weight
    anchors: frozenset[str]  # years and names an answer must mention
    unit: str | None  # "多少家" asks for a number of 家
    wants_number: bool
    wants_date: bool


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(
        self,
        lexical: LexicalIndex,
        settings: AnswerSettings,
        article_chunks: Callable[[str], list[Chunk]] | None = None,
        passages: int = 6,
    ) -> None:
        self.lexical = lexical
        self.settings = settings
        self.article_chunks = article_chunks
        self.passages = passages

    def stream(self, question: str, history: list[Turn], hits: list[Hit]) -> Iterator[str | Answer]:
        answer = self.answer(question, history, hits)
        for sentence in re.split(r"(?<=\])(?!\[)", answer.text):  # one cited sentence at a time
            if sentence:
                yield sentence
        yield answer

    def answer(self, question: str, history: list[Turn], hits: list[Hit]) -> Answer:
        context = self._weights(" ".join(t["content"] for t in history if t["role"] == "user"))
        picks: list[_Candidate] = []
        best_support = 0.0
        for part in split_question(question):
            asked = self._analyse(part)
            candidates = self._ranked(asked, context, hits)
            if not candidates:
                continue
            best_support = max(best_support, candidates[0].support)
            if candidates[0].support >= self.settings.min_support:
                picks += [c for c in self._choose(candidates, asked.terms) if c not in picks]
        if not picks:
            return Answer(refusal_for(question), True, self.name, support=best_support)
        labelled = [("", pick) for pick in picks]
        if is_summary(question) and self.article_chunks is not None:
            labelled = self._summary_points(picks[0].hit.chunk, question) or labelled
        return self._compose(question, labelled, best_support)

    def _compose(self, question: str, picks: list[tuple[str, _Candidate]], support: float) -> Answer:
        citations: list[Citation] = []
        numbers: dict[str, int] = {}
        parts: list[str] = []
        for label, candidate in picks:
            chunk = candidate.hit.chunk
            quote = chunk.text[candidate.start : candidate.end]
            n = numbers.setdefault(chunk.id, len(numbers) + 1)
            if len(citations) < len(numbers):
                citations.append(Citation(n, chunk, quote))
            else:
                citations[n - 1] = Citation(n, chunk, f"{citations[n - 1].quote}……{quote}")
            parts.append(f"{label}{_as_sentence(quote)}[{n}]")
        if len(parts) > 2 and is_summary(question):
            parts = [f"{index}. {part}" for index, part in enumerate(parts, 1)]
            text = "\n".join(parts)
        else:
            text = "".join(parts)
        lead = "From the articles (quoted in Chinese): " if is_english(question) else ""
        return Answer(lead + text, False, self.name, citations, support=support)

    # ----- understanding the question --------------------------------------

    def _weights(self, text: str) -> dict[str, float]:
        terms = {}
        for term in dict.fromkeys(tokenize(expand_english(text) if is_english(text) else text)):
            if term.isascii() and not term.replace(".", "").isdigit() and self.lexical.frequency(term) == 0:
                continue  # an English word the Chinese articles cannot contain
            terms[term] = self.lexical.idf(term)
        return terms

    def _analyse(self, question: str) -> _Question:
        terms = self._weights(question)
        anchors = set(_YEAR.findall(question))
        for word, flag in posseg_cut(question):
            if flag in _NAME_TAGS and len(word) >= 2 and self.lexical.share(word) < _RARE_NAME:
                anchors.add(word.lower())
        unit = asked_unit(question)
        return _Question(
            question,
            terms,
            frozenset(anchors),
            unit,
            bool(unit) or bool(_ASKS_QUANTITY.search(question)),
            bool(_ASKS_TIME.search(question)),
        )

    # ----- scoring sentences -------------------------------------------------

    def _ranked(self, asked: _Question, context: dict[str, float], hits: list[Hit]) -> list[_Candidate]:
        candidates = [c for hit in hits[: self.passages] for c in self._candidates(asked, context, hit)]
        return sorted(candidates, key=lambda c: c.score, reverse=True)

    def _candidates(self, asked: _Question, context: dict[str, float], hit: Hit) -> list[_Candidate]:
        chunk = hit.chunk
        heading = f"{chunk.title} {chunk.section} {chunk.date}".lower()
        total = sum(asked.terms.values()) or 1.0
        context_total = sum(context.values()) or 1.0
        found = []
        previous = ""
        flagged = instruction_spans(chunk.text)  # instructions to a machine are never an answer (guard.py)
        for sentence_start, sentence_end in sentence_spans(chunk.text):
            if (sentence_start, sentence_end) in flagged:
                continue
            whole = chunk.text[sentence_start:sentence_end].lower()
            surroundings = f"{heading} {previous} {whole}"
            for start, end in _clause_windows(chunk.text, sentence_start, sentence_end):
                clause = chunk.text[start:end].lower()
                matched = frozenset(t for t in asked.terms if t in clause)
                nearby = {t for t in asked.terms if t not in matched and t in surroundings}
                support = (sum(asked.terms[t] for t in matched) + _NEARBY_WEIGHT * sum(asked.terms[t] for t in nearby)) / total
                support *= _penalty(asked, clause, surroundings)
                bonus = 0.04 / hit.rank
                if asked.wants_number and _HAS_NUMBER.search(clause):
                    bonus += 0.08
                if asked.wants_date and _HAS_DATE.search(clause):
                    bonus += 0.08
                if context:
                    bonus += 0.1 * sum(w for t, w in context.items() if t in surroundings) / context_total
                found.append(_Candidate(hit, start, end, support + bonus, support, matched))
            previous = whole
        return found

    def _choose(self, candidates: list[_Candidate], terms: dict[str, float]) -> list[_Candidate]:
        """The best candidate, plus others that are nearly as good and cover terms it missed."""
        chosen = [candidates[0]]
        covered = set(candidates[0].matched)
        for candidate in candidates[1:]:
            if len(chosen) >= self.settings.max_sentences:
                break
            new_terms = candidate.matched - covered
            if (
                _overlaps(candidate, chosen)
                or candidate.score < 0.8 * chosen[0].score
                or candidate.support < self.settings.min_support
                or sum(terms[t] for t in new_terms) < 0.1 * sum(terms.values())
            ):
                continue
            chosen.append(candidate)
            covered |= candidate.matched
        return chosen

    def _summary_points(self, chunk: Chunk, question: str) -> list[tuple[str, _Candidate]]:
        """For "which aspects…" questions: one point per section of the best article
        (its sub-heading, then its first clause), or else each paragraph's lead clause."""
        chunks = [c for c in self.article_chunks(chunk.article_id) if not _SIDEBAR.search(c.section)]
        by_section = any(c.section for c in chunks)
        points: list[tuple[str, _Candidate]] = []
        seen: set[str] = set()
        for rank, part in enumerate(chunks, 1):
            if by_section and part.section in seen:
                continue
            seen.add(part.section)
            starts = [0] if by_section else [0, *(m.end() for m in re.finditer("\n", part.text))]
            for offset in starts:
                flagged = instruction_spans(part.text[offset:])
                spans = [span for span in sentence_spans(part.text[offset:]) if span not in flagged]
                if not spans:
                    continue
                first = (offset + spans[0][0], offset + spans[0][1])
                start, end = _clause_windows(part.text, *first, limit=_SUMMARY_CLAUSE)[0]
                point = _Candidate(Hit(part, rank, 0.0, None, None), start, end, 0.0, 0.0, frozenset())
                if not _overlaps(point, [c for _, c in points]):
                    points.append((f"{part.section}：" if by_section and part.section else "", point))
        if not by_section and len(points) > _SUMMARY_POINTS:
            points = points[1:]  # the opening paragraph sets the scene; the points follow it
        return points[:_SUMMARY_POINTS]

def _overlaps(candidate: _Candidate, chosen: list[_Candidate]) -> bool:
    return any(
        c.hit.chunk.article_id == candidate.hit.chunk.article_id
        and c.hit.chunk.start + c.start < candidate.hit.chunk.start + candidate.end
        and candidate.hit.chunk.start + candidate.start < c.hit.chunk.start + c.end
        for c in chosen
    )


def _penalty(asked: _Question, clause: str, surroundings: str) -> float:
    """Scale support down when the clause cannot be the answer: a year or name the
    question insists on is absent, or the quantity asked for is not there."""
    factor = 1.0
    if asked.anchors:
        missing = sum(anchor not in surroundings for anchor in asked.anchors)
        factor *= _MISSING_ANCHOR ** (missing / len(asked.anchors))
    if asked.unit and not has_quantity(clause, asked.unit):
        factor *= 0.4
    elif asked.wants_number and not _HAS_NUMBER.search(clause):
        factor *= 0.6
    if asked.wants_date and not _HAS_DATE.search(clause):
        factor *= 0.6
    return factor


def split_question(question: str) -> list[str]:
    """"A？B？" and "甲和乙各自…" ask two things; each part is answered (and cited) on its own."""
    parts = [p.strip() for p in re.split(r"(?<=[？?])", question) if len(p.strip()) >= 4]
    if len(parts) > 1:
        return parts
    pair = _PAIR.search(question)
    if pair and _EACH.search(question):
        rest = _EACH.sub("", question)
        return [rest.replace(pair.group(0), name) for name in pair.groups()]
    return [question]


def is_summary(question: str) -> bool:
    return bool(_ASKS_SUMMARY.search(question))


def asked_unit(question: str) -> str | None:
    """The unit a quantity question expects: "多少家" -> "家", "总投资是多少" -> "元"."""
    if match := _ASKED_UNIT.search(question):
        return match.group(1)
    if _ASKS_QUANTITY.search(question):
        if _ASKS_AREA.search(question):
            return _AREA_UNITS
        if _ASKS_RATE.search(question):
            return "%"
        if _ASKS_MONEY.search(question):
            return "元"
    return None


def has_quantity(text: str, unit: str) -> bool:
    core = unit if unit == _AREA_UNITS else re.escape(unit.lstrip("万亿") or unit)
    pattern = _NUMBER_WITH_UNIT.format(unit=f"(?:{core})")
    if core == "%":
        pattern = r"\d(?:\.\d+)?\s*[%％]|百分之"
    return bool(re.search(pattern, text))


def posseg_cut(text: str) -> list[tuple[str, str]]:
    import jieba.posseg

    return [(pair.word, pair.flag) for pair in jieba.posseg.cut(text)]


def _clause_windows(text: str, start: int, end: int, limit: int = _MAX_CLAUSE_WINDOW) -> list[tuple[int, int]]:
    """The sentence itself when short; otherwise its runs of whole clauses that fit the
    window, so a long sentence can be quoted by the part that answers."""
    if end - start <= limit:
        return [(start, end)]
    cuts = sorted({start, end, *(m.end() for m in _CLAUSE_END.finditer(text, start, end))})
    windows = []
    for i in range(len(cuts) - 1):
        j = i + 1
        while j + 1 < len(cuts) and cuts[j + 1] - cuts[i] <= limit:
            j += 1
        windows.append((cuts[i], cuts[j]))
    return windows


def _as_sentence(quote: str) -> str:
    quote = quote.strip().rstrip("，,、：:；;")
    return quote if re.search(r"[。！？!?”’」）)]$", quote) else quote + "。"
