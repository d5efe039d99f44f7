"""Question analysis: what kind of answer is wanted, about what, under which conditions.

A sentence answers a question only when it holds the asked kind of fact (a person,
a number of 家, a date) next to the question's focus (the predicate beside the
question word: 主持, 分布, 赔付), about the right subject, for the right year,
period, phase and place. The topic words ("X会议") are cheap: they repeat all over
an article. This module works all of that out once per question, from jieba's
part-of-speech tags and the tables in rules.toml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..lexical import LexicalIndex, english_equivalents, in_dictionary, is_english, spelt_out, tokenize, ungrouped
from ..pinyin import pinyin_names, unspelt_names
from ..retrieve import is_follow_up
from ..tagging import Tags, tagged
from ..thesaurus import is_english_word, synonyms_of
from .rules import rules

PERSON_TAGS = {"nr", "nrt", "nrfg"}
_NAME_TAGS = {*PERSON_TAGS, "ns", "nt", "nz"}
_VERB_TAGS = ("v",)
_NOUN_TAGS = ("n", "vn", "nz", "nt", "ns")
_MEASURE_TAGS = frozenset({"n", "nz"})  # the tags of a measure a figure is asked of (面额, 倍数)
_MEASURE_LINKS = frozenset("是 有 为 约 大约 大概 一共 共".split())  # between a measure and 多少 ("面额是多少"); 了 ends a verb
_RARE = 0.1  # a name in more chunks than this share tells nothing apart
_GENERIC_HEADS = frozenset(
    "情况 方面 问题 内容 时候 时间 地方 地区 原因 方式 办法 人 什么 多少 数量 规模 程度 水平 东西 事情 工作 名字 名称".split()
)
_DIGIT_WORDS = "一二三四五六七八九"  # 一 to 九, for numbers written in Chinese (十四, 二十三)
_QUESTION_WORD = re.compile(r"什么|哪|谁|多少|几|怎么|怎样|如何|为何|为什么|是否")  # where the focus sits when no type matched
_NOT_IN_NAMES = frozenset("vudprc")  # verbs, particles (的), adverbs, prepositions, pronouns, conjunctions
# Tags of words that say how a question is put rather than what it is about: verbs,
# adjectives, adverbs, pronouns, idioms, set phrases, conjunctions, localisers,
# prepositions and particles ("管着", "盯着", "绝对不能", "底下").
_EVERYDAY_TAGS = frozenset("vadrilcfpu")
_LINKS = frozenset("是 有 为 要 会 能 的 了 在 由 被 把 将".split())  # words too light to be a focus
_JOINED_QUOTE = re.compile(r"[和与或、]“([^”]{1,20})”")
_PLACEHOLDER = re.compile(r"…|××|\.\.\.|ＸＸ|XX")
_ASPECT_TAGS = frozenset({"uz", "ul", "ug"})  # jieba's 着, 了, 过 after a verb
_DESCRIBING_TAGS = frozenset("vad")  # the first letter of jieba's tags for verbs, adjectives, adverbs
_BOOK_TITLE = r"《([^《》]{2,40})》"
_QUOTED = re.compile(_BOOK_TITLE + r"|“([^”]{2,30})”|「([^」]{2,30})」|\"([^\"]{2,30})\"")


@dataclass(frozen=True)
class Term:
    """A content word of the question, with the words in an article that count as it."""

    text: str
    weight: float  # idf: rare words say more about which sentence is meant
    alternatives: tuple[str, ...] = ()
    seen: bool = True  # False when no indexed chunk contains it: the topic may be absent
    everyday: bool = False  # an everyday verb, adverb… that no article uses: the asker's wording, not the topic's

    def found_in(self, text: str) -> bool:
        return self.text in text or any(alternative in text for alternative in self.alternatives)


NO_PERSON = "具体人名"  # the "type" condition a sentence naming nobody fails, when a person is asked
NO_FIGURE = "具体数字"  # what a sentence giving only a vague amount (很多小区) lacks, when a count is asked


@dataclass(frozen=True)
class Constraint:
    """A condition the question states: the answer must hold for this year, place…"""

    kind: str  # year, relative_year, period, phase, issue, place, entity, contrast:…; a verdict may also name type or group
    value: str  # as asked: "2023", "全年", "三期", "市北区", "累计"
    side: int = 0  # for contrasts: which of rules.toml's sides the question is on

    def __str__(self) -> str:
        return self.value

    def said_in(self, text: str) -> bool:
        """Whether `text` names the place or thing, also in another of its forms: a
        country in the paper's compounds ("日本" in 中日), by [synonyms]."""
        return self.value in text or any(form in text for form in rules().synonyms.get(self.value, ()))


@dataclass(frozen=True)
class Question:
    text: str
    english: bool
    answer_type: str  # see rules.toml [[types]]
    units: tuple[str, ...]  # for quantities: the units that can express the answer
    terms: tuple[Term, ...]
    focus: tuple[Term, ...]  # the predicate and head noun tied to the question word
    constraints: tuple[Constraint, ...]
    wants_list: bool
    several: bool  # a figure for each of several things ("各有多少个")
    summary: bool
    count: int | None  # "哪三个" -> 3
    history_terms: tuple[Term, ...] = field(default=())  # topic words of earlier turns
    subject: str = ""  # what the question is about: its opening words up to the first function word
    key: str = ""  # "哪几个“自动”" -> 自动: the word each listed item contains
    attribute: str = ""  # "黄蝉的花是什么样子" -> 花: what the answering sentence opens with
    defined: str = ""  # "什么是冠夫姓" -> 冠夫姓: the term whose defining sentence answers
    mentions: tuple[str, ...] = ()  # "哪些报道提到了“上合”" -> 上合: listed from every article that holds one
    counted: str = ""  # "多少吨啤酒废水" -> 啤酒: the thing a figure must be of
    counted_words: tuple[str, ...] = ()  # "多少家上下游配套企业" -> 上下游, 配套, 企业: the nouns of what a count asked counts
    given: str = ""  # "这492吨说的是哪种污染物" -> 492吨: the figure whose sentence answers
    saving: bool = False  # "帮它省下了多少时间": only a figure said to be saved answers ([saving])
    total_asked: str = ""  # "到现在一共…" -> 到现在: a total since the start is asked ([running_total])
    city_asked: bool = False  # "全市要升级多少处…": the whole city's figure is asked ([places] whole_city_asked)
    event: tuple[str, ...] = ()  # "什么时候开工的" -> the words of its event ([events]): the focus's, else the first named
    year_asked: bool = False  # "是从哪年到哪年": only a date holding a year answers ([years])
    day_asked: bool = False  # "哪天开幕的": only a date holding a day answers ([days])
    month_asked: bool = False  # "几月份研制成功的": only a date holding a month answers ([months])
    after: str = ""  # "那他当时是怎么处理的？": the last answer, whose sequel in the article answers

    @property
    def total_weight(self) -> float:
        return sum(term.weight for term in self.terms) or 1.0


