"""Verification before an answer is given: do the question's conditions hold?

The most damaging answer is a confident quote of a neighbouring fact: the other
district's figure, the first three quarters for a full-year question, phase two
for phase three, this year's result for next year's target, an organisation when
a person was asked for. Each condition the question states is checked against the
span, its surroundings and its article. A condition contradicted by a stated
neighbour value turns the answer into an honest partial one ("the articles have no
X; they give Y"); a condition the article does not meet at all is a refusal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import chain

from .candidates import Article, Candidate, longest_run, names_ending, person_spans, type_positions, type_spans
from ..chunk import sentence_spans
from ..lexical import english_equivalents, is_english
from ..tagging import tagged
from .question import NO_PERSON, Constraint, Question, Term, book_titles, stated_at, values_of
from .rules import clause_around, clause_ends, question_sentence, rules

_NEIGHBOUR_KINDS = ("year", "relative_year", "period", "phase")
_RELATIVE = {"前年": -2, "去年": -1, "今年": 0, "明年": 1, "后年": 2}
_PART_OF_YEAR = re.compile("半年|季度|月")  # periods within a year (全年, 十四五 and 今冬 are not)
_COUNTED_REACH = 8  # "64个老旧街区", "老旧街区改造64处": the figure sits next to the thing it counts
_SHARE_REACH = 16  # "“四新”经济增加值占生产总值比重提升至43%": a share's figure comes after what it is a share of
_IS_WHO = "[，,]?(?:分别|都)?(?:(?:是|为)(?:谁|哪位|哪一位|何人)|(?:的名字)?叫什么)"  # "…的社工，叫什么名字"
_WHICH = "(?:哪位|哪一位|哪名)[^，。？?]{0,4}?"  # "是崂山区哪位负责人": the role after the question word
_CLAUSE_END = clause_ends("，,；;。：:、！？")
_NUMBERED_CHARS = 3  # "五区同创", "三大工程": a numbered name long enough to be a name
_NAME_CHARS = 4  # a name before its head ("海程邦达半导体芯片项目"), not "重点项目"
_SHARED_RUN = 3
_PERSON_PRONOUNS = ("他", "她")
_ADMINISTRATIVE = "省市区县镇乡村"  # the level a place's longer suffix belongs to (新区 is a 区)
_SENTENCE_PART = re.compile(r"[，,；;。！？!?]")
_LIST_END = re.compile(r"(?<![平同对均相何])等(?![级待于同候号量])")  # "A、B等": not 平等, 等级, 等于
_LISTED_CHARS = 6  # characters of the question's subject that name the asked item in a list
_OWNER_REACH = 4  # "（莱钢地块三期）": the name a phase belongs to ends right before it
_SIBLING_PHASE = re.compile(r"期(?:和|与|及|、)$")  # "二期和三期": the second phase is the same project's
# the sides of rules.toml's contrasts that ask for a running total (累计, 一共; 迄今, 到目前为止)
_RUNNING_TOTAL = frozenset({("contrast:cumulative or rate", 0), ("contrast:one year or several", 1)})
_BRACKETS_AT_END = re.compile(r"[（）()“”《》\s]+$")
# "…the chairman of Hanlan (汉缆), one of…": the owner of an asked role runs to a clause's end
_ROLE_OWNER = re.compile(r"^ of (.+?)(?:[,?;]|\s(?:who|which|that|whose|quoted|mentioned|named)\b|$)", re.I)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    missing: Constraint | None = None  # the asked condition the candidate does not meet
    instead: str = ""  # what the text states in its place: a neighbouring fact

    @property
    def partial(self) -> bool:
        return not self.ok and bool(self.instead)


OK = Verdict(True)


def verify(question: Question, candidate: Candidate, before: str = "") -> Verdict:
    """The first condition of the question that the candidate fails, if any."""
    span = candidate.text.lower()
    article = candidate.article
    heading = article.heading
    for constraint in question.constraints:
        if constraint.kind in _NEIGHBOUR_KINDS:
            verdict = _attached_phase(question, constraint, span) if constraint.kind == "phase" else OK
            if verdict.ok:
                verdict = _stated_near(constraint, span, heading, before, article)
            if not verdict.ok and any(_stated_near(other, span, heading, before, article).ok for other in _compared(question, constraint)):
                verdict = OK  # "2022年和2023年的两篇报道里": a quote about either year answers a part
        elif constraint.kind == "issue":  # "2023年1月那期和2024年2月22日那期里": either issue answers
            issues = [c for c in question.constraints if c.kind == "issue"]
            verdict = next((v for c in issues if (v := _in_issue(c, span, heading, before, article)).ok), Verdict(False, constraint))
        elif constraint.kind == "place":
            body, paragraph = article.text.lower(), _paragraph(candidate).lower()
            verdict = _place(constraint, span, heading, paragraph, body)
            if not verdict.ok and any(_place(other, span, heading, paragraph, body).ok for other in _compared(question, constraint)):
                verdict = OK  # "崂山区比市北区高几个百分点": a quote about either district answers a part
        elif constraint.kind == "entity":  # "在“举旗铸魂”那部分": a name may be a sub-heading's, "记者吴帅写的" the byline's
            whole = f"{heading} {article.byline} {article.sections} {article.text}".lower()
            verdict = OK if any(c.said_in(whole) for c in (constraint, *_compared(question, constraint))) else Verdict(False, constraint)
        elif question.answer_type == "yesno":
            verdict = OK  # "Did they all meet in person?": the other side (线上线下) is the answer, no
        else:
            verdict = _contrast(constraint, span, question.text.lower())
        if not verdict.ok:
            return verdict
    for check in (_another_named(question, span, article.text.lower()), _another_title(question, span, heading),
                  _group_figure(question, span), _only_listed(question, span),
                  _members_listed(question, span), _kind_named(question, span), _left_unnamed(question, span),
                  _relation_said(question, span, before), _spelt_named(question, span, before, heading),
                  _counted(question, span, before, article.text),
                  _named_by_number(question, span, before, article.text), _one_batch(question, span),
                  _running_total(question, span), _english_rated(question, span), _whole_city(question, span, heading)):
        if not check.ok:
            return check
    return _answer_type(question, candidate, before)


def _stated_near(constraint: Constraint, span: str, heading: str, before: str, article: Article) -> Verdict:
    """Near the span, and for a year or phase also somewhere in an article about it."""
    verdict = _neighbour(constraint, span, f"{heading} {before.lower()}", article.date)
    if verdict.ok and constraint.kind in {"year", "phase"}:
        verdict = _in_article(constraint, f"{heading} {article.date} {article.text}".lower())
    return verdict


def _in_issue(constraint: Constraint, span: str, heading: str, before: str, article: Article) -> Verdict:
    """The paper the question points to ("the November 2022 report"): an article printed
    that month. An undated issue is judged by the year, as a year asked is."""
    if article.date:
        return OK if article.date.startswith(constraint.value) else Verdict(False, constraint)
    return _stated_near(Constraint("year", constraint.value[:4]), span, heading, before, article)


def _neighbour(constraint: Constraint, span: str, near: str, date: str) -> Verdict:
    """A year, period or phase: stated in the span, or else in the headline or the
    sentences just before. Another value of the same kind stated there instead is
    a neighbouring fact."""
    kind = constraint.kind
    if kind == "relative_year":
        return _relative_year(constraint, span, date)
    for text in (span, near):
        stated = values_of(kind, text)
        if kind == "year" and date[:4].isdigit() and "今年" in text:
            stated.append(date[:4])  # "今年" in an article dated 2022 is 2022
        if _holds(constraint.value, stated):
            return OK
        if stated:
            return Verdict(False, constraint, _spelt(kind, stated[0]))
    if kind == "period" and _PART_OF_YEAR.search(constraint.value):
        # 上半年 asked, and neither the span nor what leads to it says so: a figure for
        # the year, when the span gives one, else one that cannot be placed
        years = values_of("year", span)
        return Verdict(False, constraint, _spelt("year", years[0]) if years else "")
    return OK


def _attached_phase(question: Question, constraint: Constraint, span: str) -> Verdict:
    """"莱钢地块一期" asked, and the sentence lists 莱钢地块三期 beside 研究院一期: the phase
    that counts is the one written after the asked thing's name (or after its sibling,
    "二期和三期"), not one that belongs to another project."""
    owner = _phase_owner(question.text, constraint.value)
    if not owner:
        return OK
    attached = [value for at, value in stated_at("phase", span)
                if owner in span[max(0, at - _OWNER_REACH) : at] or _SIBLING_PHASE.search(span[:at])]
    if not attached or _holds(constraint.value, attached):
        return OK
    return Verdict(False, constraint, _spelt("phase", attached[0]))


@cache
def _phase_owner(question: str, phase: str) -> str:
    """The two characters naming what the asked phase is of ("（莱钢地块）一期" -> 地块).
    Cached: the same for every candidate of the question."""
    at = next((at for at, value in stated_at("phase", question) if value == phase), None)
    if at is None:
        return ""
    before = _BRACKETS_AT_END.sub("", question[:at])[-2:]
    return before if len(before) == 2 and all("\u4e00" <= ch <= "\u9fff" for ch in before) else ""


def _one_batch(question: Question, span: str) -> Verdict:
    """"到目前为止一共累计有几座": a running total asked, and the sentence counts one
    batch or round (第二期…33座) where the question names none. One that points at the
    round in the news ("这回…加起来") names it."""
    if any(c.kind == "phase" for c in question.constraints):
        return OK
    total = next((c for c in question.constraints if (c.kind, c.side) in _RUNNING_TOTAL), None)
    if total and any(word in question.text.lower() for word in rules().this_round):
        return OK
    batches = stated_at("phase", span) if total else []
    if not batches:
        return OK
    figures = type_positions(question, span) or []  # a description asked ("一共拿了哪几类牌子") has no figure to find
    # "一期投资2.2亿美元，总建筑面积约6.5万平方米": a batch whose clause has a figure of its
    # own counts that one; "第二期…比选活动中，共有33座" scopes the whole sentence
    counted_clauses = {_clause_at(span, at) for at in figures}
    batches = [(at, batch) for at, batch in batches
               if (clause := _clause_at(span, at)) in counted_clauses or not _OWN_FIGURE.search(clause.replace(batch, ""))]
    if not batches:
        return OK
    figures = figures or [0]  # the batch the figure counts, not the forum's 第十四届
    _, batch = min(batches, key=lambda stated: min(abs(stated[0] - at) for at in figures))
    return Verdict(False, total, _spelt("phase", batch))


_OWN_FIGURE = re.compile(r"\d")


def _clause_at(text: str, at: int) -> str:
    start, end = clause_around(text, at, at, _CLAUSE_END)
    return text[start:end]


def _in_article(constraint: Constraint, article: str) -> Verdict:
    """A year or phase the article never mentions, where it does mention others, means
    the article is about another one ("2024年…" asked of an article on 2022 and 2023)."""
    stated = values_of(constraint.kind, article)
    if not stated and constraint.kind == "phase" and _later(constraint.value):
        return Verdict(False, constraint)  # "二期什么时候投运" of an article on the plant as one whole
    if not stated or _holds(constraint.value, stated):
        return OK
    return Verdict(False, constraint, _spelt(constraint.kind, stated[0]))


def _later(phase: str) -> bool:
    """A phase, batch or generation after the first: an article that counts none is
    about the thing as one whole, and its facts are not the later one's."""
    number = re.search(r"\d+", phase)
    return bool(number) and int(number.group(0)) > 1


