"""The tables of rules.toml, compiled once.

Everything the answerer knows about question words, units, periods and synonyms is
in that file; this module only turns its lists into compiled patterns, so code
elsewhere asks "which type does this question ask for" rather than holding regexes.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..lexical import is_english

_LEADING_CLAUSE = re.compile(
    r"(?:when|after|before|while|once|as|since)\b[^,?]*,\s*(?=(?:how|what|when|who|whom|which|where|why|by how)\b)", re.IGNORECASE
)
# "Mr Tao, who moved…, came from Zhucheng. Which city…?": the sentences before the last
# set the scene, and their "who" is no question word ("No. 2", "Mr. Li" end no sentence)
_SENTENCE_END = re.compile(r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bNo)[.!;]\s+(?=[A-Z])")
_ENGLISH_PHRASE = 16  # characters after an English question word that still belong to its phrase
RULES_FILE = Path(__file__).with_name("rules.toml")
CN_DIGITS = "零〇一二两三四五六七八九十百千"
NUMBER = rf"(?:\d[\d,，]*(?:\.\d+)?|[{CN_DIGITS}]+(?:点[{CN_DIGITS}]+)?)"


_FIGURE = re.compile(rf"(?:约|近|超|超过)?({NUMBER})\s*(万亿|[万亿千百])?[余多]?\s*(.*)")


def figure_parts(figure: str) -> tuple[float, str, str] | None:
    """"3.35亿平方米" -> (335000000.0, "亿", "平方米"): a figure written in digits, as its
    size, its multiplier and its unit; None for one in words (三年). A year (2022年) reads as
    a size too: callers that meet dates rule it out."""
    match = _FIGURE.fullmatch(figure.strip())
    if not match or not re.fullmatch(r"[\d,，.]+", match.group(1)):
        return None
    number = float(match.group(1).replace(",", "").replace("，", ""))
    return number * rules().english_multipliers.get(match.group(2) or "", 1.0), match.group(2) or "", match.group(3).strip()


def clause_ends(marks: str) -> re.Pattern[str]:
    """Where a clause ends: at any of `marks`, but for an ASCII comma or colon between
    digits, which belongs to a number ("海拔1,900米", "下午5:00～6:30")."""
    plain = "".join(m for m in marks if m not in ",:")
    numeric = "".join(m for m in marks if m in ",:")
    parts = [f"[{re.escape(plain)}]"] if plain else []
    if numeric:
        parts.append(rf"(?<!\d)[{numeric}]|[{numeric}](?!\d)")
    return re.compile("|".join(parts))


def clause_around(text: str, start: int, end: int, boundary: re.Pattern[str]) -> tuple[int, int]:
    """Where the clause of `text` holding text[start:end] begins and ends, clauses ending at `boundary`."""
    first = max((m.end() for m in boundary.finditer(text, 0, start)), default=0)
    last = m.start() if (m := boundary.search(text, end)) else len(text)
    return first, last


def _any(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def _with_titles(pattern: str, titles: tuple[str, ...]) -> str:
    """A question pattern may name `{person_titles}`: "总经理叫什么名字" asks for a
    person as "站长是谁" does, and the titles are one list, not one per pattern."""
    return pattern.replace("{person_titles}", "|".join(map(re.escape, titles)))


# A later clause asking with a question word of no set type ("…，他做了什么调整？")
_ASKED_AFTER = re.compile(r"[，,；;][^？?]*?(?:什么|怎么|怎样|如何|为何|为什么|哪|谁)")


def question_sentence(question: str) -> int:
    """Where an English question's last sentence starts: 0 when it is one sentence."""
    return max((end.end() for end in _SENTENCE_END.finditer(question)), default=0)


@dataclass(frozen=True)
class Contrast:
    name: str
    sides: tuple[tuple[str, ...], ...]  # two or more: a question on one side is not answered by another