def analyse(text: str, lexical: LexicalIndex, history: list[str] | None = None) -> Question:
    table = rules()
    english = is_english(text)
    text = text if english else table.as_written(text)
    answer_type, where = table.answer_type(text)
    # "What is the total heating area?" asks for a measure; a Chinese question asks one
    # with 多少 or 多大, and its 什么 asks for what it names ("抓住什么时机", not 消费's 元)
    if answer_type == "description" and english and any(pattern.search(text) for _, pattern, _ in table.measures):
        answer_type = "quantity"
    units = _units(text, answer_type) if answer_type in {"quantity", "duration", "percent"} else ()
    searchable = text if english else spelt_out(text)  # _terms reads an English question's glossary words itself
    # "哪两场会议": the count is `count`, not a word the articles would repeat
    # "according to the November 2022 report": the issue asked is no topic (`issue_dated`)
    topical = table.issue_date.sub(" ", searchable)
    terms = _terms(topical if english else _COUNTED.sub(_without_count, table.filler_phrases.sub("，", topical)), lexical, english)
    wants_list = bool(table.list_question.search(text))
    attribute = _first_group(table.attribute, text)
    focus = _focus(text, where or _QUESTION_WORD.search(text), terms, answer_type, attribute) if not english else ()
    return Question(
        text=text,
        english=english,
        answer_type=answer_type,
        units=units,
        terms=terms,
        focus=focus,
        constraints=issue_dated(text, (*constraints_in(_without_premise(searchable, answer_type), lexical),
                                       *_unknown_measure(text, where, answer_type, terms, lexical))
                                if not english else _stated_in_english(text)),
        wants_list=wants_list,
        several=bool(table.several.search(text)),
        summary=bool(table.summary_question.search(text)),
        count=_count(text) if wants_list else None,
        # A follow-up ("规模有多大？") is about the earlier turns' topic; a new question in
        # the same conversation is not.
        history_terms=tuple(t for turn in history or [] for t in _terms(turn, lexical, is_english(turn)))
        if is_follow_up(text) else (),
        subject="" if english else _subject_of(text, history),
        key=_list_key(text) if wants_list else "",
        attribute=attribute,
        defined="" if english else _first_group(table.defined, text.strip()),
        mentions=_mentioned(text) if wants_list and table.across.search(text) else _recurring(text),
        counted=_counted_thing(text, units) if answer_type == "quantity" and not english and not wants_list
        else _rated_thing(text) if answer_type == "percent" and not english and not wants_list else "",
        counted_words=_counted_words(text, units) if answer_type == "quantity" and not english and not wants_list else (),
        given=_first_group(table.given, text) if not english and answer_type not in _FIGURE_ASKED else "",
        saving=any(word in text for word in table.saving[0]),
        total_asked=next((word for word in table.running_total[0] if word in text), ""),
        # "全市新型工业化推进大会" names a meeting, not a scope
        city_asked=any(word in _CITY_MEETING.sub("", text.lower()) for word in table.whole_city[0]),
        event=_asked_event(text, focus),
        year_asked=bool(table.years[0].search(text)),
        day_asked=bool(table.days[0].search(text)),
        month_asked=bool(table.months[0].search(text)),
    )


def _asked_event(text: str, focus: tuple[Term, ...]) -> tuple[str, ...]:
    """The [events] group a question asks the date of: its focus's, else the first it names."""
    events = rules().events
    by_focus = next((group for term in focus for group in events if any(word in term.text or term.text in word for word in group)), ())
    # an English event by its own words ("When was it founded?"), whole: "signed" is not in "designed"
    return by_focus or next((group for group in events if any(re.search(rf"\b{re.escape(word)}\b", text, re.I) if word.isascii() else word in text
                                                             for word in group)), ())


def _mentioned(text: str) -> tuple[str, ...]:
    """"标着“二十大精神 在身边”和“党的二十大精神在机关”": the quoted words looked for, the
    first after a verb of mentioning, then those joined to it by 和, 与, 或 or 、."""
    match = rules().mentions.search(text)
    if not match:
        return ()
    found = [next(group for group in match.groups() if group)]
    rest = text[match.end():]
    while joined := _JOINED_QUOTE.match(rest):
        found.append(joined.group(1))
        rest = rest[joined.end():]
    return tuple(found)


def _recurring(text: str) -> tuple[str, ...]:
    """"“1500”这个数在两篇不同的报道里都出现过，各指的是什么": the word said to recur
    across reports, whose every article is listed as for "哪些报道提到了“…”"."""
    word = _first_group(rules().recurring, text)
    return (word,) if word else ()


def _list_key(text: str) -> str:
    return _first_group(rules().list_key, text)


def _first_group(pattern: re.Pattern[str], text: str) -> str:
    match = pattern.search(text)
    return next((group for group in match.groups() if group), "") if match else ""


def _without_premise(text: str, answer_type: str) -> str:
    """"凤麟核那个项目，是国家自然科学基金给批的吧？": the clause a yes/no question closes
    with, opening with 是, states what the asker believes, to be checked against the
    articles. A body or year named only there is no condition an answer must meet: the
    sentence about the project says who approved it, yes or no."""
    if answer_type != "yesno":
        return text
    return _PREMISE.sub("", text.rstrip())


_PREMISE = re.compile(r"(?<=[，,])\s*(?:是不是|不是|是)[^，,。？?！!]*[？?]?$")


def with_pinyin_names(question: Question, passages: list[str], lexical: LexicalIndex, absent: tuple[Constraint, ...] = ()) -> Question:
    """An English question with the Chinese names its pinyin spells in the passages
    ("Sun Aijun" -> 孙爱军) as terms of their own: pinyin.py says why. `absent` are the
    conditions of names no passage spells (`unspelt_conditions`), found once for the
    question a part was split from and binding every part ("…, and what is their total
    investment?")."""
    if not question.english:
        return question
    known = {term.text for term in question.terms}
    added = tuple(
        Term(forms[0], max(lexical.idf(form) for form in forms), tuple(forms[1:]))
        for forms in pinyin_names(question.text, passages).values()
        if forms[0] not in known
    )
    if not added and not absent:
        return question
    return replace(question, terms=question.terms + added, constraints=question.constraints + absent)


