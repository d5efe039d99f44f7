"""Turn source files into articles.

A newspaper issue file holds many articles laid out for print; a plain .txt/.md
file holds one article. Everything downstream (chunking, citations) works on
`Article`, so layout repair happens here and only here.
"""

from __future__ import annotations

import codecs
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum, auto
from pathlib import Path


@dataclass(frozen=True)
class Paragraph:
    text: str
    section: str | None = None  # the sub-heading this paragraph sits under


@dataclass
class Article:
    source: str  # file name as cited, e.g. "000_57c203a4d156ad1d.txt"
    index: int  # position of the article inside its source, from 0
    title: str
    paragraphs: list[Paragraph]
    kicker: str | None = None  # column label / 引题 above the headline
    subtitle: str | None = None  # deck / 副题 below the headline
    byline: list[str] = field(default_factory=list)  # reporters, inner spaces removed
    dateline: str | None = None  # e.g. "本报12月6日讯"
    date: str | None = None  # ISO date inferred from dateline + issue context

    @property
    def id(self) -> str:
        return f"{self.source}#{self.index}"

    @property
    def text(self) -> str:
        """Body text; chunk offsets index into this string."""
        return "\n".join(p.text for p in self.paragraphs)


class NotTextError(ValueError):
    """The file is not a text document, so there is nothing to parse."""


SUFFIXES = (".txt", ".md")
_BLOCK = 1 << 20  # bytes read at a time when checking a file's encoding
_WINDOW = 1_000_000  # characters of a file parsed at a time
_CARRY_LINES = 20_000  # an "article" longer than this many lines is cut rather than carried on
CORPUS_SUFFIXES = (".jsonl",)

# A sentence may end inside closing quotes/brackets: `……好。”` ends, `“更暖心”` does not.
_TERMINAL = "。！？；…!?;"
_CLOSERS = "”’」』）)》】\"'"
_SENTENCE_MARKS = re.compile(r"[。！？；!?;]")
_DATELINE = re.compile(r"^(本报(?:[^\d\s讯]{0,4}(\d{1,2})月(\d{1,2})日)?(?:讯|电))\s*")
_YEAR = re.compile(r"((?:19|20)\d\d)年")
_FUTURE = re.compile(r"将|预计|争取|力争|计划")
_SIDEBARS = ("记者感言", "记者手记", "下期预告", "相关链接", "延伸阅读", "小贴士", "编后")
_CJK = r"[\u3400-\u9fff]"
_NAME_LINE = re.compile(rf"{_CJK}{{1,3}}(?:\s+{_CJK}{{1,3}})+")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_RECORD_DATE = re.compile(r"\s*((?:19|20)\d\d)[-/.年](\d{1,2})[-/.月](\d{1,2})")


class _Kind(Enum):
    TEXT = auto()  # body text, possibly broken mid-sentence
    HEADING = auto()  # short line without sentence punctuation
    MARKED = auto()  # headline made explicit by markdown (**…**, # …)
    BYLINE = auto()  # □青岛日报/观海新闻记者 …
    STRINGER = auto()  # 通讯员 … on its own line under the byline
    CREDIT = auto()  # bare reporter names closing an article: 梁 超 朱有祥 宋 津
    PHOTO = auto()  # ■ caption or ■ photo-news item
    SIDEBAR = auto()  # ■记者感言 / “民生在线”下期预告
    FIELD = auto()  # 品牌名称：值得托付 — a fact-box label joined to its value


@dataclass(frozen=True)
class _Line:
    text: str
    kind: _Kind


def read_text(path: Path) -> str:
    """A whole source file as text, whatever encoding the newsroom exported it in."""
    return path.read_text(encoding=detect_encoding(path)).replace("\r\n", "\n").replace("\r", "\n")


def detect_encoding(path: Path) -> str:
    """The encoding a source file decodes with, checked over the whole file a block at
    a time (a file of any size, without holding it).

    Exports come as UTF-8 (with or without BOM), UTF-16 from Windows tools, or
    GB18030/GBK from older Chinese systems; anything else is refused with
    `NotTextError` rather than indexed as mojibake.
    """
    with path.open("rb") as handle:
        head = handle.read(3)
    if head.startswith(b"\xef\xbb\xbf"):
        return _check(path, "utf-8-sig")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _check(path, "utf-16")
    try:
        return _check(path, "utf-8")
    except _Undecodable:
        return _check(path, "gb18030")


class _Undecodable(NotTextError):
    pass