def _holds(asked: str, stated: list[str]) -> bool:
    """Whether the asked year, period or phase is among those stated. An English
    "second round" (第2) is any counter of that number: 2期, 第2届, 第2轮."""
    if asked in stated:
        return True
    ordinal = re.fullmatch(r"第(\d+)", asked)
    return bool(ordinal) and any(re.search(r"\d+", value).group(0) == ordinal.group(1) for value in stated if re.search(r"\d", value))


def _relative_year(constraint: Constraint, span: str, date: str) -> Verdict:
    """明年 asked: a span about 今年 (or about a year that is not the next one) is a neighbour."""
    asked = _RELATIVE.get(constraint.value)
    stated = values_of("relative_year", span)
    if asked is None or constraint.value in stated:
        return OK
    if stated:
        return Verdict(False, constraint, stated[0])
    years = values_of("year", span)
    if years and date[:4].isdigit():
        wanted = str(int(date[:4]) + asked)
        if wanted not in years:
            return Verdict(False, constraint, f"{years[0]}年")
    return OK


def _spelt(kind: str, value: str) -> str:
    return f"{value}年" if kind == "year" else value


def _place(constraint: Constraint, span: str, heading: str, paragraph: str, article: str) -> Verdict:
    """A district, city or company asked by name: the span or its headline names it,
    or names another place of the same level instead (another district). In an article
    about several districts, a paragraph naming only another one is about that one
    ("连续两年入选中国工业百强区……2023年，崂山区深入实施…" for 西海岸新区)."""
    place = constraint.value
    if constraint.said_in(span) or constraint.said_in(heading):
        return OK
    suffix = _level(place)
    others = [w for w in _places(span, suffix) + _places(heading, suffix) if w != place]
    if not others and suffix and not constraint.said_in(paragraph):  # 西海岸新区 and 崂山区 are both districts
        level = suffix[-1] if suffix[-1] in _ADMINISTRATIVE else suffix
        others = [w for w in _places(paragraph, level) if w != place]
        if not others and place in rules().places:  # 胶州市 asked, a paragraph about 西海岸新区: the collection's 区市 are peers
            others = [p for p in rules().places if p in paragraph and p not in place and place not in p]
    if others:
        return Verdict(False, constraint, others[0])
    return OK if constraint.said_in(article) else Verdict(False, constraint)