def leans_on_part_before(part: str) -> bool:
    """"青岛第二座全地下污水处理厂是哪一座？什么时候投运的？" or "…一次全会是什么时候开的？
    审议通过了什么文件？": a part that opens with its question word or its verb, or is
    only a few characters ("规模多大？"), names nothing of its own; it asks about what the
    part before named."""
    if is_english(part):
        return False
    words = tagged(part.strip())
    bare = len(re.sub(r"[\W_]", "", part)) <= _BARE_PART_CHARS  # "规模多大？" after "济南首单债券是哪家发的？"
    return bare or _QUESTION_WORD.match(part.strip()) is not None or bool(words and words[0][1].startswith("v"))


_FIGURE_ASKED = frozenset({"quantity", "duration", "range", "date", "rank"})  # "这5亿元用了多少年": the figure is not the pointer
_CARRIED_KINDS = ("year", "relative_year", "period", "phase", "place")
_RATE = re.compile("增长率|增速|增幅|降幅|增长|占比|占[^，。？?]{1,12}?(?:比重|比例|份额)")  # a share too: "X占生产总值的比重" is X's
_RATED_TAGS = frozenset({"n", "nz", "vn", "l", "j"})  # 投资 (vn), 固定资产 (l); not a place
_REACHES = re.compile(r"(?:达到|达|突破|超过|为|是|有)$")  # the verb before 多少亿元 that names no thing of its own
_ENDING = re.compile(r"[？?。！!，,\s呢啊呀]")  # what may follow the asked unit at a question's end
_CLAUSE_MARKS = re.compile(r"[，,。？?！!；;]")
_COUNTED_NOUN_REACH = 80  # characters after "how many" in which the thing counted is named
_RATED_REACH = 3  # words between the thing and its rate: 交易额/定/的/增长率, 投资/的/预期/增长
_CITY_MEETING = re.compile(r"全市[^，,。？?]{0,12}?(?:大会|会议)")
_SIZE_ASKED = re.compile(r"(?:有|是)多[长高宽深远]")
_BARE_PART_CHARS = 6  # a part this short names nothing of its own: "规模多大", "投了多少钱"


def with_conditions_of(asked: Question, before: Question) -> Question:
    """The year, period, phase or place the part before stated, for a part that leans on
    it and states none of that kind: "审议通过了什么文件" asks of 一次全会 too."""
    own = {c.kind for c in asked.constraints}
    carried = tuple(c for c in before.constraints if c.kind in _CARRIED_KINDS and c.kind not in own)
    return replace(asked, constraints=asked.constraints + carried) if carried else asked


def unspelt_conditions(text: str, passages: list[str]) -> tuple[Constraint, ...]:
    """A name of an English question that no passage spells ("Qianwan") is a condition no
    answer meets: the question is refused, not answered with a sentence about another zone."""
    if not is_english(text):
        return ()
    return tuple(Constraint("entity", name) for name in unspelt_names(text, passages))


def _subject_of(text: str, history: list[str] | None) -> str:
    """A follow-up that opens with 它 ("它总共要盖多大面积的房子？") is about the earlier
    question's subject ("芯恒源那个存储芯片项目落户在哪儿？")."""
    if history and text.lstrip().startswith(_THING_PRONOUNS) and len(earlier := _subject(history[-1])) >= 2:
        return earlier
    return _subject(text)


_THING_PRONOUNS = ("它", "该")
_ASIDE = re.compile(r"[（(][^（()）]{1,10}[）)]")  # "（南京）" inside a name
_SUBJECT_END = re.compile(r"的|是|在|有|为|于|被|把|将|对|和|与|如何|怎么|怎样|什么|哪|谁|多少|几|为什么|为何|[，,。？?！!、：:；;（(\s]")


def _subject(text: str) -> str:
    """"纽西兰鸡毛松的树叶是什么形状的" -> "纽西兰鸡毛松": the phrase the question is about.
    An aside in brackets that the name goes on after is part of it: "中国（南京）国际象棋
    超级大赛的原名" is about the tournament, not about 中国."""
    text = re.sub(r"^(?:请问|据报道|在|据|那么|那)", "", text.strip()).lower()
    at = 2
    while match := _SUBJECT_END.search(text, at):
        aside = _ASIDE.match(text, match.start())
        if not aside or aside.end() >= len(text) or _SUBJECT_END.match(text, aside.end()):
            return text[: match.start()]
        at = aside.end()
    return text


def _counted_thing(text: str, units: tuple[str, ...]) -> str:
    """The noun right after the asked unit ("多少吨啤酒废水" -> 啤酒, "多少家媒体代表" ->
    媒体): what the figure counts; where the question ends at the unit, the nouns before
    the verb that asks it ("“四新”经济增加值达到多少亿元" -> 经济增加值). "哪几个方面" lists,
    and counts nothing."""
    if not units:
        return ""
    if not (match := _asked_unit(text)):
        # "台东三路步行街有多长": the noun before a size asked is what it measures ("7.3公里生态绿道" is another's)
        sized = _SIZE_ASKED.search(text)
        words = tagged(_CLAUSE_MARKS.split(text[: sized.start()])[-1]) if sized else ()
        return words[-1][0] if words and words[-1][1].startswith("n") and len(words[-1][0]) >= 2 else ""
    after = [(word, tag) for word, tag, at in tagged(text) if at >= match.end()]
    word, tag = next(((word, tag) for word, tag in after if tag not in _QUALIFIER_TAGS), ("", ""))  # 老/旧 街区
    if tag[:1] in {"n", "s"} and len(word) >= 2:
        return word
    # the nouns stand in the asking clause: "谁的目标更高？各是多少个" names none
    ends = not _ENDING.sub("", text[match.end() :])
    clause = _CLAUSE_MARKS.split(text[: match.start()])[-1]
    reached = _REACHES.search(clause) if ends else None
    return _nouns_before(clause[: reached.start()]) if reached else ""


def _counted_words(text: str, units: tuple[str, ...]) -> tuple[str, ...]:
    """The nouns of the phrase a count asked is of: after the asked unit to the clause's
    end ("多少家上下游配套企业落户"), or, where the question ends at the unit, the clause
    before it ("装上高空抛物监控系统的小区一共有多少个")."""
    if not units or not (match := _asked_unit(text)):
        return ()
    phrase = _CLAUSE_MARKS.split(text[match.end() :])[0] or _CLAUSE_MARKS.split(text[: match.start()])[-1]
    return tuple(word for word, tag, _ in tagged(phrase) if tag.startswith("n") and len(word) >= 2)