def _check(path: Path, encoding: str) -> str:
    """GB18030 maps almost any byte soup to characters, so NUL and other control
    characters are the binary tell."""
    decoder = codecs.getincrementaldecoder(encoding)()
    chars = controls = offset = 0
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            if encoding != "utf-16" and b"\x00" in block:
                raise NotTextError(f"{path.name}: not text, it contains NUL bytes (binary, or UTF-16 without a BOM)")
            try:
                text = decoder.decode(block)
            except UnicodeDecodeError as error:
                raise _Undecodable(f"{path.name}: not text, undecodable as {encoding} at byte {offset + error.start}") from None
            offset += len(block)
            chars += len(text)
            controls += sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise _Undecodable(f"{path.name}: not text, it ends inside a {encoding} character") from None
    if controls * 100 > chars:
        raise NotTextError(f"{path.name}: not text, {controls} control characters look binary")
    return encoding


def parse_file(path: Path) -> list[Article]:
    return list(iter_articles(path))


def iter_articles(path: Path) -> Iterator[Article]:
    """A file's articles, parsed a window of about a megabyte at a time, so a file of
    any size (a year of issues in one export) is never held whole.

    A window ends where its last article starts: that article is parsed again with
    the next window, so none is cut at a window's edge. A file that is not laid out
    as an issue is one article; past a window it continues as "（续n）" parts."""
    if path.suffix.lower() not in SUFFIXES:
        raise ValueError(f"{path.name}: unsupported file type {path.suffix!r}, expected one of {SUFFIXES}")
    issue: bool | None = None
    carried: list[_Line] = []
    index = 0
    for text, last in _windows(path):
        if issue is None:
            issue = _looks_like_issue(text)
        if not issue:
            for article in parse_plain(text, path.name):
                if index:
                    article.index, article.title = index, f"{article.title}（续{index + 1}）"
                index += 1
                yield article
            continue
        lines = carried + _classify(text)
        starts = _article_starts(lines)
        cut = len(lines) if last or (len(starts) == 1 and len(lines) > _CARRY_LINES) else starts[-1]
        articles = _split_articles(lines[:cut], [start for start in starts if start < cut], path.name, index)
        _assign_dates(articles, text)
        yield from articles
        index += len(articles)
        carried = lines[cut:]


def _windows(path: Path) -> Iterator[tuple[str, bool]]:
    """(text, is it the last) in pieces of about `_WINDOW` characters that end at a
    blank line (or, in a file without blank lines, at a line end)."""
    with path.open(encoding=detect_encoding(path), newline=None) as handle:
        lines: list[str] = []
        size = 0
        for line in handle:
            lines.append(line)
            size += len(line)
            if size >= _WINDOW and (not line.strip() or size >= 2 * _WINDOW):
                yield "".join(lines), False
                lines, size = [], 0
        yield "".join(lines), True


def iter_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(line number, raw line) of a JSONL corpus, streamed: a corpus can be far larger
    than what should sit in memory, and blank lines are not records."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, 1):
            line = line.strip()
            if line:
                yield number, line


def parse_record(line: bytes) -> Article:
    """One JSONL record (`{"id", "text", "title"?, "date"?, ...}`) as a single article.

    The record's id is the article's source, so citations and evaluation name the
    document as the corpus does. Dates are kept only as ISO days (time dropped);
    a date without a year, such as "08-16 13:50", is unknown rather than guessed."""
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"not valid JSON ({error})") from None
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    source, text = record.get("id"), record.get("text")
    if source is None or str(source).strip() == "":
        raise ValueError("no \"id\"")
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"record {source!r} has no \"text\"")
    paragraphs = [Paragraph(part.strip()) for part in text.replace("\r", "\n").split("\n") if part.strip()]
    title = record.get("title")
    return Article(
        source=str(source).strip(),
        index=0,
        title=title.strip() if isinstance(title, str) else "",
        paragraphs=paragraphs,
        date=_iso_day(record.get("date")),
    )


def _iso_day(value: object) -> str | None:
    match = _RECORD_DATE.match(value) if isinstance(value, str) else None
    if not match:
        return None
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _looks_like_issue(text: str) -> bool:
    """Reporter bylines and repeated datelines only occur in laid-out pages.

    Bold lines are no evidence: a markdown article uses them for sub-headings,
    and splitting it into articles would do more harm than keeping an issue whole.
    """
    lines = [line.strip() for line in text.splitlines()]
    bylines = sum(1 for line in lines if line.startswith("□"))
    datelines = sum(1 for line in lines if _DATELINE.match(line))
    return bylines > 0 or datelines > 1