def _paragraph(candidate: Candidate) -> str:
    text = candidate.chunk.text
    start = text.rfind("\n", 0, candidate.start) + 1
    end = text.find("\n", candidate.end)
    return text[start : end if end >= 0 else len(text)]


def _level(place: str) -> str:
    """The suffix that gives a place's level: 区 for 崂山区, 街道 for 湛山街道."""
    return next((s for s in rules().place_suffixes if place.endswith(s)), "")  # longest first


def _compared(question: Question, asked: Constraint) -> list[Constraint]:
    """The other years, places of the same level, or names in a list question, that the
    question states: compared or listed, each a part of the answer. Asked for each of
    several things, a place and a name are alike: "城阳的中天润产业园和芯恒源项目…各是多少"."""
    if question.several and asked.kind in {"place", "entity"}:  # "浮山三小区的李树安和上流佳苑的李建民分别说了什么"
        return [c for c in question.constraints if c.kind in {"place", "entity"} and c != asked]
    if asked.kind == "year":  # not a year only the question's opening statement gives: the one it asks is another
        context = _context_years(question.text)
        return [c for c in question.constraints if c.kind == "year" and c != asked and c.value not in context]
    if asked.kind == "entity" and question.wants_list:  # "哪些“一刻钟”或“15分钟”的服务圈"
        return [c for c in question.constraints if c.kind == asked.kind and c != asked]
    level = _level(asked.value)
    return [c for c in question.constraints if c.kind == "place" and c != asked and level and _level(c.value) == level]


def _context_years(question: str) -> set[str]:
    """"Qingdao ranked seventh in the 2022 report. Where did it rank in the 2023 edition?":
    the years of the statements before the asking sentence, where that sentence states a
    year of its own. They set the scene; the answer must be of the year asked."""
    start = question_sentence(question) if is_english(question) else (sentence_spans(question) or [(0, 0)])[-1][0]
    asked = values_of("year", question[start:])
    return set(values_of("year", question[:start])) - set(asked) if asked else set()


def _places(text: str, suffix: str) -> list[str]:
    """Named places of one level ("崂山区" for 区) in `text`; generic words such as
    地区 or 全区 are too short to be names."""
    if not suffix:
        return []
    table = rules()
    return [w for w, flag, _ in tagged(text) if w.endswith(suffix) and len(w) > len(suffix) + 1
            and flag.startswith("n") and w not in table.ubiquitous]


def _another_named(question: Question, span: str, article: str) -> Verdict:
    """"芯恒源…项目" asked, and the sentence opens with another project's name: it is
    about that one ("海程邦达半导体芯片项目…总占地面积65亩"; "团岛污水处理厂" asked, and
    the sentence opens with 张村河水净化厂). A sentence opening with "项目" or "该项目"
    leans on the article's own, and is not judged here; nor is a name the article never
    uses ("讲青岛两座污水厂的那篇报道"), which is the asker's description. Another
    plant's sentence is no neighbouring fact to offer as a partial answer: the article
    names the asked one too, so "the articles say nothing of it" would be untrue."""
    asked = _named(question.subject)
    facility = asked.endswith(rules().facility_heads)
    if not asked or asked in span or (facility and asked not in article):
        return OK
    opening = span[: m.start()] if (m := _CLAUSE_END.search(span)) else span
    named = _named(opening)
    if not named or named.startswith(rules().unnamed_openers) or _same_name(asked, named):
        return OK
    if facility:  # the article speaks of the asked plant elsewhere: "nothing on it" would be untrue
        return Verdict(False, Constraint("entity", asked))
    return Verdict(False, Constraint("entity", asked), named)


def _another_title(question: Question, span: str, heading: str) -> Verdict:
    """"《青岛市综合减灾示范社区创建规范》是哪一年制定出台的", and the sentence names another
    document ("2022年以来，…制定《关于进一步加强安全生产工作的若干措施》"): it is about
    that one. A short form of the asked title (《决议》) is the same document, and in an
    article headed by the title every sentence is about it ("改编为漫画《…》")."""
    asked = [title for title in book_titles(question.text.lower()) if title not in heading.lower()]
    said = book_titles(span)
    if not asked or not said or any(a in s or s in a for a in asked for s in said):
        return OK
    return Verdict(False, Constraint("entity", asked[0]))