def _rated_thing(text: str) -> str:
    """The nouns whose rate or share is asked ("技术合同交易额定的增长率" -> 技术合同交易额,
    "数字经济核心产业增加值占生产总值的比重" -> 数字经济核心产业增加值): a sentence of other
    targets' rates (地区生产总值增长5.5%…) does not give it."""
    rate = _RATE.search(text)
    if rate:
        return _nouns_before(text[: rate.start()])
    # "实际就业率是多少": a rate named by its own word is of what the word rates (就业)
    return next((word[:-1] for word, _, _ in tagged(text) if len(word) >= 3 and word.endswith("率")), "")


def _nouns_before(text: str) -> str:
    """The run of nouns that ends `text`, bar a few qualifying words after it (定/的,
    的/预期): the thing a rate or an amount asked after it is of."""
    words = tagged(text)
    qualifiers = rules().rate_qualifiers
    end = len(words)
    while end and (words[end - 1][1] not in _RATED_TAGS or words[end - 1][0] in qualifiers) and len(words) - end < _RATED_REACH:
        end -= 1  # 定/的, 的/预期
    start = end
    while start and words[start - 1][1] in _RATED_TAGS and not words[start - 1][0].endswith(rules().place_suffixes):
        start -= 1
    thing = "".join(word for word, _, _ in words[start:end])
    return thing if len(thing) >= 2 else ""


def _asked_unit(text: str) -> re.Match[str] | None:
    """"多少吨", "几万元": the unit named after 多少/几 (group 1), and where it ends. A 几
    pointed with ("这几项基本要素分别是多少", "哪几座") counts nothing, as in the question
    types of rules.toml."""
    table = rules()
    every = sorted(table.all_units(), key=len, reverse=True)
    return re.search(rf"(?:多少|(?<![哪这那近前头好])几)[{table.multipliers}]*(" + "|".join(map(re.escape, every)) + ")", text)


def _units(text: str, answer_type: str) -> tuple[str, ...]:
    """The units a quantity answer may carry: the one named after 多少/几, else the
    units of the measure the question names (面积 -> 亩, 平方米…), else the unit an
    English question counts in ("how many households" -> 户)."""
    table = rules()
    if answer_type == "percent":  # asked in points, a rate is not the answer
        return ("百分点",) if "百分点" in text or "percentage point" in text.lower() else ("%", "％", "百分点", "成", "倍")
    if answer_type == "duration":
        return table.units["time"]
    if match := _asked_unit(text):
        unit = match.group(1)
        if unit == "个":  # the all-purpose measure word of a question: the paper counts 30处, 9座, 5家
            return table.units["count"]
        if unit not in {"年", "月", "日", "天"}:
            return (unit, *table.unit_symbols.get(unit, ()))
    for _, pattern, units in table.measures:
        if pattern.search(text):
            return units
    # "how many households" -> 户: the English name of a unit the answer carries; any
    # other "how many <things>" counts, as "多少个" does (a rate is no answer to it)
    named = tuple(zh for zh, en in table.english_units.items() if en and re.search(rf"\bhow many {re.escape(en)}\b", text.lower()))
    if named or not (asked := re.search(r"\bhow many\b", text, re.I)):
        return named
    # "how many national 'little giant' enterprises": the first thing counted, by its measure words
    counted = re.search(rf"\b({'|'.join(map(re.escape, table.english_counted))})\b", text[asked.end() : asked.end() + _COUNTED_NOUN_REACH].lower())
    return table.english_counted[counted.group(1)] if counted else table.units["count"]


def _terms(text: str, lexical: LexicalIndex, english: bool) -> tuple[Term, ...]:
    """Content words with their weights. In an English question only numbers and
    acronyms ("58", "BIM") can occur in Chinese articles; its other English words are
    left to the glossary's Chinese equivalents, whatever English text the collection
    happens to hold. An English word with several equivalents ("complete" -> 完成,
    建成, 竣工) is one term that any of them matches: an article writes one of them,
    and counting each apart would leave most of the word's weight unmatched."""
    synonyms, filler = rules().synonyms, rules().filler
    unwritten = rules().pointing | rules().kinds_of_place  # 那场, 县级市: no topic where no article writes them
    acronyms = {word.lower() for word in re.findall(r"\b[A-Z][A-Z0-9+]+\b", text)} if english else set()
    equivalents = english_equivalents(text) if english else []
    words = tokenize(" ".join([ungrouped(text), *(alternatives[0] for alternatives in equivalents if len(alternatives) == 1)]))
    if not english:  # a name jieba cut otherwise in the articles (锦地/罗 for 锦地罗) is the articles' word
        rejoined = lexical.rejoined(text)
        words = [w for w in words if lexical.frequency(w) > 0 or not any(w in form or form in w for form in rejoined)] + rejoined
    tags = {} if english else {word.lower(): tag for word, tag, _ in tagged(text)}
    dated = set(re.findall(r"(\d+)(?=[年月日号点时])", text))  # 13日 is written in digits, 十三 elsewhere is no day
    terms: dict[str, Term] = {}
    for glued in words:
        word = _unglued_from_verb(glued, lexical)
        if word != glued:
            tags[word] = "n"  # the 根 of 根有 is a noun, the topic, not an everyday word
        seen = lexical.frequency(word) > 0
        if word in terms or word in filler or (word in unwritten and not seen) or (
            english and word.isascii() and not _is_number(word) and word not in acronyms
        ):
            continue
        everyday = not seen and tags.get(word, "x")[:1] in _EVERYDAY_TAGS and in_dictionary(word)
        numerals = () if word in dated else _in_chinese_numerals(word)
        terms[word] = Term(word, lexical.idf(word), (*synonyms.get(word, ()), *numerals, *_collection_words(word, lexical)), seen, everyday)
    for first, *others in (alternatives for alternatives in equivalents if len(alternatives) > 1):
        if first not in terms:
            known = [weight for word in (first, *others) if (weight := _known_weight(word, lexical)) is not None]
            terms[first] = Term(first, max(known or [lexical.idf(first)]), tuple(others), bool(known))
    return tuple(terms.values())


def _unglued_from_verb(word: str, lexical: LexicalIndex) -> str:
    """"天门冬的根有什么特点" is cut 根有: a two-character word no article uses, ending in a
    verb jieba glues to the noun before it (rules.toml glued_verbs), is that noun."""
    if len(word) != 2 or word[-1] not in rules().glued_verbs or lexical.frequency(word):
        return word
    return word[0]