def parse_plain(text: str, source: str) -> list[Article]:
    """A single article: its first line is the headline, whatever it looks like."""
    lines = _classify(text)
    if not lines:
        return []
    title = _Line(_strip_markdown(lines[0].text), _Kind.MARKED)
    return [_build_article([title], lines[1:], source, 0)]


def parse_issue(text: str, source: str) -> list[Article]:
    """Split a whole issue into articles and date them from the issue's datelines."""
    lines = _classify(text)
    articles = _split_articles(lines, _article_starts(lines), source, 0)
    _assign_dates(articles, text)
    return articles


def _split_articles(lines: list[_Line], starts: list[int], source: str, first_index: int) -> list[Article]:
    return [
        _build_article(*_split_header(lines[start:end]), source, index)
        for index, (start, end) in enumerate(zip(starts, [*starts[1:], len(lines)]), first_index)
    ]


# ---------------------------------------------------------------- line kinds


def _classify(text: str) -> list[_Line]:
    """Blank lines carry no meaning in these exports (they even split words), so drop them."""
    raw = [line.strip() for line in text.splitlines()]
    raw = [line for line in raw if line]
    lines: list[_Line] = []
    i = 0
    while i < len(raw):
        marked_end = _markdown_span_end(raw, i)
        if marked_end is not None:
            merged = " ".join(raw[i : marked_end + 1])
            lines.append(_Line(_strip_markdown(merged), _Kind.MARKED))
            i = marked_end + 1
        elif _is_label(raw[i]) and i + 1 < len(raw):
            lines.append(_Line(raw[i] + raw[i + 1], _Kind.FIELD))
            i += 2
        else:
            lines.append(_Line(raw[i], _kind(raw[i])))
            i += 1
    return lines


def _markdown_span_end(raw: list[str], i: int) -> int | None:
    """A `**` headline may wrap over a few lines; bold words inside a sentence are not headlines."""
    if _MARKDOWN_HEADING.match(raw[i]):
        return i
    if not raw[i].startswith("**") or "**" in raw[i][2:-2]:
        return None
    for end in range(i, min(i + 3, len(raw))):
        if raw[end].endswith("**") and (end > i or len(raw[i]) > 4):
            return end
    return None


def _strip_markdown(line: str) -> str:
    line = _MARKDOWN_HEADING.sub("", line)
    return " ".join(line.replace("**", " ").split())


def _is_label(line: str) -> bool:
    """`品牌名称：` alone on a line is a fact-box label whose value is the next line."""
    return len(line) <= 8 and line.endswith(("：", ":"))


def _kind(line: str) -> _Kind:
    if line.startswith("□"):
        return _Kind.BYLINE
    if line.startswith("通讯员"):
        return _Kind.STRINGER
    if _NAME_LINE.fullmatch(line) and any(len(token) == 1 for token in line.split()):
        return _Kind.CREDIT
    if line.startswith("■"):
        return _Kind.SIDEBAR if _sidebar_label(line) else _Kind.PHOTO
    if _is_heading(line):
        return _Kind.SIDEBAR if _sidebar_label(line) else _Kind.HEADING
    return _Kind.TEXT


def _is_heading(line: str) -> bool:
    """Headings are short and never contain a sentence; broken body lines usually do.

    A fragment such as `守牢安全发展底线，加强韧性城市建设，提升防` is told apart by its
    commas: a sub-heading has at most one.
    """
    return (
        len(line) <= 40
        and not _SENTENCE_MARKS.search(line)
        and not _ends_sentence(line)
        and line[-1] not in "、，,：:“‘（(《"
        and line.count("，") <= 1
    )


def _sidebar_label(line: str) -> str | None:
    return next((label for label in _SIDEBARS if label in line[:12]), None)


def _ends_sentence(text: str) -> bool:
    stripped = text.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _TERMINAL


# ------------------------------------------------------------ article bounds


