"""Split articles into sentence-aligned chunks.

A chunk never cuts a sentence: citations quote chunks, and a half sentence is
neither a fair quote nor good retrieval evidence. Chunks stay inside one section
so their section label is true for all of their text.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, fields
from itertools import groupby

from .parse import Article

# Bumped whenever sentence or chunk boundaries change (2: a ";" inside -{…}- markup ends
# no sentence). An index's manifest names the splitting it was made with; another one
# makes the next ingest read every file again (unchanged chunks keep their vectors).
SPLITTING = 2

# A sentence ends at terminal punctuation (plus any closing quotes/brackets) or a line end.
# A ";" inside Wikipedia's variant markup (-{zh-cn:…;zh-hk:…}-) parts variants, not sentences.
_SENTENCE_END = re.compile(r"(?:[。！？；!?…]|;(?![^{}\n]*\}-))+[”’」』）)》\"']*|\n")


@dataclass(frozen=True)
class Chunk:
    id: str
    text: str
    source: str
    article_id: str
    title: str
    date: str  # "" when unknown: Chroma metadata cannot hold None
    byline: str
    section: str
    start: int  # offsets of `text` inside Article.text
    end: int
    dateline: str = ""  # "本报11月13日讯": the article is the paper's own news of that day
    kicker: str = ""  # the column label or 引题 above the headline ("二十大精神 在身边")
    subtitle: str = ""  # the deck or 副题 below the headline

    @property
    def search_text(self) -> str:
        """What retrieval sees: the headline and section carry words the passage omits."""
        return "\n".join(part for part in (self.title, self.section, self.text) if part)

    def metadata(self) -> dict[str, str | int]:
        return {
            "source": self.source,
            "article_id": self.article_id,
            "title": self.title,
            "date": self.date,
            "byline": self.byline,
            "section": self.section,
            "start": self.start,
            "end": self.end,
            "dateline": self.dateline,
            "kicker": self.kicker,
            "subtitle": self.subtitle,
        }

    @classmethod
    def from_record(cls, chunk_id: str, text: str, metadata: dict[str, str | int]) -> "Chunk":
        """The chunk of a stored record. A field this version does not know (written by a
        newer one) is left out, so going back a version never makes an index unreadable."""
        known = {f.name for f in fields(cls)}
        return cls(id=chunk_id, text=text, **{k: v for k, v in metadata.items() if k in known})  # type: ignore[arg-type]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences in `text`, trimmed of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        _append_trimmed(text, start, match.end(), spans)
        start = match.end()
    _append_trimmed(text, start, len(text), spans)
    return spans


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def chunk_id(source: str, title: str, text: str) -> str:
    """Content-addressed, so re-ingesting unchanged text finds the same ids."""
    return hashlib.sha1(f"{source}\x1f{title}\x1f{text}".encode("utf-8")).hexdigest()


def chunk_article(article: Article, size: int, overlap: int) -> list[Chunk]:
    text = article.text
    chunks: list[Chunk] = []
    seen: set[str] = set()
    position = 0
    paragraph_spans: list[tuple[str, int, int]] = []
    for paragraph in article.paragraphs:
        paragraph_spans.append((paragraph.section or "", position, position + len(paragraph.text)))
        position += len(paragraph.text) + 1
    for section, group in groupby(paragraph_spans, key=lambda span: span[0]):
        spans = list(group)
        start, end = spans[0][1], spans[-1][2]
        sentences = [(start + s, start + e) for s, e in sentence_spans(text[start:end])]
        for first, last in _windows(sentences, size, overlap):
            passage = text[first:last]
            cid = chunk_id(article.source, article.title, passage)
            if cid in seen:
                continue
            seen.add(cid)
            chunks.append(
                Chunk(
                    id=cid,
                    text=passage,
                    source=article.source,
                    article_id=article.id,
                    title=article.title,
                    date=article.date or "",
                    byline="、".join(article.byline),
                    section=section,
                    start=first,
                    end=last,
                    dateline=article.dateline or "",
                    kicker=article.kicker or "",
                    subtitle=article.subtitle or "",
                )
            )
    return chunks


def _windows(sentences: list[tuple[int, int]], size: int, overlap: int) -> list[tuple[int, int]]:
    """Greedy windows of whole sentences up to `size` characters, each starting with
    the trailing sentences (up to `overlap` characters) of the previous one."""
    windows: list[tuple[int, int]] = []
    first = 0
    while first < len(sentences):
        last = first
        while last + 1 < len(sentences) and sentences[last + 1][1] - sentences[first][0] <= size:
            last += 1
        windows.append((sentences[first][0], sentences[last][1]))
        if last + 1 >= len(sentences):
            break
        following = last + 1
        while following - 1 > first and sentences[last][1] - sentences[following - 1][0] <= overlap:
            following -= 1
        first = following
    return windows