def _collection_words(word: str, lexical: LexicalIndex) -> tuple[str, ...]:
    """For a word no article uses, its synonyms that articles do use: 行当 is the
    asker's word where the paper writes 行业. A word the paper uses keeps to itself; its
    looser synonyms would match other things (机构 is no 部门)."""
    if lexical.frequency(word):
        return ()
    return tuple(other for other in synonyms_of(word) if lexical.frequency(other))


def _in_chinese_numerals(word: str) -> tuple[str, ...]:
    """"23" -> 二十三: an article may write a number either way ("二十三岁"). Only two-digit
    numbers: a single 三 is part of too many words."""
    if not word.isdigit() or not 10 <= int(word) < 100:
        return ()
    tens, ones = divmod(int(word), 10)
    return ((_DIGIT_WORDS[tens - 1] if tens > 1 else "") + "十" + (_DIGIT_WORDS[ones - 1] if ones else ""),)


def _known_weight(word: str, lexical: LexicalIndex) -> float | None:
    """The weight of a glossary word the collection holds: as one of its tokens, or as
    its rarest part where jieba cuts the articles otherwise (一事全办 -> 一事/全办);
    None when no article has it."""
    if lexical.frequency(word) > 0:
        return lexical.idf(word)
    parts = tokenize(word)
    if parts and all(lexical.frequency(part) > 0 for part in parts):
        return max(lexical.idf(part) for part in parts)
    return None


def _is_number(word: str) -> bool:
    return word.replace(".", "", 1).isdigit()


def _focus(text: str, where: re.Match[str] | None, terms: tuple[Term, ...], answer_type: str, attribute: str = "") -> tuple[Term, ...]:
    """The verb next to the question word ("由谁主持" -> 主持, "提出了多少项举措" ->
    提出), or the noun the question word stands for ("负责人是谁" -> 负责人), as
    question terms. A count is governed by the verb before it; a name by the verb after."""
    if where is None:
        return ()
    quoted = [m.span() for m in _QUOTED.finditer(text)]  # a title's words are its name, not the question's verb
    words = [w for w in tagged(text) if not any(start <= w[2] < end for start, end in quoted)]
    # "总经理叫什么名字": the type's pattern takes in the title, which is the noun asked about
    start = where.start() + next((len(t) for t in rules().person_titles if text.startswith(t, where.start())), 0)
    before = [w for w in reversed(words) if w[2] + len(w[0]) <= start and w[0] not in _LINKS][:3]
    after = [w for w in words if w[2] >= where.end()][:3]  # a noun right after 什么/哪个 names the kind of answer
    inside = [w for w, flag, at in words if at < where.end() and at + len(w) > where.start() and flag.startswith(_VERB_TAGS)]
    verb_before = next((w for w, flag, _ in before if flag.startswith(_VERB_TAGS)), None)
    verb_after = next((w for w, flag, _ in after if flag.startswith(_VERB_TAGS) and len(w) >= 2), None)
    noun_before = next((w for w, flag, _ in before if flag.startswith(_NOUN_TAGS) and w not in _GENERIC_HEADS and len(w) >= 2), None)
    counted = answer_type in {"quantity", "percent", "duration"}
    ordered = [verb_before, verb_after] if counted else [verb_after, verb_before]
    verb = next((w for w in [*(w for w in inside if len(w) >= 2), *ordered] if w), None)  # "分布在什么地区"
    # "安委办，主任是谁": a title right before the question word is what is asked,
    # whatever jieba tags it (主任 as a distinguishing word) or the words before it (委办 as a verb)
    title = before[0][0] if before and before[0][0].endswith(rules().person_titles) else None
    # "天门冬的根有什么特点": the attribute (根), however short, not the subject before it
    noun = attribute or noun_before
    picked = [title] if title else [verb] if verb else [noun] if noun else []
    by_text = {term.text: term for term in terms}
    focus = []
    for word in picked:
        term = by_text.get(word) or (None if word == attribute else  # "上部叶" whole, not its 上部
                                     next((t for t in terms if word in t.text or t.text in word and len(t.text) >= 2), None))
        term = term or Term(word, 1.0, rules().synonyms.get(word, ()))  # a search stopword (提出) can still be the focus
        if term not in focus:
            focus.append(term)
    return tuple(focus)


def quoted_phrases(text: str) -> list[str]:
    """The phrases `text` puts in quotation marks or 《》, without the marks."""
    return [phrase for phrase, _, _ in quoted_spans(text)]


def book_titles(text: str) -> list[str]:
    """The titles `text` puts in 《》, without the marks."""
    return re.findall(_BOOK_TITLE, text)


def quoted_spans(text: str) -> list[tuple[str, int, int]]:
    """Each quoted phrase with where its marks start and end in `text`."""
    return [(next(g for g in m.groups() if g), m.start(), m.end()) for m in _QUOTED.finditer(text)]


def _in_own_words(phrase: str, text: str, lexical: LexicalIndex | None) -> bool:
    """"盯住哪几类“大块头”企业", "什么“打包一次办”的服务": quotation marks (not 《》)
    round a word no article uses, or round a pattern ("中国式现代化的××实践"), set off
    the asker's own wording, not a name the articles must hold (in the seed questions
    every such phrase is in an answerable question). What the question is about is no
    wording: "中国足球“五大恶人”是哪些人" asks about a name, and no article has it."""
    if f"《{phrase}》" in text:
        return False
    words = tagged(phrase)
    if any(flag in _ASPECT_TAGS for _, flag, _ in words):
        return True  # "一个大平台带着一批专业平台": a clause describing, where a name has no 着/了/过
    if all(flag[:1] in _DESCRIBING_TAGS for _, flag, _ in words):
        return True  # "能“看透”物件的相机": a verb or an adjective describes; a name has a noun
    if phrase.lower() in _subject(text):
        return False
    if _PLACEHOLDER.search(phrase):
        return True
    return lexical is not None and any(lexical.frequency(word) == 0 for word in tokenize(phrase))