def _article_starts(lines: list[_Line]) -> list[int]:
    """Bylines anchor most articles; the rest are found by their headline shape.

    A heading only opens a new article when the layout says so: it is one of
    two or more stacked headline lines, it tops ■ photo-news items, it follows
    a closed article (after a sidebar or closing reporter credit), or it is a
    `**` headline or a fact box. A lone heading inside running text is a
    sub-heading of the current article.
    """
    signed: dict[int, int] = {}  # headline start -> first body line, for signed articles
    for i, line in enumerate(lines):
        if line.kind is _Kind.BYLINE:
            signed[_headline_start(lines, i)] = _body_start(lines, i)
    starts = {0, *signed}
    closed = False
    i = 0
    while i < len(lines):
        if i in signed:
            i, closed = signed[i], False
            continue
        if lines[i].kind in (_Kind.SIDEBAR, _Kind.CREDIT):
            closed = True
        elif _opens_article(lines, i, closed):
            starts.add(i)
            i, closed = i + len(_unsigned_header(lines[i:])), False
            continue
        i += 1
    return sorted(starts)


def _headline_start(lines: list[_Line], byline: int) -> int:
    start = byline
    while start > 0 and _may_be_headline(lines[start - 1]):
        start -= 1
    return start


def _may_be_headline(line: _Line) -> bool:
    """Issue 000 prints kicker, headline and deck on one long line, so length is no test here."""
    if line.kind in (_Kind.HEADING, _Kind.MARKED):
        return True
    text = line.text
    return (
        line.kind is _Kind.TEXT
        and not _SENTENCE_MARKS.search(text)
        and not _ends_sentence(text)
        and text[-1] not in "、，,"
    )


def _body_start(lines: list[_Line], byline: int) -> int:
    """Skip the byline, a 通讯员 line and column labels printed under the byline."""
    i = byline + 1
    while i < len(lines) and lines[i].kind in (_Kind.STRINGER, _Kind.HEADING):
        i += 1
    return i


def _opens_article(lines: list[_Line], i: int, closed: bool) -> bool:
    kind = lines[i].kind
    if kind is _Kind.MARKED:
        return True
    if kind is _Kind.FIELD:
        return i == 0 or lines[i - 1].kind is not _Kind.FIELD
    if kind is not _Kind.HEADING:
        return False
    if closed:
        # Sidebar content such as `网谈时间：…` is key: value, a new headline is not.
        return "：" not in lines[i].text
    following = lines[i + 1].kind if i + 1 < len(lines) else None
    return following in (_Kind.HEADING, _Kind.PHOTO)


def _unsigned_header(lines: list[_Line]) -> list[_Line]:
    """Without a byline a headline is title plus deck at most; a third heading is a sub-heading."""
    if lines[0].kind in (_Kind.MARKED, _Kind.FIELD):
        return lines[:1]
    run = 0
    while run < min(2, len(lines)) and lines[run].kind is _Kind.HEADING:
        run += 1
    return lines[:run]


def _split_header(lines: list[_Line]) -> tuple[list[_Line], list[_Line]]:
    for k, line in enumerate(lines):
        if line.kind is _Kind.BYLINE:
            if all(_may_be_headline(head) for head in lines[:k]):
                return lines[:k], lines[k:]
            break
    head = _unsigned_header(lines)
    return head, lines[len(head) :]


# ------------------------------------------------------------ article parts


def _build_article(head: list[_Line], rest: list[_Line], source: str, index: int) -> Article:
    kicker, title, subtitle = _headline([line.text for line in head])
    rest = list(rest)
    byline: list[str] = []
    while rest and rest[0].kind in (_Kind.BYLINE, _Kind.STRINGER):
        byline += _names(rest.pop(0).text)
    if byline:
        labels: list[str] = []
        while rest and rest[0].kind is _Kind.HEADING:
            labels.append(rest.pop(0).text)
        kicker = " ".join(filter(None, [kicker, *labels])) or None
    dateline = None
    if rest and (match := _DATELINE.match(rest[0].text)):
        dateline = match[1]
        remainder = rest[0].text[match.end() :]
        rest = ([_Line(remainder, _Kind.TEXT)] if remainder else []) + rest[1:]
    paragraphs, credits = _paragraphs(rest)
    return Article(
        source=source,
        index=index,
        title=title,
        paragraphs=paragraphs,
        kicker=kicker,
        subtitle=subtitle,
        byline=byline + credits,
        dateline=dateline,
    )