def _kind_named(question: Question, span: str) -> Verdict:
    """"唐进倬是在哪家医院去世的": every hospital's name says 医院, so a sentence without the
    word ("于2023年1月1日在青岛逝世") names no hospital, however well it matches the rest."""
    for asked, said in rules().named_kinds:
        if asked.search(question.text) and not any(word in span for word in said):
            return Verdict(False, Constraint("entity", said[0]))
    return OK


_CLAUSE_OPENERS = "，。；：、“”（）《》,;:( "
_SPELT = re.compile(r"[（(]([^（()）]*[\u4e00-\u9fff][^（()）]*)[）)]")
_QUOTE_MARKS = re.compile(r"[“”‘’\"']")


def _spelt_named(question: Question, span: str, before: str, heading: str) -> Verdict:
    """"How many rounds of acupoint-style supervision (点穴式督导)…": the Chinese an English
    question spells in brackets is the thing it asks about. A sentence that names neither it
    nor, in the sentence before or the headline, its topic tells of something else of the
    same article ("“嵌入式”审批服务共6次")."""
    names = _SPELT.findall(question.text) if question.english else []
    if not names:
        return OK  # most questions: no text of the candidate's to normalise
    near = _QUOTE_MARKS.sub("", f"{heading} {_last_sentence(before)} {span}".lower())
    for name in names:
        if _QUOTE_MARKS.sub("", name.lower()) not in near:
            return Verdict(False, Constraint("entity", name))
    return OK


def _left_unnamed(question: Question, span: str) -> Verdict:
    """"是哪家保险公司" answered by "，灾害民生综合保险承保公司迅速反应": the sentence calls the
    body only what the question calls it, from a clause's start or after 的, or 某 ("某小区
    物业工作人员"), so the articles do not name it. Any other mention of its kind may be
    the name ("海发置业有限公司", "DC漫画公司" for "哪家漫画公司")."""
    if question.wants_list or question.english or not (asked := _asked_body(question.text)):
        return OK
    stem, kind = asked

    def some(at: int) -> bool:
        return "某" in span[max(at - 4, 0):at]

    def in_question_words(at: int) -> bool:
        start, end = at, at + len(kind)
        while start > 0 and span[start - 1:end] in question.text:
            start -= 1
        said = span[start:end]
        return len(said) > len(kind) and (said.startswith("的") or start == 0 or span[start - 1] in _CLAUSE_OPENERS)

    kinds = [m.start() for m in re.finditer(kind, span)]
    if kinds:
        unnamed = all(some(at) or in_question_words(at) for at in kinds)
    else:
        unnamed = len(stem[-2:]) == 2 and any(some(m.start()) for m in re.finditer(stem[-2:], span))
    return Verdict(False, Constraint("entity", f"{stem}{kind}的名称")) if unnamed else OK


@cache
def _asked_body(question: str) -> tuple[str, str] | None:
    """"是哪家物业公司的员工" -> (物业, 公司): the words before the kind of body asked, and the kind."""
    asked = next((m for pattern in rules().unnamed_bodies if (m := pattern.search(question))), None)
    return (asked.group("stem"), asked.group("kind")) if asked else None


def _group_figure(question: Question, span: str) -> Verdict:
    """"引入海程邦达…项目、海尔日日顺…项目等总投资额121.9亿元的15个项目": a figure after
    等 is the whole list's, not that of the item asked, which another sentence may give
    ("该项目总投资约3.37亿元")."""
    if question.answer_type not in {"quantity", "percent"} or not question.subject:
        return OK
    for clause in _SENTENCE_PART.split(span):
        for mark in _LIST_END.finditer(clause):
            listed, rest = clause[: mark.start()], clause[mark.end() :]
            # the items after the list's first: where the first starts is not known
            # ("科普节共设置海洋标本展、潜水体验等27项活动" lists no 科普节)
            later_items = listed.partition("、")[2]
            asked_item = longest_run(question.subject, later_items) * len(question.subject) >= _LISTED_CHARS
            if asked_item and type_spans(question, rest) and not type_spans(question, listed):
                return Verdict(False, Constraint("group", question.subject))
    return OK


def _relation_said(question: Question, span: str, before: str) -> Verdict:
    """"凤麟核是哪一年成立的": a date next to another event (公布, 获批) is no founding
    date. A relation any wording of which an encyclopedia or a paper uses ([synonym_groups])
    is said where its date is given."""
    if question.english or question.answer_type != "date":
        return OK
    relations = [t for t in question.focus if t.text in rules().relations]
    if relations and not any(t.found_in(span) or t.found_in(before.lower()) for t in relations):
        return Verdict(False, Constraint("focus", relations[0].text))
    return OK


def _only_listed(question: Question, span: str) -> Verdict:
    """"威拍哇丽兰室路又名什么": a sentence that names the road only as one item inside a
    list (拍凤裕庭路、威拍哇丽兰室路、甘烹碧路之间的一处公众游园地) is about something else,
    and without the question's focus (又名) it says nothing of the road. Only items with
    a list mark on both sides count: the first and last may run into the sentence."""
    if question.english or not question.subject or any(t.found_in(span) for t in question.focus):
        return OK
    for clause in _SENTENCE_PART.split(span):
        inner = clause.split("、")[1:-1]
        if any(longest_run(question.subject, item) * len(question.subject) >= _LISTED_CHARS for item in inner):
            return Verdict(False, Constraint("listed", question.subject))
    return OK