def constraints_in(text: str, lexical: LexicalIndex | None = None) -> tuple[Constraint, ...]:
    """Years, periods, phases, places, named things and contrast words stated in `text`."""
    table = rules()
    found = [Constraint(kind, value) for kind in table.constraints for value in values_of(kind, text)]
    found += [Constraint("entity", name.lower()) for name in quoted_phrases(text) if not _in_own_words(name, text, lexical)]
    unplaced = text
    for place in table.places:  # longest first: 西海岸新区 is not also 新区
        if place in unplaced:
            found.append(Constraint("place", place))
            unplaced = unplaced.replace(place, " ")
    words = tagged(text)
    for index, (word, flag, _) in enumerate(words):
        word = _unglued(word.lower(), flag, lexical)
        if word in table.ubiquitous or len(word) < 2 or _QUESTION_WORD.search(word):  # jieba's 哪些项目 asks, it names nothing
            continue
        if word[-1] in "来去" and word[:-1] in table.ubiquitous:  # jieba's 上门来 is 上门 with its direction
            continue
        if flag == "ns" or word.endswith(table.place_suffixes) and flag.startswith("n") and len(word) >= 3:
            if not table.evidence["date"].fullmatch(word) and not _cut_across(text, words, index, lexical):  # jieba's 开春 is a time, no place
                found.append(Constraint("place", word))
        elif flag in _NAME_TAGS and _is_a_name(words, index) and (lexical is None or lexical.share(word) < _RARE):
            found.append(Constraint("entity", word))
    found.extend(_placed_names(text, words, [c.value for c in found if c.kind == "place"], lexical))
    found.extend(_contrasts_in(text, english=False))
    return tuple(dict.fromkeys(found))


def _unknown_measure(text: str, where: re.Match[str] | None, answer_type: str, terms: tuple[Term, ...],
                     lexical: LexicalIndex) -> tuple[Constraint, ...]:
    """"消费券一张面额是多少", "债券的认购倍数是多少": the measure a figure is asked of is
    the noun right before the question word. Where no article uses it, a synonym of it
    or a word inside it (人口数量 is 人口's, 经纬度 is 纬度's), a figure of another measure
    of the same thing does not answer: it becomes a condition no span meets, so the
    answer is a refusal or names what the articles give. A verbal noun (供货, 动用) is
    the asker's way of saying what was done, not a measure."""
    if answer_type not in {"quantity", "percent"} or where is None or not where.group().startswith(("多", "几")) or not len(lexical):
        return ()  # "比例达到多少": the question names its measure (比例) in the words it asks with; an empty index knows no word
    before = [(word, flag) for word, flag, at in tagged(text) if at + len(word) <= where.start()]  # the question's tagging, cached
    while before and before[-1][0] in _MEASURE_LINKS:
        before.pop()
    if not before or before[-1][1] not in _MEASURE_TAGS or len(before[-1][0]) < 2:
        return ()
    word = before[-1][0]
    if not any(term.text == word and not term.seen and not term.alternatives and not term.everyday for term in terms):
        return ()
    inner = {word[i:j] for i in range(len(word)) for j in range(i + 2, len(word) + 1)} - {word}
    return () if any(lexical.frequency(part) for part in inner) else (Constraint("entity", word),)


def _placed_names(text: str, words: Tags, places: list[str], lexical: LexicalIndex | None) -> list[Constraint]:
    """"纽西兰鸡毛松的树叶", "印度野驴栖息在哪": the noun right after the place the
    question opens with is the thing it asks about. Where no article uses that word, an
    article on the place alone does not answer it. A word the articles use (欧洲越橘) is
    left to the gate: jieba also cuts names this way that are one word (碧海/蓝天).
    An empty index knows no place and states nothing."""
    subject = _subject(text)
    place = next((p for p in places if subject.startswith(p)), "")
    if not place or lexical is None or not lexical.frequency(place):  # 茨柏克/沃斯基: a name jieba cut, no place the articles know
        return []
    after = text.find(place) + len(place)
    word, flag = next(((word, flag) for word, flag, at in words if at >= after), ("", ""))
    if flag.startswith("n") and len(word) >= 2 and word not in rules().filler and lexical.frequency(word) == 0:
        return [Constraint("entity", word)]
    return []


def _contrasts_in(text: str, english: bool) -> list[Constraint]:
    """The side of each [[contrasts]] table the question is on, by the first word of a
    side it says: "累计处理了多少" is on the cumulative side, "open to traffic" on the side
    of lines in use. English words count whole ("plan" is not in "planning")."""
    lowered = _COUNTED.sub(r"\1", text.lower())  # the 一年 of 哪一年 says nothing of one year

    def said(word: str) -> list[tuple[int, int]]:
        if not english:
            return [m.span() for m in re.finditer(re.escape(word), lowered)]
        return [m.span() for m in re.finditer(rf"\b{re.escape(word)}\b", lowered)] if word.isascii() else []

    asking = _ENGLISH_ASKS.search(lowered) if english else None
    found = []
    for contrast in rules().contrasts:
        spans = [(side, at) for side, words in enumerate(contrast.sides) for word in words for at in said(word)]
        if any(a != b and _JOINED.fullmatch(lowered[x[1]:y[0]]) for a, x in spans for b, y in spans):
            continue  # "online and offline", "线上和线下": both sides asked together, neither one
        sides = [side for side, words in enumerate(contrast.sides) if any(said(w) for w in words)]
        if len(sides) > 1 and asking:
            # "covered 3 billion yuan of investment. How much output value…": the side said
            # first after the question word is asked, the other sets the scene. A Chinese
            # question's own order is kept: in "一共增长了多少" the verb stands nearest
            after = sorted((at, side) for side, (at, _) in spans if at >= asking.start())
            sides = [after[0][1] if after else max((at, side) for side, (at, _) in spans)[1]]
        if sides:
            word = next(w for w in contrast.sides[sides[0]] if said(w))
            found.append(Constraint("contrast:" + contrast.name, word, sides[0]))
    return found


def _unglued(word: str, flag: str, lexical: LexicalIndex | None) -> str:
    """A name jieba does not know takes the verb of going before it ("第二次上延福花园" is
    cut 上延福/花园), or the word after it ("锦地罗不需要", "呋塞米会导致"): where neither
    jieba's dictionary nor any article has the word, the name is what is left (上海市
    stays whole)."""
    if flag not in _NAME_TAGS or len(word) < 3 or in_dictionary(word) or (lexical is not None and lexical.frequency(word) > 0):
        return word
    table = rules()
    if word.startswith(table.going):
        return word[1:]
    return word[:-1] if word.endswith(table.glued_after) else word


def _is_a_name(words: tuple[tuple[str, str, int], ...], index: int) -> bool:
    """A word jieba tags as a person's name names someone (滕军红) or heads the name of a
    thing (亚太/基金会); otherwise the tag is wrong (师傅, 今天下午), as it is for the
    everyday words of rules.toml not_names whatever the tag (普通 is tagged nz)."""
    word, flag, _ = words[index]
    if word in rules().not_names or _straddles(words, index) or _reduplicated(word):
        return False
    return flag not in PERSON_TAGS or rules().is_person_name(word) or names_a_thing(words, index)


def _reduplicated(word: str) -> bool:
    """普普通通, 明明白白: a word of two doubled characters describes; it names nobody."""
    return len(word) == 4 and word[0] == word[1] and word[2] == word[3]


