"""Composition: the cited text a reader sees, from what the answerer decided.

Quotes are verbatim spans, each followed by its citation marker. An English
question gets its answer in English around the Chinese quote, with the key number
converted; a partial answer says what the articles lack before quoting the
neighbouring fact; a list is numbered, one cited item per line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from ..chunk import Chunk
from .base import REFUSAL_EN, REFUSAL_ZH, Answer, Citation
from .question import NO_FIGURE, NO_PERSON
from .rules import figure_parts, rules

BACKEND = "extractive"


# The length of an answer a chat reader takes in. One still longer once cut (English
# wording included) drops its weakest further quotes; a list cuts its headlines to fit.
MOST_CHARS = 300


@dataclass(frozen=True)
class Quote:
    chunk: Chunk
    start: int  # inside chunk.text
    end: int
    label: str = ""  # shown before the quote: a sub-heading, a headline; in an answer, whom or where it is told of

    @property
    def text(self) -> str:
        return self.chunk.text[self.start : self.end]


@dataclass
class Finding:
    """What the answerer decided for one (part of a) question."""

    kind: Literal["answer", "partial", "refusal", "list"]
    quotes: list[Quote] = field(default_factory=list)
    missing: str = ""  # partial: the asked condition the articles do not meet
    missing_kind: str = ""  # partial: its kind (year, place…; "type" when the kind of answer is missing)
    instead: str = ""  # partial: what they state in its place
    value: str = ""  # the key fact inside the first quote (a number with its unit, a name)
    support: float = 0.0
    intro: str = ""  # list: the line before the items
    headlines: bool = False  # list: each item is its label alone (articles listed by their metadata)


def compose(question: str, findings: list[Finding], english: bool) -> Answer:
    support = max((f.support for f in findings), default=0.0)
    given = [f for f in findings if f.kind != "refusal"]
    if not given:
        return Answer(REFUSAL_EN if english else REFUSAL_ZH, True, BACKEND, support=support)
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    lines = [_text(finding, english, numbers, citations) for finding in given]
    if len(given) < len(findings):  # a part of the question the articles do not answer
        lines.append(REFUSAL_EN if english else REFUSAL_ZH)
    answered = any(f.kind in {"answer", "list"} for f in given)
    return Answer(
        "\n".join(lines) if any("\n" in line for line in lines) else "".join(lines),
        refused=not answered,
        backend=BACKEND,
        citations=citations,
        support=support,
        partial=not answered,
    )


def _cite(quote: Quote, numbers: dict[str, int], citations: list[Citation]) -> int:
    """The citation number of the quote's chunk; quotes of one chunk share a number."""
    n = numbers.setdefault(quote.chunk.id, len(numbers) + 1)
    if n > len(citations):
        citations.append(Citation(n, quote.chunk, quote.text))
    elif quote.text not in citations[n - 1].quote:
        citations[n - 1] = Citation(n, quote.chunk, f"{citations[n - 1].quote}……{quote.text}")
    return n


def _text(finding: Finding, english: bool, numbers: dict[str, int], citations: list[Citation]) -> str:
    printed = {q.text for q in finding.quotes if q.chunk.id in numbers and q.text in citations[numbers[q.chunk.id] - 1].quote}
    marked = [(quote, _cite(quote, numbers, citations)) for quote in finding.quotes]
    if finding.kind == "list":
        if finding.headlines:
            items = [f"{i}. {q.label}[{n}]" for i, (q, n) in enumerate(marked, 1)]
        else:
            items = [f"{i}. {q.label}{(': ' if english else '：') if q.label else ''}{_sentence(q.text)}[{n}]" for i, (q, n) in enumerate(marked, 1)]
        return "\n".join([finding.intro, *items] if finding.intro else items)
    if finding.kind == "partial":
        quote, n = marked[0]
        if quote.text in printed:  # an earlier part quotes the sentence: the reader has it
            return f"{_lacking(finding, english)} [{n}]." if english else f"{_lacking(finding, english)}[{n}]。"
        if english:
            return f"{_lacking(finding, english)} [{n}]: “{_sentence(quote.text)}”"
        return f"{_lacking(finding, english)}：{_sentence(quote.text)}[{n}]"
    told_of = finding.quotes[0].label  # the district, role holder or speaker the quote is told of
    if english:
        said = told_of or f"{finding.value}{_in_english(finding.value)}"  # the district asked, not the 青岛 the quote names
        lead = f"{said}, according to the articles" if said else "According to the articles"
        quoted = " ".join(f"“{_sentence(q.text)}”[{n}]" for q, n in marked)
        return f"{lead}: {quoted}"
    return (f"{told_of}：" if told_of else "") + "".join(f"{_sentence(q.text)}[{n}]" for q, n in marked)


def _in_english_words(condition: str) -> str:
    """"the full year (全年)" for 全年: the English a question uses for a condition, where
    rules.toml has one; other conditions (2023, 市北区) as the articles write them."""
    english = next((words for words, value in rules().english_conditions.items() if value == condition), "")
    return f"the {english} ({condition})" if english else condition


def _lacking(finding: Finding, english: bool) -> str:
    """What a partial answer says the articles lack, then what they hold instead. It
    claims no more than the check found: the articles say plenty about 2022 or 市南区,
    only nothing that answers for it; a missing person is said as such, not as a
    condition ("具体人名")."""
    missing, instead = finding.missing, finding.instead
    person = finding.missing_kind == "type"
    role = missing if person and missing != NO_PERSON else ""
    if english:
        if person:
            lacking = f"The articles do not say who the {role} is" if role else "The articles name no person"
            held = f"the closest they name is {instead}"
        else:
            lacking = f"The articles give no answer for {_in_english_words(missing)}"
            held = f"the closest they give is for {_in_english_words(instead)}"
        return f"{lacking}; {held if instead else 'the closest passage'}"
    if person:
        lacking = f"文章没有提到{role}是谁" if role else f"文章没有给出{NO_PERSON}"
    elif missing == NO_FIGURE:
        lacking = f"文章没有给出{NO_FIGURE}"
    else:
        lacking = f"文章没有针对{_asked(missing)}的说法"
    return f"{lacking}；{f'文章提到的是{instead}' if instead else '最接近的内容'}"


def _asked(missing: str) -> str:
    return f"{missing}年" if missing.isdigit() else missing


def _sentence(quote: str) -> str:
    quote = quote.strip().rstrip("，,、：:；;")
    return quote if re.search(r"[。！？!?”’」）)]$", quote) else quote + "。"


_CALENDAR_YEAR = re.compile(r"(?:1[89]|20)\d\d年")  # a date, not a duration of 2,018 years


def _in_english(value: str) -> str:
    """" (about 335 million square metres)" for "3.35亿平方米"; "" when nothing converts."""
    parts = figure_parts(value)
    if not parts or _CALENDAR_YEAR.fullmatch(value.strip()):
        return ""
    number, multiplier, unit = parts[0], parts[1], rules().english_units.get(parts[2], None)
    if unit is None or (not multiplier and not unit):
        return ""
    return f" (about {_readable(number)}{' ' + unit if unit else ''})" if multiplier else f" ({_readable(number)} {unit})"


def _readable(number: float) -> str:
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if number >= size:
            return f"{number / size:,.3g} {word}"
    return f"{number:,.0f}" if number >= 100 or number == int(number) else f"{number:g}"