def _members_listed(question: Question, span: str) -> Verdict:
    """"这“五区”具体是哪五个区": a list asked of a name that counts its members is not
    answered by a clause that only repeats the name ("持续抓好“五区同创”，奋力推进…").
    The list asked is of the name's members when it counts as many ("哪五个", "the four");
    "在实施“八项工程”的同时，要统筹推进哪几件事" asks for other things."""
    if not question.wants_list or not question.count:
        return OK
    for name in _numbered_names(question.text):
        counts = rules().count_words
        if next((counts[ch] for ch in name if ch in counts), None) != question.count:
            continue
        for clause in _SENTENCE_PART.split(span):
            if name in clause and not rules().listing_marks.search(clause.replace(name, "")):
                return Verdict(False, Constraint("members", name))
    return OK


@cache
def _numbered_names(question: str) -> list[str]:
    """The names in a question that count their members, of three characters or more
    ("五区" alone is also the 五区 of 五区同创)."""
    return [match.group(0) for match in rules().numbered_name.finditer(question) if len(match.group(0)) >= _NUMBERED_CHARS]


def _counted(question: Question, span: str, before: str, article: str) -> Verdict:
    """"每天能处理多少吨啤酒废水": the article speaks of 啤酒 elsewhere, and this sentence's
    tonnage (日处理能力10万吨) is of something else. Where the sentence names the thing,
    a figure sits next to it ("64个老旧街区"; in "老旧街区改造工程，惠及群众5.2万户"
    the figure counts households). A thing no article names is the asker's wording,
    which the gate weighs instead."""
    # the longest ending of a rate's nouns the article writes: 货物进出口总额, not only 总额
    thing = next((question.counted[at:] for at in range(len(question.counted) - 1) if question.counted[at:] in article.lower()), "")
    if not thing or thing in _last_sentence(before.lower()) and not _another_of_its_kind(thing, span):
        return OK
    rate = question.answer_type == "percent"  # a rate or share follows its thing: "投资增长10%", "X占生产总值比重提升至43%"
    reach_back, reach = (0, _SHARE_REACH) if rate else (_COUNTED_REACH, _COUNTED_REACH)
    said = chain(re.finditer(re.escape(thing), span), _done_by(question, thing, span))
    if any(_figure().search(span[max(0, m.start() - reach_back) : m.end() + reach]) for m in said):
        return OK
    return Verdict(False, Constraint("counted", thing))


def _done_by(question: Question, thing: str, span: str) -> Iterator[re.Match[str]]:
    """"团岛污水厂一天能处理多少吨污水": the sentence names the thing only in the name of
    what does the asking verb to it (标杆污水处理厂), and gives that one's 日处理能力10万吨.
    The verb's figure counts the thing then: the places the verb is said again. Looked
    at only when no figure stands by the thing itself."""
    for term in question.focus:
        if len(term.text) >= 2 and thing + term.text in span:
            yield from re.finditer(re.escape(term.text), span)


def _english_rated(question: Question, span: str) -> Verdict:
    """"By what percentage does Qingdao aim to increase its agricultural exports": a rate
    is of the thing named beside it ("产业产值增长15%" is no rate of 出口), so one of the
    question's words for the thing (its glossary Chinese) stands just before a
    percentage of the span, or just after it for a share ("8%的…“小巨人”企业"). A Chinese
    question's rated thing is parsed (`Question.counted`); an English one has only its
    glossary words, so rate words, places and one-character words are set aside and any
    word left will do. Measured for counts too ("how many …"), which lost more than it
    gained (README)."""
    if not (question.english and question.answer_type == "percent"):
        return OK
    table = rules()
    things = [term for term in question.terms
              if len(term.text) > 1 and not term.text.isdigit() and term.text not in table.rate_words
              and term.text not in table.ubiquitous and not any(term.text in place for place in table.places)]
    for match in _PERCENTAGE.finditer(span):
        near = span[max(0, match.start() - _RATED_BEFORE) : match.start()] + span[match.end() : match.end() + _RATED_AFTER]
        if any(term.found_in(near) for term in things):
            return OK
    return Verdict(False, Constraint("counted", things[0].text)) if things else OK


_PERCENTAGE = re.compile(r"\d+(?:\.\d+)?\s*[%％]")
_RATED_BEFORE = 20  # "债券规模为5亿元，期限5(3+2)年，票面利率3.50%": the thing may stand a clause back
_RATED_AFTER = 10  # "以不足全市1%的土地", "10%以上的国家制造业“单项冠军”": a share's thing follows it


def _another_of_its_kind(thing: str, span: str) -> bool:
    """"…数字经济核心产业增加值占比继续保持全市第一；“四新”经济增加值占生产总值比重提升至43%":
    the sentence before names the asked thing, but this one names another 增加值, and its
    figure is that one's."""
    head = next((word for word, _, _ in reversed(tagged(thing)) if len(word) > 1), "")
    return bool(head) and thing not in span and head in span


def _whole_city(question: Question, span: str, heading: str) -> Verdict:
    """"全市要升级多少处居家社区养老服务中心": a district's report ("升级15处…" under
    市北区's headline) gives that district's plan, not the city's. A question naming a
    district itself ("崂山排在全市前头") asks about the district."""
    if not question.city_asked or any(c.kind == "place" for c in question.constraints):
        return OK
    table = rules()
    if any(word in span for word in table.whole_city[1]):
        return OK
    district = next((place for text in (span, heading) for place in table.places if place in text), "")
    return Verdict(False, Constraint("place", "全市"), district) if district else OK


def _running_total(question: Question, span: str) -> Verdict:
    """"到现在一共流转了多少亩土地" asks for a total since the start: "推进土地流转3000亩"
    is this year's task, "完成4公里…入地" one year's result. A sentence answers only when
    it says it counts a total (累计, 共, 以来…); else it is a neighbouring fact, for the
    year it names where it names one."""
    asked = question.total_asked
    if not asked or question.answer_type != "quantity" or rules().running_total[1].search(span):
        return OK
    years = values_of("year", span)
    return Verdict(False, Constraint("contrast:one year or several", asked, 1), _spelt("year", years[0]) if years else "")