def _cut_across(text: str, words: tuple[tuple[str, str, int], ...], index: int, lexical: LexicalIndex | None) -> bool:
    """"综保区里海程邦达那个项目": jieba finds 里海 (the Caspian) where the question runs
    区里 into 海程邦达. A place the collection never names, whose last character starts
    a word the collection has with the characters after it (海程), is such a cut."""
    word, _, at = words[index]
    if lexical is None or lexical.frequency(word.lower()) or index + 1 >= len(words):
        return False
    tail = text[at + len(word) - 1 : at + len(word) + 1].lower()
    return len(tail) == 2 and lexical.frequency(tail) > 0


def _straddles(words: tuple[tuple[str, str, int], ...], index: int) -> bool:
    """jieba guesses a name of two characters that each end or start an everyday word
    with their neighbours: "搭台子练笔头" is cut 搭台/子练/笔头, where 台子 and 练笔 are
    words and 子练 is nobody."""
    word = words[index][0]
    if len(word) != 2 or index == 0 or index + 1 >= len(words) or in_dictionary(word):
        return False
    return in_dictionary(words[index - 1][0][-1] + word[0]) and in_dictionary(word[1] + words[index + 1][0][0])


def names_a_thing(words: tuple[tuple[str, str, int], ...], index: int) -> bool:
    """jieba tags the first word of many company and project names as a person
    ("海程/邦达/半导体芯片/项目", "凤麟/核/中科…有限公司"). A name is followed by a verb,
    a title or punctuation, not by a common noun that goes on naming a thing."""
    if index + 1 >= len(words):
        return False
    word, flag, _ = words[index + 1]
    return flag.startswith("n") and flag not in PERSON_TAGS and not word.endswith(rules().person_titles)


def _stated_in_english(text: str) -> tuple[Constraint, ...]:
    """Years, periods and phases, written the same way in both languages, and the places
    an English question names with their level ("Jimo District" -> 即墨区): other names
    reach Chinese only through the glossary, too loosely to insist on."""
    table = rules()
    stated = [Constraint(kind, value) for kind in ("year", "relative_year", "period", "phase") for value in values_of(kind, text)]
    for match in table.english_place.finditer(text):
        level = table.english_levels[match.group(2).lower()]
        # "China Digital City Competitiveness" is a title: a place's name is its own
        # (Laoshan), or one the paper names (West Coast New Area -> 西海岸新区)
        common = is_english_word(match.group(1).split()[-1])
        for chinese in english_equivalents(match.group(1)):
            place = chinese[0] if chinese[0].endswith(level) else chinese[0] + level
            if len(chinese) == 1 and place not in table.ubiquitous and (not common or place in table.places):
                stated.append(Constraint("place", place))
    stated.extend(_contrasts_in(text, english=True))
    return tuple(dict.fromkeys(stated))


def issue_dated(text: str, constraints: tuple[Constraint, ...]) -> tuple[Constraint, ...]:
    """"According to the November 2022 report", "2022年11月那篇报道说": the year dates the
    paper the question points to, not the fact it asks, and becomes an "issue" condition
    ("2022-11") on the article's date. It stays a year condition where the question
    states it again elsewhere ("…那篇报道说2022年…")."""
    found = list(rules().issue_date.finditer(text))
    if not found:
        return constraints
    rest = text
    issues = []
    for match in found:
        rest = rest.replace(match.group(0), " ")
        year = re.search(r"(?:19|20)\d\d", match.group(0)).group(0)
        # "November 2022" -> 11月 by the English conditions table; "2022年11月22日" has its own
        months = (rules().english_conditions.get(word, "") for word in match.group(0).lower().split())
        number = int(re.search(r"(\d{1,2})月", "".join(months) or match.group(0)).group(1))
        issues.append(Constraint("issue", f"{year}-{number:02d}"))
    again = set(values_of("year", rest))
    return tuple(c for c in constraints if c.kind != "year" or c.value in again) + tuple(dict.fromkeys(issues))


def values_of(kind: str, text: str) -> list[str]:
    """The values of one kind of condition (years, periods, phases) stated in `text`,
    spelt canonically."""
    return list(dict.fromkeys(value for _, value in stated_at(kind, text)))


def stated_at(kind: str, text: str) -> list[tuple[int, str]]:
    """Where each value of one kind of condition starts in `text`, with its canonical
    spelling: for checks that ask whose phase or batch a value is."""
    return [(m.start(), _canonical(kind, m.group(0))) for m in rules().constraints[kind].finditer(text)]


_CHINESE_NUMBER = re.compile(f"[{_DIGIT_WORDS}]?十[{_DIGIT_WORDS}]?|[{_DIGIT_WORDS}]")


def _chinese_number(text: str) -> int:
    """"十四" -> 14, "二十" -> 20, "三" -> 3: the numbers of editions and phases (to 99)."""
    if "十" not in text:
        return _DIGIT_WORDS.index(text) + 1
    tens, _, ones = text.partition("十")
    return (_DIGIT_WORDS.index(tens) + 1 if tens else 1) * 10 + (_DIGIT_WORDS.index(ones) + 1 if ones else 0)


def _canonical(kind: str, value: str) -> str:
    """One spelling per value, so "第3批" and "第三批", "2023年" and "2023" compare equal."""
    value = value.lower().strip()
    value = rules().english_conditions.get(value.replace("-", " "), value)  # "third-phase" is "third phase"
    if kind == "phase":
        value = re.sub(r"(工程|项目|建设|规划)$", "", value)
        value = _CHINESE_NUMBER.sub(lambda m: str(_chinese_number(m.group(0))), value)
        value = {"首批": "第1批", "首届": "第1届", "首期": "1期", "首轮": "第1轮"}.get(value, value)
        value = re.sub(r"^第(\d+期)$", r"\1", value)  # 第二期 and 二期 are the same phase
    if kind == "period":
        if end := re.search(r"(\d{1,2})月[底末]$|end of (\w+)$", value):  # "截至当年7月底", "by the end of July": 7月底
            return (end.group(1) + "月" if end.group(1) else rules().english_conditions[end.group(2)]) + "底"
        value = value.replace("第", "")
        # 前10个月, 1-10月, 一至十月: one span of months, spelt "1-10月"
        value = _CHINESE_NUMBER.sub(lambda m: str(_chinese_number(m.group(0))), value) if value.endswith("月") else value
        if months := re.fullmatch(r"前(\d{1,2})个?月", value):
            value = f"1-{months.group(1)}月"
        value = re.sub(r"^(\d{1,2})[-—－至到](\d{1,2})月$", r"\1-\2月", value)
    return value