def _headline(lines: list[str]) -> tuple[str | None, str, str | None]:
    """Pick the main headline out of a stacked headline block.

    Lines above it are the kicker (column label / 引题), lines below the deck.
    The main headline is the line that is neither a label nor dashed, prefers
    the couplet form with a space (`加力振兴实体经济 大力提升发展质效`), then the
    shortest line — decks and 引题 are longer explanatory sentences.
    """
    texts = [" ".join(line.split()) for line in lines]
    if not texts:
        return None, "", None

    def rank(text: str) -> tuple[bool, bool, int]:
        label = text.startswith(("「", "——")) or text.endswith("——") or len(text) <= 6
        return label, " " not in text, len(text)

    pick = min(range(len(texts)), key=lambda k: rank(texts[k]))
    kicker = [text.strip("—") for text in texts[:pick]]
    subtitle = [text.strip("—") for text in texts[pick + 1 :]]
    title = texts[pick]
    if column := re.match(r"「(.+?)」\s*(.+)", title):
        kicker.append(column[1])
        title = column[2]
    return " ".join(kicker) or None, title, " ".join(subtitle) or None


def _names(line: str) -> list[str]:
    """Two-character names are printed with a space inside (`孙 欣`), so lone characters pair up."""
    line = re.sub(r"^□?\S*记者", "", line)
    line = re.sub(r"通讯员|实习生", " ", line)
    names: list[str] = []
    singles: list[str] = []
    for token in [*line.split(), ""]:
        if len(token) == 1:
            singles.append(token)
            continue
        pairs = ["".join(singles[k : k + 2]) for k in range(0, len(singles), 2)]
        if len(pairs) > 1 and len(pairs[-1]) == 1:
            pairs[-2] += pairs.pop()
        names += pairs
        singles = []
        if token:
            names.append(token)
    return names


def _paragraphs(lines: list[_Line]) -> tuple[list[Paragraph], list[str]]:
    """Rebuild paragraphs that print layout broke, and collect closing reporter credits.

    A text line that does not end a sentence continues on the next text line;
    a ■ caption met in between is set after the rejoined paragraph. Sidebars
    close the article, so inside one every line is kept as written.
    """
    paragraphs: list[Paragraph] = []
    credits: list[str] = []
    section: str | None = None
    in_sidebar = False
    pending = ""
    captions: list[str] = []
    for line in lines:
        kind, text = line.kind, line.text
        if kind is _Kind.CREDIT:
            credits += _names(text)
        elif kind is _Kind.PHOTO:
            caption = text.lstrip("■").strip()
            if pending:
                captions.append(caption)
            else:
                paragraphs.append(Paragraph(caption, section))
        elif kind is _Kind.SIDEBAR and not pending:
            section, in_sidebar = _sidebar_label(text), True
            paragraphs.append(Paragraph(text.lstrip("■").strip(), section))
        elif kind in (_Kind.HEADING, _Kind.MARKED) and not pending and not in_sidebar:
            section = text
        else:
            text = pending + text
            if kind is _Kind.TEXT and not _ends_sentence(text):
                pending = text
                continue
            paragraphs.append(Paragraph(text, section))
            paragraphs += [Paragraph(caption, section) for caption in captions]
            pending, captions = "", []
    if pending:
        paragraphs.append(Paragraph(pending, section))
    paragraphs += [Paragraph(caption, section) for caption in captions]
    return paragraphs, credits


# ------------------------------------------------------------------- dates


def _assign_dates(articles: list[Article], text: str) -> None:
    """Datelines give month and day only; the year comes from the issue's own wording."""
    days = [
        (int(match[2]), int(match[3]))
        for article in articles
        if article.dateline and (match := _DATELINE.match(article.dateline)) and match[2]
    ]
    if not days:
        return
    (month, day), _ = Counter(days).most_common(1)[0]
    year = _issue_year(text, month)
    if year is None:
        return
    for article in articles:
        match = _DATELINE.match(article.dateline or "")
        if match and match[2]:
            article.date = f"{year:04d}-{int(match[2]):02d}-{int(match[3]):02d}"
        else:
            article.date = f"{year:04d}-{month:02d}-{day:02d}"


def _issue_year(text: str, month: int) -> int | None:
    """The latest year the issue names, unless that year is still to come.

    Early in a year papers report last year's results and this year's plans,
    so the latest year named is the current one. In the second half they start
    planning for 明年 ("next year") and name it: when the text says 明年 and
    the latest year appears in a forward-looking sentence (将/预计/争取/力争/
    计划), the issue is from the year before.
    """
    years = [int(year) for year in _YEAR.findall(text)]
    if not years:
        return None
    latest = max(years)
    sentences = re.split(r"[。！？\n]", text)
    planned = any(f"{latest}年" in s and _FUTURE.search(s) for s in sentences)
    if month >= 7 and "明年" in text and planned:
        return latest - 1
    return latest