def vague_amount(question: Question, span: str) -> str:
    """The vague amount (rules.toml [vague_amount]) the span gives of the thing a count
    asks for ("很多小区", "更多产业上下游企业"), or "". Where the sentence that best says
    the thing counted gives only that, the articles hold no figure of it."""
    if not question.counted_words:
        return ""
    said, reach = rules().vague_amount
    for match in said.finditer(span):
        after = _SENTENCE_PART.split(span[match.end() : match.end() + reach])[0]
        ends = [after.index(word) + len(word) for word in question.counted_words if word in after]
        if ends:
            return span[match.start() : match.end() + min(ends)]
    return ""


@cache
def _figure() -> re.Pattern[str]:
    """A figure in digits, or in words before a counting unit (十多个, 数十家)."""
    units = "".join(u for u in rules().units["count"] if len(u) == 1)
    return re.compile(rf"\d|[一二两三四五六七八九十百千万几数]+余?多?[{units}]")


def _named_by_number(question: Question, span: str, before: str, article: str) -> Verdict:
    """"the 259 old residential buildings", "那58个过亿元农业项目": a number the question
    names its subject by, which the article states, is in the answering sentence or the
    one before it; a sentence without it is about another thing. Years are conditions,
    checked as such."""
    near = f"{_last_sentence(before)} {span}"
    for number in _naming_numbers(question.text):
        if _said(number, article) and not _said(number, near):
            return Verdict(False, Constraint("entity", number))
    return OK


def _naming_numbers(text: str) -> list[str]:
    """Numbers that name a set of things: a count before its measure word (那58个项目,
    259栋), a length or area before a noun (7.3公里生态绿道), or "the 259 …" in English.
    Not a month, an ordinal, an age or a model."""
    return [number for pattern in _naming_patterns() for number in pattern.findall(text)]


@cache
def _naming_patterns() -> tuple[re.Pattern[str], ...]:
    """Built once: verification runs for every candidate of every question."""
    table = rules().units
    counted = "|".join(map(re.escape, sorted(table["count"], key=len, reverse=True)))
    measured = "|".join(map(re.escape, sorted(table["length"] + table["area"], key=len, reverse=True)))
    return (
        re.compile(rf"(?<![\d.第A-Za-z-])(\d+)(?:{counted})"),
        # "7.3公里生态绿道", or pointed at: "新开工的那75万平方米，对应的投资额"
        re.compile(rf"(?<![\d.第A-Za-z-])(\d+(?:\.\d+)?[万亿千]?)(?:{measured})(?=[\u4e00-\u9fff])"),
        re.compile(rf"(?<=[那这])(\d+(?:\.\d+)?[万亿千]?)(?:{measured})"),
        re.compile(r"\bthe (?!(?:19|20)\d\d\b)(\d+) (?!years?\b|[a-z]+-year)", re.I),  # not "the 2022 conference"
    )


def _said(number: str, text: str) -> bool:
    return bool(re.search(rf"(?<![\d.]){re.escape(number)}(?![\d.])", text))


def _last_sentence(text: str) -> str:
    return re.split(r"[。！？!?]", text)[-1]


def _same_name(asked: str, named: str) -> bool:
    """A reader shortens and rewords names ("海程邦达那个半导体项目" for "海程邦达半导体
    芯片项目"): a shared run of _SHARED_RUN characters besides the head is the same name."""
    head = next(h for h in _name_heads() if asked.endswith(h))
    own = asked[: -len(head)]
    return longest_run(own, named) * len(own) >= _SHARED_RUN


def _name_heads() -> tuple[str, ...]:
    return (*rules().named_heads, *rules().facility_heads)


def _named(text: str) -> str:
    """The text up to its first head of a long name (rules.toml named_heads and
    facility_heads), when a name of at least _NAME_CHARS characters comes before it."""
    ends = [i + len(head) for head in _name_heads() if (i := text.find(head)) >= _NAME_CHARS]
    return text[: min(ends)] if ends else ""


def _contrast(constraint: Constraint, span: str, asked: str) -> Verdict:
    """累计 asked, only 每天 stated (出口 asked, only 进出口; 生产总值 asked, only 投资规模):
    a different measure. A word the question says itself marks no other side: "零售总额
    增长多少" asks for a growth."""
    contrast = next(c for c in rules().contrasts if constraint.kind == "contrast:" + c.name)
    own = contrast.sides[constraint.side]
    other = sorted((w for i, side in enumerate(contrast.sides) if i != constraint.side for w in side if w not in asked),
                   key=len, reverse=True)
    cleaned = span
    for word in other:
        cleaned = cleaned.replace(word, "")
    if any(word in cleaned for word in own):
        return OK
    stated = next((word for word in other if word in span), "")
    return Verdict(False, constraint, stated) if stated else OK