def _count(text: str) -> int | None:
    table = rules()
    if match := re.search(r"(?:哪|这)([两二三四五六七八九十])|\b(two|three|four|five|six)\b", text, re.IGNORECASE):
        word = (match.group(1) or match.group(2)).lower()
        return table.count_words.get(word)
    return None


_QUALIFIER_TAGS = frozenset({"a", "b"})  # adjectives and distinguishing words before the counted noun
# 哪两场, 这三个, 哪所, 哪家, 几个: the count and the measure word of a question word are no
# topic words ("哪所大学" would otherwise find 研究所)
_JOINED = re.compile(r"\s*(?:and|or|&|/|和|与|或|及|、|加)\s*")  # the words between two sides asked together
_COUNTED = re.compile(r"([哪这几])(?:[两二三四五六七八九十][\u4e00-\u9fff]|(?<=[哪几])一?[所家个位座条项种名处间栋年天])")  # 哪一年, 几天


def _without_count(match: re.Match[str]) -> str:
    """"哪三样家底" keeps 家底 apart from 哪: glued back together they read as 哪家 and 底."""
    counted = len(match.group(0)) > 2 and match.group(0)[1] != "一"
    return match.group(1) + ("，" if counted else "")


_PLACE = r"[\u4e00-\u9fff]{1,8}?(?:区|市|县|局|镇|街道|公司|集团|中心|学校|医院)"
_ENGLISH_ASKS = re.compile(r"\b(?:how|what|when|who|whom|which|where|why)\b", re.IGNORECASE)
# ", and in how many rooms…", ", and at what time…": a preposition may lead the second question
_ENGLISH_AND = re.compile(r",?\s+and\s+(?=(?:(?:in|at|on|for|from|to|by|with) )?(?:how|what|when|who|whom|which|where|why)\b)", re.IGNORECASE)
_PAIR = re.compile(rf"({_PLACE})(?:和|与|及|、)({_PLACE})")
_EACH = re.compile(r"各自|分别|各")


def resolve_follow_up(question: str, earlier: list[str]) -> str:
    """"那崂山区呢？" after "市北区2023年地区生产总值预期增长多少？" asks the same about
    崂山区: the earlier question with its part of the same kind replaced (a year, a
    period or phase, a place, a measure of one [[contrasts]] table, else its subject).
    Any other question, or one with nothing of its kind to replace, stays as it is."""
    if restated := _pronoun_restated(question):
        return restated
    match = rules().ellipsis.fullmatch(question.strip())
    if not match or not earlier:
        return question
    changed, last = match.group(1), earlier[-1]
    old, new = _same_kind(changed, last)
    return last.replace(old, new, 1) if old else question


def _pronoun_restated(question: str) -> str:
    """"那2022年那篇写的浮山供热中心站呢？它管着多大一摊？" asks "…浮山供热中心站管着多大一摊？":
    the pronoun stands for the new subject where that is a place or a thing of the kinds
    in [follow_up] subject_heads; "" for any other question."""
    pattern, heads = rules().new_subject
    match = pattern.fullmatch(question.strip())
    if not match:
        return ""
    subject, rest = match.groups()
    if subject.endswith(heads) or any(c.kind == "place" and subject.endswith(c.value) for c in constraints_in(subject)):
        return subject + rest
    return ""


def _same_kind(changed: str, last: str) -> tuple[str, str]:
    """The part of `last` that `changed` stands in for, and what replaces it; ("", "")
    when `last` has nothing of its kind."""
    table = rules()
    for kind in ("year", "period", "phase"):
        if (new := table.constraints[kind].search(changed)) and (old := table.constraints[kind].search(last)):
            return old.group(0), new.group(0)
    if any(c.kind == "place" for c in constraints_in(changed)):
        if place := next((c.value for c in constraints_in(last) if c.kind == "place"), ""):
            return place, changed
    for contrast in table.contrasts:
        words = sorted((w for side in contrast.sides for w in side), key=len, reverse=True)
        if any(w in changed for w in words) and (old_word := next((w for w in words if w in last and w not in changed), "")):
            return old_word, changed
    if same_head := _same_head(changed, last):
        return same_head, changed
    subject = _subject(last)
    return (subject, changed) if len(subject) >= 2 and _is_a_name_only(changed) else ("", "")


def _same_head(changed: str, last: str) -> str:
    """"历史城区呢？" after "市北区2023年对邮轮港区有什么安排？": the nouns of `last` that end
    as `changed` does (港区, 城区: both areas), other than a district the question is set
    in; "" when there are none."""
    named, words = tagged(changed), tagged(last)
    if not named or not _is_a_name_only(changed):
        return ""
    head = named[-1][0]
    places = rules().places
    for index in reversed(range(len(words))):
        word, flag, at = words[index]
        if flag.startswith("n") and len(word) >= 2 and word[-1] == head[-1] and word not in places:
            start = index
            while start and words[start - 1][1].startswith("n") and words[start - 1][0] not in places:
                start -= 1
            phrase = last[words[start][2] : at + len(word)]
            return phrase if phrase != changed else ""
    return ""


def _is_a_name_only(text: str) -> bool:
    """"张村河水质净化厂" can stand in for another subject; "要开工建设的学校" describes
    what it asks about and is no subject to swap in."""
    return not _QUESTION_WORD.search(text) and not any(flag[:1] in _NOT_IN_NAMES for _, flag, _ in tagged(text))


def split_question(question: str) -> list[str]:
    """"A？B？", "甲和乙各自…" and "how many…, and how fast…?" ask two things; each part
    is answered (and cited) on its own."""
    parts: list[str] = []
    for part in (p.strip() for p in re.split(r"(?<=[？?])", question) if len(p.strip()) >= 4):
        if parts and _EACH.match(part):  # "…哪几篇？分别是谁写的？": each item of the part before
            parts[-1] += part
        else:
            parts.append(part)
    if len(parts) > 1:
        return [piece for part in parts for piece in split_question(part)]
    first, *others = _ENGLISH_AND.split(question)
    if others:  # the scene before the first question word belongs to every clause
        scene = first[: asks.start()] if (asks := _ENGLISH_ASKS.search(first)) else ""
        scene = scene if scene.rstrip().endswith(",") else ""  # "In which building…": a preposition, no scene
        return [first.rstrip(" ,") + "?", *(scene + other for other in others)]
    pair = _PAIR.search(question)
    if pair and _EACH.search(question):
        rest = _EACH.sub("", question)
        return [rest.replace(pair.group(0), name) for name in pair.groups()]
    return [question]
