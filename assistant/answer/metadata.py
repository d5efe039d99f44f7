"""Questions about the paper itself: which reports a reporter wrote, what an issue carried.

These are answered from article metadata (byline, date, headline), not from a best
sentence: a byline is not article text, so no passage would ever match "记者贾臻写了
哪些报道". Every article that fits is listed with its headline and cited.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..chunk import Chunk
from .question import Question

# What makes a question ask about reports rather than about their content.
_ABOUT_REPORTS = re.compile(r"报道|新闻|文章|稿件|采写|撰写|写了|署名|\breports?\b|\barticles?\b|\bwrote\b|\bwritten\b", re.I)
_BYLINE_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")


_DAY = re.compile(r"(?:((?:19|20)\d\d)年)?(\d{1,2})月(\d{1,2})[日号]")
_ABOUT_ISSUE = re.compile(r"报纸|这一?期|当天|当日|那天|刊登|刊发|版面|见报|\bissue\b|\bpaper\b", re.I)


@dataclass(frozen=True)
class Listing:
    """Articles that answer a question about the paper, each cited by its first chunk."""

    intro: str
    openings: list[Chunk]


def by_reporter(question: Question, openings: Callable[[], list[Chunk]]) -> Listing | None:
    """"记者X写了哪些报道": every article whose byline holds a reporter named in the
    question, narrowed to those about the places the question names."""
    if not question.wants_list or not _ABOUT_REPORTS.search(question.text):
        return None
    articles = openings()
    names = {name for chunk in articles for name in re.split(r"[、,，\s]+", chunk.byline) if _BYLINE_NAME.fullmatch(name)}
    asked = [name for name in names if name in question.text]
    if not asked:
        return None
    reporter = max(asked, key=len)
    written = [chunk for chunk in articles if reporter in chunk.byline.split("、")]
    places = [c.value for c in question.constraints if c.kind == "place"]
    about = [chunk for chunk in written if any(p in f"{chunk.title} {chunk.text}" for p in places)]
    written = about or written
    written.sort(key=lambda chunk: (chunk.date, chunk.source, chunk.start))
    return Listing(f"记者{reporter}署名的报道有{len(written)}篇：", written) if written else None


def by_date(question: Question, openings: Callable[[], list[Chunk]]) -> Listing | None:
    """"12月6日的报纸刊登了哪些报道": every article of that day (of that year, when given)."""
    match = _DAY.search(question.text)
    if not question.wants_list or not match or not (_ABOUT_ISSUE.search(question.text) and _ABOUT_REPORTS.search(question.text)):
        return None
    year, month, day = match.groups()
    suffix = f"-{int(month):02d}-{int(day):02d}"
    dated = [c for c in openings() if c.date.endswith(suffix) and (year is None or c.date.startswith(year))]
    dated.sort(key=lambda chunk: (chunk.date, chunk.source, chunk.article_id))
    return Listing(f"{match.group(0)}的报道有{len(dated)}篇：", dated) if dated else None


def listing(question: Question, openings: Callable[[], list[Chunk]]) -> Listing | None:
    return by_reporter(question, openings) or by_date(question, openings)