def _answer_type(question: Question, candidate: Candidate, before: str = "") -> Verdict:
    """A person asked for, and the sentence names only an organisation: the articles
    do not say who. Someone in a role asked for ("负责人是谁") and nobody named: not an
    answer either. Other "谁" questions may be answered by a group or a name jieba
    does not know (README, "Measured and left out"). A phone number asked needs a
    number to dial, and a day asked a date with its day."""
    if question.answer_type == "phone" and not type_spans(question, candidate.text):
        return Verdict(False, Constraint("type", "电话号码"))  # "除了热线电话外" gives no number to dial
    if question.answer_type == "date" and not question.wants_list:
        # "哪一年获批设立的", and the sentence gives neither a time nor the asked event: whatever
        # it says, not when ("推动二期建成运营" for "二期什么时候建成" is the articles' nearest)
        dates = type_spans(question, candidate.text) or []
        # "当前和今后一个时期" for "是从哪年到哪年", "2023年，崂山区将…" for "哪天开园的"
        grains = ((question.year_asked, rules().years, "年份"), (question.month_asked, rules().months, "月份"), (question.day_asked, rules().days, "日期"))
        for asked, (_, said), grain in grains:
            if dates and asked and not any(said.search(candidate.text[start:end]) for start, end in dates):
                return Verdict(False, Constraint("type", grain))
        if dates or type_positions(question, _last_sentence(before)):
            return _dated_event(question, candidate.text, dates)
        return OK if any(term.found_in(candidate.text) for term in question.focus) else Verdict(False, Constraint("type", "时间"))
    if question.answer_type == "rank":
        return _series_ordinal(question, candidate.text)
    if question.answer_type == "place":
        return _district_named(question, candidate)
    if question.answer_type != "person" or question.wants_list:
        return OK
    role = _asked_role(question)
    # Haier's chairman is no answer to "the chairman of Hanlan", nor 青兰高速's 项目负责人 to 官路水库工程's
    owner = (_role_owner(question) if question.english else _named_owner(question, role)) if role else None
    if owner and not owner.found_in(f"{before} {candidate.text}".lower()):
        return Verdict(False, Constraint("entity", owner.text))
    titles = _role_titles(question, role)
    if titles and not any(_holds_title(title, candidate.text) for title in titles):
        if role_holder(question, candidate):
            return OK  # an item of what the article's one 局长 says: he is named before the quote
        return Verdict(False, Constraint("type", titles[0]))  # "刘一平说…" for "站长是谁": someone, not the one asked
    if titles and question.english:  # the title translated is there; the name after it may be one the tagger misses (许疆生)
        return OK
    if type_positions(question, candidate.text) or _named_before(question, candidate.text, before) or quotation_speaker(candidate):
        return OK  # a sentence of a quotation is its speaker's, named in the tag
    who = Constraint("type", NO_PERSON)
    orgs = names_ending(tagged(candidate.text), {"nt"}, rules().org_suffixes)
    if orgs:
        start, end = orgs[0]
        return Verdict(False, who, candidate.text[start:end])
    # "Who accepted the award on behalf of the plant?", and the sentence names nobody ("此次张村河
    # 水净化厂的成功入选…") or only the person the question gives: an English question is about
    # the Chinese papers, whose names the tagger reads. In Chinese a name it misses may answer
    # ("由大久保笃创作")
    return Verdict(False, who) if role or question.english else OK


def _series_ordinal(question: Question, span: str) -> Verdict:
    """"是第几届了": the ordinal of a series ([series]) is given only as its own (第三届,
    首届); a sentence that dates the event or ranks something else does not give it."""
    asked = next((measure for measure in rules().series if f"第几{measure}" in question.text), "")
    if not asked or re.search(rf"(?:第[一二三四五六七八九十百\d]+|首){asked}", span):
        return OK
    return Verdict(False, Constraint("type", f"第几{asked}"))


def quotation_speaker(candidate: Candidate) -> str:
    """The tag naming who says the quotation the span stands in, before it opens ("官祥臻
    说：“…") or after it closes ("…。”王清源表示，", maybe in the article's next chunk);
    "" when the span stands in none or its tag names nobody."""
    text = candidate.article.text
    start = text.find(candidate.text)
    opened = text.rfind("“", 0, start + 1)  # the span may open with the mark itself
    if start < 0 or opened < 0 or text.rfind("”", 0, start) > opened:
        return ""
    lead = re.split(r"[，,。！？!?\n]", text[:opened])[-1].rstrip("：:")
    closed = text.find("”", start)
    tail = re.split(r"[，,。！？!?\n]", text[closed + 1 :].lstrip())[0] if closed >= 0 else ""  # chunks join on a line break
    tag = next((t for t in (lead, tail) if t and rules().speaker_tag.fullmatch(t)), "")
    return tag if tag and person_spans(tag) else ""


def role_holder(question: Question, candidate: Candidate) -> str:
    """"提出“每年新增中高级技工人才2万人”这个目标的，是哪位局长": the sentence, an item of a
    statement, names no 局长; its article names one ("局长刘学俊表示"), whose statement it
    is. "局长刘学俊", or "" where the sentence names the role itself or the article names
    no holder or several."""
    if question.english or question.wants_list or question.answer_type != "person":
        return ""
    role = _asked_role(question)  # asked bare ("哪位局长"), not as someone's ("西海岸新区工委书记是谁")
    titles = _role_titles(question, role) if role and re.search(_WHICH + re.escape(role), question.text) else ()
    if not titles or any(_holds_title(title, candidate.text) for title in titles):
        return ""
    text = candidate.article.text
    holders = set()
    for title in titles:
        for match in re.finditer(re.escape(title), text):
            if not title.startswith("副") and text[: match.start()].endswith("副"):
                continue
            after = text[match.end() : match.end() + _NAME_REACH]
            holders |= {f"{title}{after[:end]}" for start, end in type_spans(question, after) or [] if start == 0}
    return holders.pop() if len(holders) == 1 else ""


_NAME_REACH = 6  # characters after a title in which the holder's name is read ("刘学俊表示")


def asked_place_level(question: Question) -> tuple[str, ...]:
    """The endings of the names of the level of place asked ("哪个区" -> 区), or ()."""
    return next((ends for pattern, ends in rules().place_levels if pattern.search(question.text)), ())


def _district_named(question: Question, candidate: Candidate) -> Verdict:
    """"开在青岛哪个区", and neither the sentence nor its article names a district: the
    articles do not say which ("青岛" in the company's name is the city, and the question's)."""
    ends = asked_place_level(question)
    if question.wants_list or "区" not in ends:
        return OK
    span = candidate.text
    if any(span[start:end].endswith(ends) for start, end in type_spans(question, span) or []) or article_place(candidate, ends):
        return OK
    return Verdict(False, Constraint("type", ends[0]))


def article_place(candidate: Candidate, ends: tuple[str, ...]) -> str:
    """The collection's place of one level (names ending in `ends`) that the candidate's
    article names most, or "" when it names none."""
    article = f"{candidate.article.title} {candidate.article.text}"
    counts = {place: article.count(place) for place in rules().places if place.endswith(ends)}
    place = max(counts, key=counts.__getitem__, default="")
    return place if counts.get(place) else ""


