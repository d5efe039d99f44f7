"""Questions about the paper itself: which reports a reporter wrote, what an issue carried.

These are answered from article metadata (byline, date, headline), not from a best
sentence: a byline is not article text, so no passage would ever match "记者贾臻写了
哪些报道". Every article that fits is listed with its headline and cited.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from ..chunk import Chunk, sentence_spans
from ..lexical import is_english
from .compose import MOST_CHARS, Quote
from ..pinyin import spelling_of
from .question import Question, quoted_spans
from .rules import rules

# What makes a question ask about reports rather than about their content.
_ABOUT_REPORTS = re.compile(r"报道|新闻|文章|稿件|采写|撰写|写了|署名|那篇|这篇|两条消息|两则消息|\breports?\b|\barticles?\b|\bwrote\b|\bwritten\b", re.I)
_BYLINE_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")


_DAY = re.compile(r"(?:((?:19|20)\d\d)年)?(\d{1,2})月(\d{1,2})[日号]")
_MONTHS = {name: number for number, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
     ("december", "dec")], 1) for name in names}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
# "December 6, 2022", "6 December 2022", "2022-12-06": (year, month, day) as named groups
_ENGLISH_DAYS = [re.compile(pattern, re.I) for pattern in (
    rf"\b(?P<month>{_MONTH})\.? (?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,? (?P<year>(?:19|20)\d\d))?\b",
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)? (?P<month>{_MONTH})\.?(?:,? (?P<year>(?:19|20)\d\d))?\b",
    r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)\b",
)]
# "Which reports…", "What reporters…": a list, as 哪些报道 is
_ENGLISH_LIST = re.compile(r"\b(?:which|what) (?:\w+ )?(?:reports|reporters|articles|stories)\b", re.I)
_ABOUT_ISSUE = re.compile(r"报纸|这一?期|当天|当日|那天|刊登|刊发|版面|见报|\bissue\b|\bpaper\b", re.I)


# "标着“本报11月13日讯”的消息": the paper's own news of that day, named by its dateline.
_DATELINE = re.compile(r"(?:本报)?(\d{1,2}月\d{1,2}日讯)")
_SURNAME = re.compile(r"姓([\u4e00-\u9fff]{1,2})的(?:记者|作者)")  # reporters named by their surname alone
_ASKS_REPORTERS = re.compile(r"哪些记者|哪几位记者|哪位记者|记者有哪些|记者都有谁|哪些人署名|谁署名|署名的记者|\bwhich reporters\b|\bwho (?:wrote|reported)\b", re.I)


# A report found by what it is about, asked for what only its metadata holds: when it
# ran and who signed it ("写姜涛的那篇报道是哪天登的？记者是谁？"). A date or a name asked
# about the events it reports ("报道中项目什么时候开工") is the text's, not this.
_REPORT = "(?:报道|文章|新闻|稿件|消息)"
_RUN = "(?:刊登|登出|登的|登在|刊发|发表|见报)"
_ASKS_RUN = re.compile(rf"{_REPORT}[^。？?]{{0,15}}{_RUN}|{_RUN}[^，。？?]{{0,8}}{_REPORT}"
                       r"|\bwhen (?:was|were|did) (?:the|that|this) (?:reports?|articles?|stor(?:y|ies))\b", re.I)
_INSIDE_REPORT = re.compile(r"(?:报道|文章|新闻|稿件|文)[中里]")  # "文章中…发表了什么讲话" asks about the text
_ASKS_SIGNED = re.compile(r"记者是谁|哪几?位记者|哪些记者|哪个记者|记者是哪|谁写|谁采写|署[^，。？?]{0,4}名|\b(?:which|what) reporters?\b|\bwho (?:wrote|reported|signed)\b|\bwritten by\b|\bbyline\b", re.I)
# "写A的那篇，和写B的那篇，各是哪位记者写的": two reports, each found by what it is about.
_DESCRIBED = re.compile(r"(?:写|讲|报道)?([^，。？?]{4,40}?)的?那篇(?:报道|文章|稿子)?[，,]?\s*(?:和|与|跟|还有|以及)\s*"
                        r"(?:写|讲|报道)?([^，。？?]{4,40}?)的?那篇"
                        # "凤麟核获批…项目和“三线一单”智慧平台上线这两条消息"
                        r"|(?:写|讲|报道)?([^，。？?和与跟]{4,40}?)(?:和|与|跟|以及)([^，。？?和与跟]{4,40}?)[这那]?两(?:条|篇|则)(?:消息|报道|新闻|稿子|文章)")
_ITEM_CHARS = 8  # "1. " before a listed item, its citation mark and the line break after it


@dataclass(frozen=True)
class Listing:
    """Articles that answer a question about the paper, each cited by its first chunk."""

    intro: str
    quotes: list[Quote]  # one per article, labelled with its headline (and reporters or date)
    # Labels alone: a day's reports (a whole issue reads best as its headlines), or reports
    # picked by how they were printed (the label holds the parts asked about). A
    # reporter's reports also quote each one's first clause (what it is on).
    labels_only: bool = False


def listing(question: Question, openings: Callable[[], list[Chunk]]) -> Listing | None:
    """Questions about the paper: the reports of a reporter, the reports of a day or
    under a dateline, or the reporters of a day. An English question names its reporter
    in pinyin and its day in English, and is answered in English around the headlines."""
    text, english = question.text, is_english(question.text)
    dateline = _DATELINE.search(text)
    listed = question.wants_list or (english and _ENGLISH_LIST.search(text))
    if not listed or not (dateline or _ABOUT_REPORTS.search(text) or _ASKS_REPORTERS.search(text)):
        return None
    everything = openings()
    articles = everything
    day = _day(text)
    if day:
        year, month, number, _ = day
        suffix = f"-{month:02d}-{number:02d}"
        articles = [c for c in articles if c.date.endswith(suffix) and (year is None or c.date.startswith(year))]
    said = ""  # the day as the answer names it: in the question's words, or in ISO in an English answer
    if day:
        said = articles[0].date if english and articles else day[3]

    def intro(kind: str, **values: object) -> str:
        return _INTROS[kind][english].format(**values)

    def headlines_only(opening_line: str, listed: list[Chunk], byline: bool) -> Listing:
        spans = [(c, 0, opening(c)) for c in listed]
        return Listing(opening_line, labelled(spans, everything, opening_line, byline, dated=False, quoted=False, english=english), labels_only=True)

    if dateline:  # an index built before datelines were stored has none: the question is then answered from the text
        under = _in_order([c for c in articles if c.dateline.endswith(dateline.group(1))])
        return headlines_only(intro("dateline", dateline=under[0].dateline, n=len(under)), under, byline=True) if under else None
    if day and _ASKS_REPORTERS.search(text):
        signed = _in_order([c for c in articles if c.byline])
        names = list(dict.fromkeys(name for c in signed for name in _names(c.byline)))
        together = (", " if english else "、").join(names)
        return headlines_only(intro("reporters", day=said, names=together), signed, byline=True) if signed else None
    reporter = _reporter(question, articles)
    if reporter:
        written = [c for c in articles if reporter in _names(c.byline)]
        places = [c.value for c in question.constraints if c.kind == "place"]
        written = _in_order([c for c in written if any(p in f"{c.title} {c.text}" for p in places)] or written)
        spelling = spelling_of(reporter, text) if english else ""
        named = f"{reporter} ({spelling})" if spelling else reporter
        first = intro("reporter", reporter=named, n=len(written))
        spans = [(c, 0, opening(c)) for c in written]
        return Listing(first, labelled(spans, everything, first, byline=False, dated=True, quoted=True, english=english))
    if (surname := _SURNAME.search(text)) and not english:  # "两位姓薛的记者各写了哪几篇"
        names = sorted({name for c in articles for name in _names(c.byline) if name.startswith(surname[1])})
        written = _in_order([c for c in articles if set(names) & set(_names(c.byline))])
        if written:
            first = f"姓{surname[1]}的记者有{'、'.join(names)}，署名的报道有{len(written)}篇："
            spans = [(c, 0, opening(c)) for c in written]
            return Listing(first, labelled(spans, everything, first, byline=True, dated=True, quoted=True))
    if day and _ABOUT_ISSUE.search(text):
        articles = _in_order(articles)
        return headlines_only(intro("issue", day=said, n=len(articles)), articles, byline=False) if articles else None
    return None


def asks_for_report(text: str) -> bool:
    """Whether a question asks when a report ran or who signed it."""
    if not _ABOUT_REPORTS.search(text):
        return False
    return bool(_ASKS_SIGNED.search(text) or _ASKS_RUN.search(text) and not _INSIDE_REPORT.search(text))


def described_reports(text: str) -> tuple[str, ...]:
    """What each of two reports a question describes is about ("写青岛两座污水处理厂评上全国
    “标杆”的那篇，和写市政府开…专题会的那篇"), or () when it describes no such pair."""
    found = _DESCRIBED.search(text)
    return tuple(group for group in found.groups() if group) if found else ()


def reports(spans: list[tuple[Chunk, int, int]], everything: list[Chunk], english: bool) -> Listing:
    """The reports holding these spans, each labelled with its headline, byline and
    date and quoting the span that shows it is the report asked about."""
    first = _INTROS["found"][english].format(n=len(spans)) if len(spans) > 1 else _INTROS["one"][english]
    return Listing(first, labelled(spans, everything, first, byline=True, dated=True, quoted=True, english=english, unsigned=True))


# The line before each list, in Chinese and in English.
_INTROS = {
    "one": ("这篇报道是：", "The report is:"),
    "found": ("这{n}篇报道是：", "The {n} reports are:"),
    "dateline": ("标着“{dateline}”的报道有{n}篇：", "{n} reports carry the dateline “{dateline}”:"),
    "reporters": ("{day}的报道由这些记者署名：{names}。", "The reports of {day} are signed by {names}:"),
    "reporter": ("记者{reporter}署名的报道有{n}篇：", "{n} reports are signed by {reporter}:"),
    "issue": ("{day}的报道有{n}篇：", "The issue of {day} carries {n} reports:"),
}


def _day(text: str) -> tuple[str | None, int, int, str] | None:
    """The day a question names, as (year or None, month, day, the words naming it)."""
    if found := _DAY.search(text):
        year, month, day = found.groups()
        return year, int(month), int(day), found.group(0)
    for pattern in _ENGLISH_DAYS:
        if found := pattern.search(text):
            month = found["month"]
            number = int(month) if month.isdigit() else _MONTHS[month.lower()]
            return found["year"], number, int(found["day"]), found.group(0)
    return None


def labelled(spans: list[tuple[Chunk, int, int]], everything: list[Chunk], intro: str, byline: bool, dated: bool,
             quoted: bool, english: bool = False, unsigned: bool = False, reserved: int = 0) -> list[Quote]:
    """Each listed article's span as a quote labelled with its headline, the headlines
    cut to the room the answer has left: a chat reader scans a day's six reports, not
    six decks."""
    def named_as(chunk: Chunk, title: str) -> str:
        return label(chunk, title, byline, dated, english, unsigned)

    room = MOST_CHARS - len(intro) - reserved - sum(len(named_as(chunk, "")) + _ITEM_CHARS for chunk, _, _ in spans)
    if quoted:
        room -= sum(end - start + 1 for _, start, end in spans)  # each quote and the "：" before it
    titles = headlines([chunk for chunk, _, _ in spans], everything, room)
    return [Quote(chunk, start, end, named_as(chunk, title)) for (chunk, start, end), title in zip(spans, titles)]


def label(chunk: Chunk, headline: str, byline: bool, dated: bool, english: bool = False, unsigned: bool = False) -> str:
    """How a listed article is named: its headline, with its date unless the question
    named the day, and who wrote it when asked (and that nobody signed it, when that
    is the question)."""
    if english:
        notes = [f"by {chunk.byline}"] if byline and chunk.byline else ["no byline"] if byline and unsigned else []
        notes += [chunk.date or "date unknown"] if dated else []
        return f"《{headline}》" + (f" ({', '.join(notes)})" if notes else "")
    notes = [f"记者 {chunk.byline}"] if byline and chunk.byline else ["未署名"] if byline and unsigned else []
    notes += [chunk.date or "日期不详"] if dated else []
    return f"《{headline}》" + (f"（{'，'.join(notes)}）" if notes else "")


def opening(chunk: Chunk) -> int:
    """Where the first clause of an article ends, quoted when the article itself is the answer."""
    match = re.search(r"[，,。；;！？]", chunk.text)
    end = match.start() if match and match.start() > 4 else min(len(chunk.text), 40)
    return min(end, 60)


def headlines(listed: list[Chunk], everything: list[Chunk], room: int) -> list[str]:
    """Each listed article's headline in its own words: a headline is parsed as kicker,
    title and decks in one line, and a line that heads several articles ("赵豪志出席会议
    并讲话", a column's name) names none of them. When they run longer than `room`, each
    keeps its leading lines up to its share of it, at least one."""
    heads = Counter(line for chunk in everything for line in set(chunk.title.split()))
    own = [[line for line in chunk.title.split() if heads[line] < 2] or chunk.title.split() or [chunk.title] for chunk in listed]
    if sum(len(" ".join(lines)) for lines in own) <= room:
        return [" ".join(lines) for lines in own]
    share = room // max(len(own), 1)
    named = []
    for lines in own:
        # a dash joins a lead to its headline on one printed line ("2023年力争…——崂山区：…"): cut there too
        lines = [piece for line in lines for piece in line.split("——") if piece]
        kept = lines[:1]
        for line in lines[1:]:
            if len(" ".join([*kept, line])) > share:
                break
            kept.append(line)
        named.append(" ".join(kept))
    return named


def _names(byline: str) -> list[str]:
    return [name for name in re.split(r"[、,，\s]+", byline) if _BYLINE_NAME.fullmatch(name)]


def _reporter(question: Question, articles: list[Chunk]) -> str:
    """The longest byline name the question mentions ("记者贾臻…", or "Jia Zhen" in an
    English question); of two as long, the one it names first, whatever order a set
    gives them in ("马婷婷和耿婷婷")."""
    english = is_english(question.text)
    named = [name for chunk in articles for name in _names(chunk.byline)
             if name in question.text or english and spelling_of(name, question.text)]
    return max(dict.fromkeys(named), key=lambda name: (len(name), -question.text.find(name)), default="")


def _in_order(chunks: list[Chunk]) -> list[Chunk]:
    return sorted(chunks, key=lambda chunk: (chunk.date, chunk.source, chunk.article_id))


# ----- reports picked by how the paper printed them ([printed] in rules.toml) -------------------

_EXAMPLE = re.compile(r"[^，。？]{0,8}?(?:这样|这类|之类|一类|等)")  # right after a quoted phrase


def _inside_brackets(text: str, at: int) -> bool:
    return text.rfind("（", 0, at) > text.rfind("）", 0, at)


@dataclass(frozen=True)
class Printed:
    """One thing a question asks of how a report was printed: its deck starts with 青岛,
    its byline holds three names. `holds` reads the part as the parsed issue gives it."""

    part: str  # kicker, subtitle, dateline, title, byline or opening
    said: str  # the condition as the answer's opening line states it ("副题以“青岛”打头")
    holds: Callable[[str], bool]


def printed_conditions(text: str) -> list[Printed]:
    """What a question asks of the printed parts of the reports it wants listed
    ("哪几篇报道既挂了引题、又加了副题？"): every condition must hold; several quoted
    phrases of one part ("一条是“推进招商引资…”，一条以“聚焦安全生产”打头") pick a
    report each. Empty when the question asks about what reports say, not how they were
    printed, or names no part."""
    table = rules().printed
    if not table.asks.search(text) or _DATELINE.search(text):
        return []  # "标着“本报11月13日讯”的": the reports under a dateline are `listing`'s
    named: list[tuple[int, str]] = []  # where each part is named, left to right
    taken = [False] * len(text)
    for word, part in table.parts:  # longest first: 主标题下面 is the deck, not the headline
        for found in re.finditer(re.escape(word), text):
            if not any(taken[found.start():found.end()]):
                taken[found.start():found.end()] = [True] * len(word)
                named.append((found.start(), part))
    named.sort()
    if not named:
        return []
    conditions: list[Printed] = []
    phrases: dict[str, list[tuple[str, bool, bool]]] = {}  # part -> (phrase, at its start, denied)
    for phrase, start, end in quoted_spans(text):
        if _EXAMPLE.match(text, end) or _inside_brackets(text, start):
            continue  # "写出了“多少个”“几座”这样的数量": examples of a kind, not words to look for
        part = _nearest_part(text, named, start, end)
        said = (phrase, bool(table.starts.search(text[end:])), bool(table.denied.search(text[max(start - 4, 0):start])))
        if said not in phrases.get(part, []):
            phrases.setdefault(part, []).append(said)
    for part, said in phrases.items():
        if part == "byline":  # a name in quotation marks is looked for as the reports' names are
            continue
        either = "或".join(f"{'不' if denied else ''}{'以' if first else '带'}“{phrase}”{'打头' if first else ''}"
                          for phrase, first, denied in said)
        conditions.append(Printed(part, f"{table.names[part]}{either}",
                                  lambda value, said=said: any(_holds(value, p, first) != denied for p, first, denied in said)))
    parts = {part for _, part in named}
    if "byline" in parts or table.unsigned.search(text) or table.jointly.search(text):
        if table.unsigned.search(text):
            conditions.append(Printed("byline", "没有署名", lambda names: not names))
        elif counted := table.signed_by.search(text):
            n = rules().count_words.get(word := next(g for g in counted.groups() if g), 0) or int(word)
            conditions.append(Printed("byline", f"署了{n}个名字", lambda names, n=n: len(names.split("、")) == n if names else False))
        elif table.jointly.search(text):
            conditions.append(Printed("byline", "联合署名", lambda names: len(names.split("、")) >= 2 if names else False))
    if "opening" in parts and table.question_mark.search(text):
        conditions.append(Printed("opening", f"{table.names['opening']}是问句", lambda first: first.rstrip("”」").endswith(("？", "?"))))
    if "opening" in parts and table.quotation.search(text):
        conditions.append(Printed("opening", f"{table.names['opening']}以引语开头", lambda first: first.startswith(("“", "「"))))
    if table.colon.search(text):
        part = next((p for _, p in named if p in {"title", "subtitle", "kicker"}), "title")
        conditions.append(Printed(part, f"{table.names[part]}带冒号", lambda value: "：" in value or ":" in value))
    for at, part in named:  # "挂了引题", "加了副题": the part is printed at all
        if part in _SHOWN_PARTS and part not in phrases and table.present.search(text[max(at - 4, 0):at]):
            conditions.append(Printed(part, f"有{table.names[part]}", bool))
    return conditions


def printed_listing(question: Question, openings: Callable[[], list[Chunk]]) -> Listing | None:
    """Every report whose printed parts meet the question's conditions, with its
    headline, the parts asked about, byline and date; None when no report does (the
    parse of a headline block can miss a deck, so "none" is not claimed)."""
    conditions = printed_conditions(question.text)
    if not conditions or question.english:
        return None
    names = rules().printed.names
    everything = openings()
    days = _days(question.text)
    reporter = _reporter(question, everything)  # "贾臻署名的那几篇里，哪一篇带着电头"

    def fits(chunk: Chunk) -> bool:
        return ((not days or chunk.date[5:] in days) and (not reporter or reporter in _names(chunk.byline))
                and all(cond.holds(_printed_part(chunk, cond.part)) for cond in conditions))

    chosen = _in_order([c for c in everything if fits(c)])
    if not chosen:
        return None
    among = f"记者{reporter}署名的报道中，" if reporter else ""
    intro = f"{among}{'、'.join(cond.said for cond in conditions)}的报道有{len(chosen)}篇："
    shown = list(dict.fromkeys(cond.part for cond in conditions if cond.part in _SHOWN_PARTS))
    # The labels answer (headline, the parts asked about, byline, date); an opening sentence
    # asked about is quoted, otherwise each report is cited by its label alone.
    quoted = any(cond.part == "opening" for cond in conditions)
    spans = [(c, 0, _first_sentence_end(c.text) if quoted else opening(c)) for c in chosen]
    # The headlines get the room the parts leave at their longest; the parts are then
    # cut shorter until the list fits.
    reserved = sum(len(_parts_shown(c, shown, names, _PART_CHARS[0])) + 1 for c in chosen)
    for chars in _PART_CHARS:
        parts = {c.id: _parts_shown(c, shown, names, chars) for c in chosen}
        quotes = labelled(spans, everything, intro, byline=True, dated=True, quoted=quoted, unsigned=True, reserved=reserved)
        quotes = [Quote(q.chunk, q.start, q.end, _with_parts(q.label, parts[q.chunk.id])) for q in quotes]
        if len(intro) + sum(len(q.label) + (len(q.text) if quoted else 0) + _ITEM_CHARS for q in quotes) <= MOST_CHARS:
            break
    return Listing(intro, quotes, labels_only=not quoted)


def _days(text: str) -> set[str]:
    """The days a question names, as "MM-DD" ("11月13日和14日这两期" names two)."""
    days = set()
    for found in re.finditer(_DAY.pattern + r"((?:[和、与及]\d{1,2}[日号])*)", text):
        month = int(found[2])
        days |= {f"{month:02d}-{int(day):02d}" for day in [found[3], *re.findall(r"(\d{1,2})[日号]", found[4])]}
    return days


def _nearest_part(text: str, named: list[tuple[int, str]], start: int, end: int) -> str:
    """The part a quoted phrase is asked of: the one named nearest to it in its sentence
    ("带着“本报…讯”的电头", "副题以“青岛”打头"), else the first one named."""
    sentence = [(at, part) for at, part in named if not re.search(r"[。？?！!]", text[min(at, end):max(at, start)])]
    if not sentence:
        return named[0][1]
    return min(sentence, key=lambda item: start - item[0] if item[0] < start else item[0] - end)[1]


def _holds(value: str, phrase: str, first: bool) -> bool:
    """Whether a printed part holds the phrase (or starts with it); "…" in the phrase
    stands for any words ("本报…讯")."""
    pattern = ".*?".join(re.escape(piece) for piece in re.split(r"…+|\.{3,}", phrase))
    return bool(re.match(pattern, value) if first else re.search(pattern, value))


def _printed_part(chunk: Chunk, part: str) -> str:
    if part == "opening":
        return chunk.text[: _first_sentence_end(chunk.text)]
    return getattr(chunk, part)


def _first_sentence_end(text: str) -> int:
    spans = sentence_spans(text)
    return spans[0][1] if spans else len(text)


_SHOWN_PARTS = ("kicker", "subtitle", "dateline")  # printed apart from the headline: a label shows the one asked about
_PART_CHARS = (16, 12, 8, 4)  # of a kicker or deck shown in a label: enough to see that it fits the question


def _parts_shown(chunk: Chunk, parts: list[str], names: dict[str, str], chars: int) -> str:
    """The kicker and deck the question asked about, as a label shows them: 引题“新春走基层”."""
    def cut(text: str) -> str:
        return text if len(text) <= chars else text[:chars] + "…"
    return "，".join(f"{names[part]}“{cut(getattr(chunk, part))}”" for part in parts if getattr(chunk, part))


def _with_parts(label: str, shown: str) -> str:
    if not shown:
        return label
    return label.replace("》（", f"》（{shown}，", 1) if "》（" in label else f"{label}（{shown}）"