# The [evidence] entries that are words or characters, not patterns of an answer type.
_WORD_LISTS = {"named_heads", "owner_heads", "named_kinds", "unnamed_bodies", "facility_heads", "unnamed_openers", "org_suffixes", "place_suffixes", "person_titles", "generic_roles", "leaders", "surnames", "compound_surnames", "transliteration", "not_names", "going", "glued_after", "glued_verbs"}


@dataclass(frozen=True)
class Printed:
    """[printed]: the words that pick reports by how the paper printed them."""

    parts: tuple[tuple[str, str], ...]  # (a word naming a part of a report, the part), longest word first
    names: dict[str, str]  # the part as an answer calls it
    asks: re.Pattern[str]
    starts: re.Pattern[str]
    denied: re.Pattern[str]
    present: re.Pattern[str]
    question_mark: re.Pattern[str]
    quotation: re.Pattern[str]
    colon: re.Pattern[str]
    signed_by: re.Pattern[str]
    jointly: re.Pattern[str]
    unsigned: re.Pattern[str]


@dataclass(frozen=True)
class Rules:
    types: tuple[tuple[str, re.Pattern[str]], ...]
    list_question: re.Pattern[str]
    summary_question: re.Pattern[str]
    list_key: re.Pattern[str]
    several: re.Pattern[str]  # a figure asked for each of several things ("各有多少个")
    attribute: re.Pattern[str]
    attribute_openers: tuple[str, ...]  # "主要" of "主要支流有：…", longest first
    defined: re.Pattern[str]  # "什么是冠夫姓": group 1 is the term asked to be defined
    defining: tuple[str, ...]  # "冠夫姓（或从夫姓），指…": what follows the term in its definition
    mentions: re.Pattern[str]  # "提到了“三年”": group 1 is the word looked for in every article
    recurring: re.Pattern[str]  # "“1500”…在两篇报道里都出现过": group 1, looked for as a mention is
    given: re.Pattern[str]  # "这492吨说的是哪种污染物": group 1 is the figure pointed at
    across: re.Pattern[str]  # the question asks across the paper ("这几期报纸里")
    numbered_name: re.Pattern[str]  # a name counting its members ("五区同创", "四大专业园区")
    listing_marks: re.Pattern[str]  # what a clause that lists members holds (、, 一是, 包括)
    ellipsis: re.Pattern[str]  # "那崂山区呢？": group 1 is what changes
    new_subject: tuple[re.Pattern[str], tuple[str, ...]]  # "那X呢？它…": X and the question, the kinds of X a pronoun stands for
    what_next: re.Pattern[str]  # a follow-up asking what the article tells after the last answer
    count_words: dict[str, int]
    evidence: dict[str, re.Pattern[str]]
    named_heads: tuple[str, ...]
    facility_heads: tuple[str, ...]
    owner_heads: tuple[str, ...]  # "官路水库工程的项目负责人": the owner's name must be in the answer
    named_kinds: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]  # "哪家医院": a name then says 医院
    unnamed_bodies: tuple[re.Pattern[str], ...]  # groups stem and kind: "哪家物业公司"
    unnamed_openers: tuple[str, ...]
    org_suffixes: tuple[str, ...]
    place_suffixes: tuple[str, ...]  # longest first
    person_titles: tuple[str, ...]  # longest first: 总经理 before 经理
    generic_roles: tuple[str, ...]  # roles ("负责人") a sentence names by any of `leaders`
    leaders: tuple[str, ...]
    surnames: tuple[str, ...]
    transliteration: frozenset[str]  # the characters foreign names are written with
    not_names: frozenset[str]  # common words jieba tags as names
    going: tuple[str, ...]  # verbs of going jieba glues to an unknown name
    glued_after: tuple[str, ...]  # words jieba glues to the end of an unknown name
    glued_verbs: tuple[str, ...]  # verbs jieba glues to a one-character noun (根有)
    units: dict[str, tuple[str, ...]]  # each group with its units' symbols
    unit_symbols: dict[str, tuple[str, ...]]  # 公里 -> km
    multipliers: str
    not_units: tuple[str, ...]  # words a unit starts that are no unit (位数)
    measures: tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...]
    constraints: dict[str, re.Pattern[str]]
    contrasts: tuple[Contrast, ...]
    events: tuple[tuple[str, ...], ...]  # the words of one event each, Chinese first, longest first
    event_reach: int  # characters after a date in which its event's word stands
    happened: re.Pattern[str]  # a question asking when an event took place ("是哪天交付使用的")
    planned: tuple[str, ...]  # words before a date that is only a plan (预计, 计划)
    plan_reach: int
    running_total: tuple[tuple[str, ...], re.Pattern[str]]  # words asking for a total since the start, a span's words giving one
    this_round: tuple[str, ...]  # words pointing at the round in the news, whose batch a total is within
    saving: tuple[tuple[str, ...], tuple[str, ...], int]  # words asking what was saved, words saying it, their reach to the figure
    vague_amount: tuple[re.Pattern[str], int]  # words of an amount without a figure (很多, 更多), their reach to the thing counted
    years: tuple[re.Pattern[str], re.Pattern[str]]  # a year asked ("哪一年"), and a year said
    days: tuple[re.Pattern[str], re.Pattern[str]]  # a day asked, and what gives one
    months: tuple[re.Pattern[str], re.Pattern[str]]  # a month asked ("几月份"), and what gives one
    series: tuple[str, ...]  # measure words of a series' ordinal ("第几届"), which only its own ordinal answers
    issue_date: re.Pattern[str]  # the month of the paper a question points to ("the November 2022 report")
    ubiquitous: frozenset[str]  # places every article implies, and kinds of place: never a condition
    rate_qualifiers: frozenset[str]  # "投资的预期增长目标": words between a thing and its rate that are not the thing
    kinds_of_place: frozenset[str]  # 城市, 县级市: what "哪个县级市" asks for, which no article need write
    spoken: re.Pattern[str]  # a reader's spoken question words (啥), read as the written ones in `written`
    written: dict[str, str]
    filler: frozenset[str]  # words of a spoken question that carry no topic
    pointing: frozenset[str]  # 那场, 这家: filler where no article uses them
    filler_phrases: re.Pattern[str]  # 叫什么名字: asks for a name, names no topic
    places: tuple[str, ...]  # the collection's districts and cities, longest first
    whole_city: tuple[tuple[str, ...], tuple[str, ...]]  # words asking for the whole city, and words saying it
    rate_words: frozenset[str]  # an English rate question's words that name no rated thing
    place_levels: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]  # "哪个区" -> names ending in 区
    synonyms: dict[str, tuple[str, ...]]
    relations: frozenset[str]  # the words of [synonym_groups]: 成立, 逝世, 位于…
    english_units: dict[str, str]
    english_counted: dict[str, tuple[str, ...]]  # "enterprises" -> 家, 个: the measure words a count of them takes
    english_multipliers: dict[str, float]
    english_conditions: dict[str, str]
    english_place: re.Pattern[str]  # a capitalised name before a place's level ("Jimo District")
    english_levels: dict[str, str]  # "district" -> 区
    english_role: re.Pattern[str]  # "who is the (deputy) chairman": group 1 the title asked
    leans_back: tuple[str, ...]
    points_back: tuple[str, ...]
    max_quote: int
    speaker_tag: re.Pattern[str]  # "乔智明说。" after a closing quotation mark
    cut_short: re.Pattern[str]  # "…的地理位置为。": a sentence that lost its value
    printed: Printed

    def as_written(self, question: str) -> str:
        """The question with its spoken question words (啥, 咋) in writing, so that one
        table of question words serves both registers."""
        return self.spoken.sub(lambda found: self.written[found.group()], question)

    def answer_type(self, question: str) -> tuple[str, re.Match[str] | None]:
        """The type of answer the question asks for, and where its question word is.

        A Chinese question word sits anywhere, so the table's order decides between
        matches. An English one leads its clause ("Who accompanied … when he visited …"
        asks for a person, not a date), so there only the matches within the opening
        question phrase ("how many percentage points") are weighed by the table's order;
        a clause setting the scene comes first ("When Sun spoke at Haier, what did he
        say…" asks for what), and so may whole sentences ("Mr Tao, who moved…, came from
        Zhucheng. Which city…?" asks in its last)."""
        english = is_english(question)
        start = question_sentence(question) if english else 0
        lead = _LEADING_CLAUSE.match(question, start) if english else None
        found = [(match, kind) for kind, pattern in self.types if (match := pattern.search(question, lead.end() if lead else start))]
        if not found and start:
            found = [(match, kind) for kind, pattern in self.types if (match := pattern.search(question))]
        if not found:
            return "description", None
        if english:
            first = min(match.start() for match, _ in found)
            found = [(match, kind) for match, kind in found if match.start() <= first + _ENGLISH_PHRASE]
        elif found[0][1] == "quantity" and found[0][0].group().startswith("几"):
            # "跟中亚几个国家一起办的论坛叫什么名字": 几 before another question word means "several"
            later = [(match, kind) for match, kind in found[1:] if kind != "quantity" and match.start() > found[0][0].end()]
            if not later and _ASKED_AFTER.search(question, found[0][0].end()):
                return "description", None  # "发现几间屋子冷热差得多，…做了什么调整": the scene's 几, a later clause asks
            found = later or found
        match, kind = found[0]
        return kind, match

    def is_person_name(self, word: str) -> bool:
        """jieba's person tag alone calls 二十大, 今天下午, 师傅 and 海尔 people. A Chinese
        name is two to four characters, starts with a surname and does not end like a
        place (张村); a foreign one (达尔文) is three or more characters of transliteration."""
        if word.endswith(self.place_suffixes + self.org_suffixes) or word in self.not_names:
            return False
        chinese = 2 <= len(word) <= 4 and word.startswith(self.surnames)
        return chinese or len(word) >= 3 and all(char in self.transliteration for char in word)

    def quantity_pattern(self, units: tuple[str, ...]) -> re.Pattern[str]:
        return _quantity_pattern(units, self.multipliers, self.not_units)

    def all_units(self) -> tuple[str, ...]:
        return tuple(unit for group in self.units.values() for unit in group)