def _dated_event(question: Question, span: str, dates: list[tuple[int, int]]) -> Verdict:
    """"什么时候开工建设的", and the sentence's date is followed by another event's word
    ("预计2023年8月份交付使用"): the date of a neighbouring event; followed by no event
    ("今年以来，…用地保障全面加快"), a date of nothing asked. Only events of rules.toml
    [events] are judged (the focus's, else the first the question names); a span that
    says the focus passes."""
    asked = question.event
    if not asked:
        return OK
    said = [span.find(word) for word in asked if word in span]
    if said:
        return _only_planned(question, span, dates, min(said))
    return OK if any(term.found_in(span) for term in question.focus) else _other_event(span, dates, asked)


def _only_planned(question: Question, span: str, dates: list[tuple[int, int]], event: int) -> Verdict:
    """"最后是哪天正式交付使用的", and the sentence says "预计2023年8月份交付使用": the date
    before the event's word is when it is to happen, not when it did."""
    table = rules()
    starts = [start for start, end in dates if end <= event]
    if not starts or not table.happened.search(question.text):
        return OK
    before = span[max(0, starts[-1] - table.plan_reach) : starts[-1]]
    plan = next((word for word in table.planned if word in before), "")
    return Verdict(False, Constraint("contrast:result or plan", "实际", 0), plan) if plan else OK


def _other_event(span: str, dates: list[tuple[int, int]], asked: tuple[str, ...]) -> Verdict:
    """The span does not say the asked event: the first event word after one of its dates
    is what that date is of, offered instead; with none, the date is of nothing asked."""
    table = rules()
    for _, end in dates:
        after = span[end : end + table.event_reach]
        held = min(((after.find(word), word) for group in table.events for word in group if word in after), default=None)
        if held is not None:
            return Verdict(False, Constraint("event", asked[0]), held[1])
    return Verdict(False, Constraint("event", asked[0]))  # a date of no event the question names


def _named_before(question: Question, span: str, before: str) -> bool:
    """"…宋建成，台湾图书馆行政工作者。他是国家图书馆首位副馆长": a sentence about 他 or 她
    names the person in the sentence before, which its quote then takes in."""
    if not span.startswith(_PERSON_PRONOUNS):
        return False
    earlier = [s for s in re.split(r"[。！？!?]", before) if s.strip()]
    return bool(earlier and type_positions(question, earlier[-1]))


def _asked_role(question: Question) -> str:
    """"负责人是谁", "哪位负责人" -> 负责人: the role whose holder the question word stands for, or "".
    "总理一职由谁委任" asks who appoints, which a role may answer. In English, the
    title named ("dean"), or "head" for "Who heads…"."""
    if question.english:
        role = rules().english_role.search(question.text)
        return (role.group(1) or "head").lower() if role else ""
    titles = rules().person_titles
    return next(
        (term.text for term in question.focus if term.text.endswith(titles) and re.search(re.escape(term.text) + _IS_WHO, question.text)),
        "",
    ) or next((term.text for term in question.terms if term.text.endswith(titles) and re.search(_WHICH + re.escape(term.text), question.text)), "")


def _role_owner(question: Question) -> Term | None:
    """"Who is the chairman of Hanlan (汉缆)…": the organisation whose role is asked,
    as its heaviest term that is more than a kind of organisation; the quote must name
    it, since other articles' chairmen are chairmen too. None when there is none."""
    owner = _ROLE_OWNER.search(question.text[rules().english_role.search(question.text).end() :])
    if not owner:
        return None
    words = set(re.findall(r"[\u4e00-\u9fff]+", owner.group(1))) | {word for forms in english_equivalents(owner.group(1)) for word in forms}
    suffixes = set(rules().org_suffixes)  # "research institute" -> 研究院 names a kind; 卡奥斯 names the one
    named = [term for term in question.terms if term.text in words and term.text not in suffixes]
    return max(named, key=lambda term: term.weight, default=None)


def _named_owner(question: Question, role: str) -> Term | None:
    """"官路水库工程的项目负责人是谁": the named project, plant or company whose role is
    asked, as its heaviest term; another project's 项目负责人 does not answer. None when
    the owner is pointed at ("这个工程") or is no such name."""
    owner = re.search(rf"([\u4e00-\u9fff]{{2,20}}?)的?(?:项目)?{re.escape(role)}", question.text)
    if not owner or not owner.group(1).endswith(rules().owner_heads) or owner.group(1).startswith(rules().unnamed_openers):
        return None
    heads = set(rules().owner_heads)
    own = re.split(r"(?<=[局委厅])", owner.group(1))[-1]  # "…规划局国土空间规划处": the division, not its bureau
    named = [term for term in question.terms if len(term.text) > 1 and term.text in own and term.text not in heads]
    return max(named, key=lambda term: (term.weight, len(term.text)), default=None)  # of equally rare words, the longer names more


def _role_titles(question: Question, role: str) -> tuple[str, ...]:
    """The Chinese titles a sentence must hold to name the role's holder: the role as
    asked, or the glossary's titles for an English one (dean -> 院长). None for "Who
    heads…" or a title the glossary lacks: then a name is needed, whatever its title."""
    if not role or role == "head":
        return ()
    if role in rules().generic_roles:  # "哪位负责人介绍的": 主任杨楠 is one
        return (role, *rules().leaders)
    if not question.english:  # jieba cuts 副/院长 and 总/河长
        return (next((f"{rank}{role}" for rank in ("副", "总") if f"{rank}{role}" in question.text), role.removesuffix("人")),)
    titles = rules().person_titles
    found = [title.removesuffix("人") for forms in english_equivalents(role) for title in forms if title.endswith(titles)]
    deputy = re.search(r"\b(?:vice|deputy)\b", role) is not None  # "executive deputy dean": 副 and 院长 come apart
    return tuple(title if title.startswith("副") or not deputy else f"副{title}" for title in found)


def _holds_title(title: str, text: str) -> bool:
    """Whether `text` names the title itself, not only its deputy: 执行副院长 is no 院长."""
    return any(title.startswith("副") or not text[:match.start()].endswith("副") for match in re.finditer(re.escape(title), text))
