"""Enumerations: "主要提出了哪些要求" is answered by the items an article lists.

Newspaper text marks its points in several ways: 一是/二是, 一要/二要, 第一/第二,
（一）/（二）, ①/②, numbered lines, sub-headings, or a run of sentences that open
alike ("要加强…。要加快…。要绷紧…"). The family of markers closest to the best
answer sentence is taken, and each item becomes one cited point.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from ..chunk import Chunk, sentence_spans
from ..guard import instruction_spans
from .rules import clause_ends

_CN = "一二三四五六七八九十"
# Marker families; in each, item n is introduced by the n-th marker.
_FAMILIES = {
    "是": [f"{d}是" for d in _CN],
    "要": [f"{d}要" for d in _CN],
    "第": [f"第{d}[，,、：:]" for d in _CN],
    "（）": [f"[（(]{d}[）)]" for d in _CN],
    "①": list("①②③④⑤⑥⑦⑧⑨⑩"),
    "1.": [rf"(?:^|\n|。){n}[.、．]" for n in range(1, 11)],
    "首先": ["首先", "其次", "再次|第三", "最后"],
}
_POINT_CHARS = 50  # each listed point is its opening clause, so five points stay a short answer
_MAX_POINTS = 8
_CLAUSE_END = clause_ends("，,：:；;。！？")
_PIECE_END = re.compile(r"[，,、：:；;。！？“”\n]")  # what bounds an item of a keyed list
_PIECE_CUT = re.compile(r"[、；;]")  # what parts the pieces of a list inside one sentence
_ITEM_END = re.compile(r"[，,；;。！？”\n]")  # what ends an item whose own phrases are 、-parted
_PIECE_MORE = 2  # an item says at least this much beside the key
_PIECE_GAP = 600  # items further apart than this belong to different lists
# Sentences opening alike ("要加强…。要加快…。") form a parallel run; the opener may
# follow a speaker ("赵豪志强调，要…").
_OPENERS = ("要", "着力", "坚持", "加快", "推动", "强化", "持续", "全力", "聚焦", "突出", "围绕", "深化", "提升", "抓", "以", "在", "一是")
_ASPECT_WORDS = ("方面", "领域", "层面")
_ASPECT = re.compile(rf"^[^，,。]{{1,8}}(?:{'|'.join(_ASPECT_WORDS)})[，,：:]")  # "消费模式方面，…" / "消费广度方面，…"
_SPEAKER = re.compile(r"^[^，,。]{1,12}(?:强调|指出|表示|要求|提出|说)[，,：:]")
_SIDEBAR = re.compile(r"预告|感言|链接|相关阅读|编后|手记")


@dataclass(frozen=True)
class Point:
    chunk: Chunk
    start: int  # inside chunk.text
    end: int
    label: str = ""  # a sub-heading, shown before the point


def points(parts: list[Chunk], near: int, key: str = "") -> list[Point]:
    """The enumerated items of an article (its chunks in order) closest to article
    offset `near` (the best answer sentence), or [] when it lists nothing. With a `key`
    (哪几个“自动”), the items are the phrases that contain it, wherever they stand."""
    parts = [p for p in parts if not _SIDEBAR.search(p.section)]
    if not parts:
        return []
    if key and len(found := _suffixed(parts, near, key) or _keyed(parts, near, key)) >= 2:
        return found[:_MAX_POINTS]
    if key:
        return []  # the asked items are not there: other lists of the article would be a guess
    for finder in (_marked, _parallel, _within, _sections):
        found = finder(parts, near)
        if len(found) >= 2:
            return found[:_MAX_POINTS]
    return []


def _suffixed(parts: list[Chunk], near: int, key: str) -> list[Point]:
    """"哪几个“化”": a one-character key is a suffix that many words of the article hold
    (工业化, 现代化); the items are the words ending in it that a 、 joins, "数字化、网络化、
    智能化", nearest to `near`. The first item is as long as the second: such lists are
    parallel, and nothing else marks where the first begins."""
    if len(key) != 1:
        return []
    text = _article(parts)
    item = re.compile(rf"、([\u4e00-\u9fff]{{1,4}}?{re.escape(key)})")
    runs = []
    for match in re.finditer(rf"(?:{item.pattern})+", text):
        items = [m.span(1) for m in item.finditer(text, match.start(), match.end())]
        first = (match.start() - (items[0][1] - items[0][0]), match.start())
        if first[0] >= 0 and text[first[1] - 1] == key and re.fullmatch(r"[\u4e00-\u9fff]+", text[first[0] : first[1]]):
            runs.append([first, *items])
    if not runs:
        return []
    run = min(runs, key=lambda r: _distance([r[0][0], r[-1][0]], near))
    return [p for p in (_point(parts, start, end) for start, end in run) if p is not None]


def _keyed(parts: list[Chunk], near: int, key: str) -> list[Point]:
    """Phrases containing `key` that stand together ("申请材料自动比对、审查文书自动
    生成、电子证照自动签章"; "全力以赴抓运行…全力以赴抓创新…"): the run of them
    closest to `near`. A bare label ("“三零”目标") is no item."""
    text = _article(parts)
    bounds = [m.start() for m in _PIECE_END.finditer(text)]  # each is one character
    pieces = []
    for match in re.finditer(re.escape(key), text):
        before = bisect_left(bounds, match.start())  # the bounds before the key
        start = bounds[before - 1] + 1 if before else 0
        after = bisect_left(bounds, match.end())
        end = bounds[after] if after < len(bounds) else len(text)
        if end - start >= len(key) + _PIECE_MORE and (not pieces or pieces[-1][0] != start):
            pieces.append((start, min(end, start + _POINT_CHARS)))
    runs: list[list[tuple[int, int]]] = []
    for piece in pieces:
        if runs and piece[0] - runs[-1][-1][1] <= _PIECE_GAP:
            runs[-1].append(piece)
        else:
            runs.append([piece])
    runs = [run for run in runs if len(run) >= 2]
    if not runs:
        return []
    run = _with_inner_lists(min(runs, key=lambda r: _distance([r[0][0], r[-1][0]], near)), text)
    found = [_point(parts, start, end) for start, end in run]
    return [p for p in found if p is not None]


def _with_inner_lists(run: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Items parted by commas that hold 、-parted phrases ("务必不忘初心、牢记使命，务必谦虚
    谨慎、艰苦奋斗"): each runs on over its 、 to the comma before the next item, the last
    one to the same kind of bound."""
    grown = [
        (start, following - 1) if text[end : end + 1] == "、" and not _ITEM_END.search(text, end, following - 1) else (start, end)
        for (start, end), (following, _) in zip(run, run[1:])
    ]
    if not grown or grown == run[:-1]:
        return run  # "申请材料自动比对、审查文书自动生成": the 、 parts the items themselves
    start, end = run[-1]
    last = _ITEM_END.search(text, end)
    return [*grown, (start, last.start() if text[end : end + 1] == "、" and last and last.start() - start <= _POINT_CHARS else end)]


def _article(parts: list[Chunk]) -> str:
    """The article text rebuilt from its chunks' offsets."""
    size = max(p.end for p in parts)
    text = [" "] * size
    for part in parts:
        text[part.start : part.end] = part.text
    return "".join(text)


def _point(parts: list[Chunk], start: int, end: int, label: str = "") -> Point | None:
    """The item at article offsets [start, end) as a span of the chunk that holds it."""
    for part in parts:
        if part.start <= start and end <= part.end:
            return Point(part, start - part.start, end - part.start, label)
    for part in parts:  # an item across two chunks: quote the part in the first
        if part.start <= start < part.end:
            return Point(part, start - part.start, part.end - part.start, label)
    return None


def _clause(text: str, start: int) -> int:
    """The end of the item opening at `start`: its first clause, within the limit (and
    the clause after a bare "消费模式方面，", which names the point but does not make it)."""
    stop = start + 3
    for match in _CLAUSE_END.finditer(text, start + 3):
        stop = match.start()
        if match.group(0) in "。！？；;" or (stop - start >= 6 and not text[start:stop].endswith(_ASPECT_WORDS)):
            break
    return min(stop, start + _POINT_CHARS)


def _marked(parts: list[Chunk], near: int) -> list[Point]:
    text = _article(parts)
    best: list[int] = []
    for markers in _FAMILIES.values():
        run = _run(text, markers)
        if len(run) >= 2 and (not best or _distance(run, near) < _distance(best, near)):
            best = run
    found = [_point(parts, start, _clause(text, start)) for start in best]
    return [p for p in found if p is not None]


def _run(text: str, markers: list[str]) -> list[int]:
    """Offsets of marker 1, 2, 3… in order, each after the previous one."""
    offsets, position = [], 0
    for marker in markers:
        match = re.compile(marker).search(text, position)
        if match is None or (offsets and match.start() - offsets[-1] > 600):
            break
        start = match.start() + (1 if match.group(0)[:1] in "\n。" else 0)
        offsets.append(start)
        position = match.end()
    return offsets


def _distance(run: list[int], near: int) -> int:
    return 0 if run[0] <= near <= run[-1] + 200 else min(abs(run[0] - near), abs(run[-1] - near))


def _parallel(parts: list[Chunk], near: int) -> list[Point]:
    """A run of three or more sentences that open alike: consecutive sentences, or the
    opening sentences of consecutive paragraphs ("着力推进…" / "着力深化…")."""
    text = _article(parts)
    flagged = set(instruction_spans(text))
    spans = [s for s in sentence_spans(text) if s not in flagged]
    leads = [s for s in spans if s[0] == 0 or text[s[0] - 1] == "\n"]
    runs = [run for sequence in (spans, leads) for run in _runs(text, sequence)]
    if not runs:
        return []
    run = min(runs, key=lambda r: _distance([r[0][0], r[-1][0]], near))
    found = [_point(parts, start, _clause(text, start)) for start, _ in run]
    return [p for p in found if p is not None]


def _within(parts: list[Chunk], near: int) -> list[Point]:
    """Three or more pieces of one sentence, parted by 、 or ；, that open alike ("海尔将
    继续以科技创新推动智能化升级、以绿色化支持可持续发展、以集群化构建产业生态"): the
    first piece opens where its opener stands, after the sentence's lead-in. The list
    must stand near the answer; an article's sub-headings are the coarser points."""
    text = _article(parts)
    runs = []
    for start, end in sentence_spans(text):
        cuts = [start, *(m.end() for m in _PIECE_CUT.finditer(text, start, end)), end + 1]
        pieces = [(a, b - 1) for a, b in zip(cuts, cuts[1:])]
        opener = _opener(text[pieces[1][0] : pieces[1][1]]) if len(pieces) >= 3 else ""
        if not opener or not all(text.startswith(opener, a) for a, _ in pieces[2:]):
            continue
        lead = text.rfind(opener, pieces[0][0], pieces[0][1])
        if lead >= 0:
            runs.append([(lead, pieces[0][1]), *pieces[1:]])
    runs = [run for run in runs if _distance([run[0][0], run[-1][0]], near) <= _PIECE_GAP]
    if not runs:
        return []
    run = min(runs, key=lambda r: _distance([r[0][0], r[-1][0]], near))
    found = [_point(parts, a, min(b, _clause(text, a))) for a, b in run]
    return [p for p in found if p is not None]


def _runs(text: str, spans: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    runs: list[list[tuple[int, int]]] = []
    openers: list[str] = []
    for span in spans:
        opener = _opener(text[span[0] : span[1]])
        if runs and opener and openers[-1] == opener:
            runs[-1].append(span)
        else:
            runs.append([span])
            openers.append(opener)
    return [run for run in runs if len(run) >= 3]


def _opener(sentence: str) -> str:
    body = _SPEAKER.sub("", sentence)
    if _ASPECT.match(body):
        return "方面"
    return next((opener for opener in _OPENERS if body.startswith(opener)), "")


def _sections(parts: list[Chunk], near: int) -> list[Point]:
    """One point per sub-heading: the heading, then its first clause."""
    found, seen = [], set()
    for part in parts:
        if not part.section or part.section in seen:
            continue
        seen.add(part.section)
        spans = sentence_spans(part.text)
        if spans:
            start = spans[0][0]
            found.append(Point(part, start, _clause(part.text, start), part.section))
    return found