@cache
def _quantity_pattern(units: tuple[str, ...], multipliers: str, not_units: tuple[str, ...]) -> re.Pattern[str]:
    """A number, optional multipliers (万, 亿, 余…), then one of `units`, unless the unit
    starts one of `not_units` (两位数) or a longer unit not asked: a count in 个 is not
    "3个月". Built once per set of units; the table's units are read here, not per call."""
    every = rules().all_units()
    ordered = sorted(set(units), key=len, reverse=True)

    def alone(u: str) -> str:
        # A symbol ends its word ("5 million" holds no metres); a Chinese unit need not ("10次WTA").
        longer = sorted({other[len(u):] for other in every if other.startswith(u) and other != u and other not in units}, key=len, reverse=True)
        ending = "(?![a-z])" if u[-1].isascii() and u[-1].isalpha() else f"(?!{'|'.join(map(re.escape, longer))})" if longer else ""
        return re.escape(u) + ending

    unit = "|".join(map(alone, ordered)) if ordered else r"[^\W\d]"
    exception = f"(?!{'|'.join(re.escape(word) for word in not_units)})" if not_units else ""
    return re.compile(rf"{NUMBER}\s*[{multipliers}]{{0,3}}\s*{exception}(?:{unit})", re.IGNORECASE)


@cache
def rules() -> Rules:
    data = tomllib.loads(RULES_FILE.read_text(encoding="utf-8"))
    evidence = data["evidence"]
    symbols = {unit: tuple(spellings) for unit, spellings in data["unit_symbols"].items()}
    units = {
        name: tuple(dict.fromkeys(u for unit in values for u in (unit, *symbols.get(unit, ()))))
        for name, values in data["units"].items()
        if name not in {"multipliers", "not_units"}
    }
    titles = tuple(sorted(evidence["person_titles"], key=len, reverse=True))  # 总经理 before 经理
    return Rules(
        types=tuple((entry["type"], _any([_with_titles(p, titles) for p in entry["ask"]])) for entry in data["types"]),
        list_question=_any(data["lists"]["ask"]),
        summary_question=_any(data["lists"]["summary"]),
        list_key=_any(data["lists"]["key"]),
        several=_any(data["lists"]["several"]),
        attribute=_any(data["lists"]["attribute"]),
        attribute_openers=tuple(sorted(data["lists"]["attribute_openers"], key=len, reverse=True)),
        defined=_any(data["lists"]["defined"]),
        defining=tuple(data["lists"]["defining"]),
        mentions=_any(data["lists"]["mentions"]),
        recurring=_any(data["lists"]["recurring"]),
        given=_any([pattern.replace("{figure}", data["lists"]["given_figure"]) for pattern in data["lists"]["given"]]),
        across=_any(data["lists"]["across"]),
        numbered_name=_any(data["lists"]["numbered_name"]),
        listing_marks=_any([re.escape(mark) for mark in data["lists"]["listing_marks"]]),
        ellipsis=re.compile(data["follow_up"]["ellipsis"]),
        new_subject=(re.compile(data["follow_up"]["new_subject"]), tuple(data["follow_up"]["subject_heads"])),
        what_next=_any(data["follow_up"]["what_next"]),
        count_words=dict(data["lists"]["count_words"]),
        evidence={kind: _any(patterns) for kind, patterns in evidence.items() if kind not in _WORD_LISTS},
        named_heads=tuple(evidence["named_heads"]),
        facility_heads=tuple(evidence["facility_heads"]),
        owner_heads=tuple(evidence["owner_heads"]),
        named_kinds=tuple((re.compile(rf"哪[家所个座]?(?:{kind['ask']})|\b(?i:which (?:{kind['english']}))\b"), tuple(kind["said"]))
                          for kind in evidence["named_kinds"]),
        unnamed_bodies=tuple(map(re.compile, evidence["unnamed_bodies"])),
        unnamed_openers=tuple(evidence["unnamed_openers"]),
        org_suffixes=tuple(evidence["org_suffixes"]),
        place_suffixes=tuple(sorted(evidence["place_suffixes"], key=len, reverse=True)),  # 新区 before 区
        person_titles=titles,
        generic_roles=tuple(evidence["generic_roles"]),
        leaders=tuple(evidence["leaders"]),
        surnames=(*evidence["compound_surnames"], *evidence["surnames"].replace("\n", "")),
        transliteration=frozenset(evidence["transliteration"].replace("\n", "")),
        not_names=frozenset(evidence["not_names"]),
        going=tuple(evidence["going"]),
        glued_after=tuple(evidence["glued_after"]),
        glued_verbs=tuple(evidence["glued_verbs"]),
        units=units,
        unit_symbols=symbols,
        multipliers="".join(data["units"]["multipliers"]),
        not_units=tuple(data["units"]["not_units"]),
        measures=tuple(
            (name, _any(entry["ask"]), tuple(u for group in entry["units"] for u in units[group]))
            for name, entry in data["measures"].items()
        ),
        constraints={kind: _any(entry["find"]) for kind, entry in data["constraints"].items()},
        contrasts=tuple(
            Contrast(entry["name"], tuple(tuple(side) for side in entry["sides"])) for entry in data["contrasts"]
        ),
        events=tuple(tuple(sorted(group, key=lambda word: (word.isascii(), -len(word)))) for group in data["events"]["groups"]),
        event_reach=int(data["events"]["reach"]),
        happened=_any(data["events"]["happened"]),
        planned=tuple(data["events"]["planned"]),
        plan_reach=int(data["events"]["plan_reach"]),
        running_total=(tuple(data["running_total"]["asked"]), _any(data["running_total"]["said"])),
        this_round=tuple(data["running_total"]["this_round"]),
        saving=(tuple(data["saving"]["asked"]), tuple(data["saving"]["said"]), int(data["saving"]["reach"])),
        vague_amount=(_any(data["vague_amount"]["said"]), int(data["vague_amount"]["reach"])),
        years=(_any(data["years"]["asked"]), _any(data["years"]["said"])),
        days=(_any(data["days"]["asked"]), _any(data["days"]["said"])),
        months=(_any(data["months"]["asked"]), _any(data["months"]["said"])),
        series=tuple(data["series"]["measures"]),
        issue_date=_any(data["issue_date"]["find"]),
        ubiquitous=frozenset(data["ubiquitous"]["words"] + data["ubiquitous"]["generic"] + data["ubiquitous"]["not_places"]),
        kinds_of_place=frozenset(data["ubiquitous"]["generic"]),
        rate_qualifiers=frozenset(data["rates"]["qualifiers"]),
        spoken=re.compile("|".join(sorted(map(re.escape, data["spoken"]), key=len, reverse=True))),
        written=dict(data["spoken"]),
        filler=frozenset(data["filler"]["words"]),
        pointing=frozenset(pointer + unit for pointer in data["filler"]["pointers"] for unit in data["units"]["count"] if len(unit) == 1),
        filler_phrases=_any(data["filler"]["phrases"]),
        places=tuple(sorted(data["places"]["named"], key=len, reverse=True)),
        whole_city=(tuple(data["places"]["whole_city_asked"]), tuple(data["places"]["whole_city_said"])),
        rate_words=frozenset(data["rates"]["words"]),
        place_levels=tuple((re.compile(level["ask"], re.IGNORECASE), tuple(level["ends"])) for level in data["places"]["levels"]),
        synonyms=_with_groups(data["synonyms"], data["synonym_groups"]["groups"]),
        relations=frozenset(word for group in data["synonym_groups"]["groups"] for word in group),
        english_units=dict(data["english"]["units"]),
        english_counted={noun: tuple(units) for noun, units in data["english"]["counted"].items()},
        english_multipliers={k: float(v) for k, v in data["english"]["multipliers"].items()},
        english_conditions=dict(data["english"]["conditions"]),
        english_place=re.compile(
            r"((?:\b[A-Z][\w'-]*\s+){1,3})(?i:(" + "|".join(map(re.escape, data["english"]["places"])) + r"))\b"
        ),
        english_levels=dict(data["english"]["places"]),
        english_role=re.compile(
            r"\bwho (?:heads|leads|chairs|directs|runs|(?:is|was) (?:the )?((?:(?:executive|vice|deputy|general|party) )*(?:[a-z]+ )?(?:"
            + "|".join(map(re.escape, data["english"]["roles"]["titles"])) + r"))\b)",
            re.I,
        ),
        leans_back=tuple(sorted(data["quotes"]["leans_back"], key=len, reverse=True)),
        points_back=tuple(data["quotes"]["points_back"]),
        max_quote=int(data["quotes"]["max_chars"]),
        cut_short=_any(data["quotes"]["cut_short"]),
        speaker_tag=re.compile(r"[^，,。！？!?“”「」]{1,30}(?:" + "|".join(map(re.escape, data["quotes"]["said"])) + r")道?[。！!]?"),
        printed=_printed(data["printed"]),
    )


def _printed(data: dict) -> Printed:
    patterns = {key: _any(data[key]) for key in ("asks", "starts", "denied", "present", "question_mark", "quotation", "colon", "signed_by", "jointly", "unsigned")}
    parts = tuple(sorted(data["parts"].items(), key=lambda item: len(item[0]), reverse=True))
    return Printed(parts=parts, names=dict(data["names"]), **patterns)


def _with_groups(synonyms: dict[str, list[str]], groups: list[list[str]]) -> dict[str, tuple[str, ...]]:
    """The one-way synonyms plus every word of a group matching the rest of its group."""
    merged = {word: list(values) for word, values in synonyms.items()}
    for group in groups:
        for word in group:
            merged.setdefault(word, []).extend(other for other in group if other != word and other not in merged[word])
    return {word: tuple(values) for word, values in merged.items()}
