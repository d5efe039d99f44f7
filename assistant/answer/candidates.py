"""Answer candidates: sentences and clauses of the retrieved chunks, judged in their article.

Each candidate gets a small set of named features (how much of the question it
covers itself, how much its headline and neighbours cover, whether it holds the
asked kind of fact next to the focus, whether the question's conditions hold…).
`model.py` weighs them; the weights are learnt on the training split, so no number
here is tuned by hand.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ..chunk import Chunk, sentence_spans
from ..guard import instruction_spans, without_instructions
from ..retrieve import Hit
from ..tagging import dictionary_tag, tagged
from .question import PERSON_TAGS, Constraint, Question, Term, names_a_thing, values_of
from .rules import clause_ends, figure_parts, rules

MAX_SENTENCE = 150  # characters: a longer sentence is judged (and quoted) by its clauses
MAX_CLAUSES = 100
_CLAUSE_END = clause_ends("，,：:、")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_NEAR = 15  # characters between the asked kind of fact and a question word to count as "next to it"
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_NAMES = frozenset({"person", "org", "place"})
_ORG_TAGS = {"nt"}
_PLACE_TAGS = {"ns"}
_SCOPE_FIRST = "全各本我该此"  # 全省, 各区, 本市, 我市: a scope, not a name's last word


@dataclass(frozen=True)
class Article:
    """The article a span sits in: its headline and full text count toward topic words
    (not its flagged instructions, guard.py)."""

    id: str
    title: str
    section: str
    date: str
    text: str  # every chunk of the article, in order
    byline: str = ""
    sections: str = ""  # every sub-heading of the article, which its text does not hold

    @property
    def heading(self) -> str:
        return f"{self.title} {self.section}".lower()


class Articles:
    """Whole articles for the chunks being judged, fetched together once per question."""

    def __init__(self, fetch: Callable[[list[str]], dict[str, list[Chunk]]] | None) -> None:
        self.fetch = fetch
        self._cache: dict[str, Article] = {}
        self._parts: dict[str, list[Chunk]] = {}  # each article's chunks as fetched, in order

    def load(self, chunks: Iterable[Chunk]) -> None:
        """Fetch the articles of `chunks` in one request to the store."""
        by_id = {chunk.article_id: chunk for chunk in chunks if chunk.article_id not in self._cache}
        parts = self.fetch(list(by_id)) if self.fetch and by_id else {}
        for article_id, chunk in by_id.items():
            found = sorted(parts.get(article_id, []), key=lambda c: c.start)
            text = without_instructions(_join(found) if found else chunk.text)
            sections = " ".join(dict.fromkeys(part.section for part in found if part.section))
            self._cache[article_id] = Article(article_id, chunk.title, chunk.section, chunk.date, text, chunk.byline, sections)
            self._parts[article_id] = found

    def of(self, chunk: Chunk) -> Article:
        if chunk.article_id not in self._cache:
            self.load([chunk])
        return self._cache[chunk.article_id]

    def chunks(self, chunk: Chunk) -> list[Chunk]:
        """Every chunk of the article `chunk` belongs to, from the same fetch as its text."""
        self.of(chunk)
        return self._parts[chunk.article_id]


def _join(parts: list[Chunk]) -> str:
    """Chunks overlap; join them on their article offsets so no text is doubled."""
    text, end = "", 0
    for part in parts:
        if part.end <= end:
            continue
        text += part.text[max(0, end - part.start) :] if part.start < end else "\n" + part.text
        end = part.end
    return text.strip()


@dataclass
class Candidate:
    hit: Hit
    start: int  # the span inside hit.chunk.text
    end: int
    article: Article
    features: dict[str, float] = field(default_factory=dict)
    matched: frozenset[str] = frozenset()
    score: float = 0.0  # the ranker's score (model.py)
    confidence: float = 0.0  # the gate's probability that the span answers the question

    @property
    def text(self) -> str:
        return self.hit.chunk.text[self.start : self.end]

    @property
    def chunk(self) -> Chunk:
        return self.hit.chunk

    def overlaps(self, others: Iterable["Candidate"]) -> bool:
        return any(
            other.chunk.article_id == self.chunk.article_id
            and other.chunk.start + other.start < self.chunk.start + self.end
            and self.chunk.start + self.start < other.chunk.start + other.end
            for other in others
        )


def spans_of(text: str) -> list[tuple[int, int, int, int]]:
    """(span start, span end, sentence start, sentence end) for every quotable span:
    each sentence, or the clause windows of a long one. A question in the text ("为什么
    有的群众不买账？") answers nothing by itself: it is judged with the sentence after
    it in its paragraph, which answers it. Instructions addressed to a machine are
    never a span (guard.py), nor is a sentence cut short before its value ("…的地理位置为。")."""
    flagged = set(instruction_spans(text))
    sentences = _with_speakers(text, sentence_spans(text))
    spans = []
    for at, (start, end) in enumerate(sentences):
        if (start, end) in flagged or rules().cut_short.search(text, start, end):
            continue
        if text[end - 1] in "？?" and at + 1 < len(sentences) and "\n" not in text[end : sentences[at + 1][0]]:
            end = sentences[at + 1][1]
        for window in clause_windows(text, start, end):
            spans.append((*window, start, end))
    return spans


def _with_speakers(text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """"……找上门来了。”乔智明说。": the speaker's tag ends the quoted sentence before it,
    so a question naming the speaker finds what he said, not the tag alone."""
    joined: list[tuple[int, int]] = []
    for start, end in sentences:
        if joined and text[joined[-1][1] - 1] in "”」" and rules().speaker_tag.fullmatch(text, start, end):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def clause_windows(text: str, start: int, end: int, limit: int = MAX_CLAUSES) -> list[tuple[int, int]]:
    """The sentence itself when short; otherwise its runs of whole clauses that fit the
    window, so a long sentence can be quoted by the part that answers."""
    if end - start <= MAX_SENTENCE:
        return [(start, end)]
    return clause_runs(text, start, end, limit, _CLAUSE_END)


def clause_runs(text: str, start: int, end: int, limit: int, boundary: re.Pattern[str]) -> list[tuple[int, int]]:
    """From each cut (`boundary`) of text[start:end], the longest run of whole pieces
    within `limit` characters (a single piece when even that is longer)."""
    cuts = sorted({start, end, *(m.end() for m in boundary.finditer(text, start, end))})
    windows = []
    for i in range(len(cuts) - 1):
        j = i + 1
        while j + 1 < len(cuts) and cuts[j + 1] - cuts[i] <= limit:
            j += 1
        windows.append((cuts[i], cuts[j]))
    return windows


@dataclass(frozen=True)
class Topic:
    """How one article stands to the question, worked out once for all its spans."""

    whole: str  # headline, section and text, lower-cased
    present: frozenset[str]  # question terms the article contains
    features: dict[str, float]  # the article-level features every span of it shares
    local: dict[str, float]  # term weight by how few of the article's sentences say it


def topic(question: Question, article: Article, rank: int) -> Topic:
    whole = f"{article.heading} {article.text}".lower()
    # Whether the article is about what is asked: a follow-up's topic words are also
    # those of the turns it leans on ("那省级和市级的各有多少个？" after 减灾示范社区).
    own = {t.text for t in question.terms}
    about = [*question.terms, *(t for t in question.history_terms if t.text not in own)]
    present = frozenset(t.text for t in about if t.found_in(whole))
    threshold = rare_weight(about)
    rare = [t for t in about if t.weight >= threshold]
    total = sum(t.weight for t in about) or 1.0
    # A paraphrase's everyday words ("盯着…扔东西" for 高空抛物) are in no article, so no
    # article can cover them: they do not count against an article's coverage.
    # Said anyway, they count for it; the share stays a share (at most 1) when every word is
    # an everyday one ("打算改成什么？").
    topical = sum(t.weight for t in about if not t.everyday) or 1.0
    return Topic(
        whole,
        present,
        {
            "cover_article": min(1.0, sum(t.weight for t in about if t.text in present) / topical),
            "rare_missing": sum(1 for t in rare if t.text not in present) / max(len(rare), 1),
            "unknown": sum(t.weight for t in about if not t.seen) / total,
            "subject": longest_run(question.subject, whole),
            "rank": 1.0 / rank,
        },
        {t.text: t.weight / (1 + whole.count(t.text)) for t in question.terms if t.text in present},
    )


def candidates(question: Question, hits: list[Hit], articles: Articles) -> list[Candidate]:
    """Every span of the hits, once: chunks of one article overlap, and a sentence in two
    of them is judged where its article ranks best (hits come best first)."""
    found = []
    seen: set[tuple[str, int, int]] = set()
    topics: dict[str, Topic] = {}
    articles.load(hit.chunk for hit in hits)
    for hit in hits:
        article = articles.of(hit.chunk)
        if article.id not in topics:
            topics[article.id] = topic(question, article, len(topics) + 1)
        text = hit.chunk.text
        for start, end, sentence_start, sentence_end in spans_of(text):
            key = (article.id, hit.chunk.start + start, hit.chunk.start + end)
            if key in seen:
                continue
            seen.add(key)
            before = text[max(0, sentence_start - 80) : sentence_start]
            after = text[sentence_end : sentence_end + 60]
            candidate = Candidate(hit, start, end, article)
            describe(candidate, question, before, after, topics[article.id])
            found.append(candidate)
    return found


def describe(candidate: Candidate, question: Question, before: str, after: str, about: Topic) -> None:
    """Fill in the candidate's features (names are the model's weight names)."""
    span = candidate.text.lower()
    article = candidate.article
    near = f"{article.heading} {before} {after}".lower()
    terms = [t for t in question.terms if t.text in about.present]  # a word the article lacks is in no span of it
    matched = frozenset(t.text for t in terms if t.found_in(span))
    # Names are found with jieba's tagger, the slow part: not worth it where no word matches.
    type_at = type_positions(question, candidate.text) if matched or question.answer_type not in _NAMES else []
    hit = candidate.hit
    candidate.features = {
        "bias": 1.0,
        **about.features,
        "cover": _share(question.terms, matched, lambda t: t.weight),
        "cover_near": sum(t.weight for t in terms if t.text not in matched and t.found_in(near)) / question.total_weight,
        # The words that set this sentence apart within its article: not the topic in
        # the headline, and rare in the article's other sentences.
        "cover_residual": _share([t for t in question.terms if not t.found_in(article.heading)], matched, lambda t: t.weight),
        "cover_local": sum(about.local[t] for t in matched) / (sum(about.local.values()) or 1.0),
        "bigram": bigram_share(question.text, span),
        "run": longest_run(question.subject, span),
        "focus": _focus(question.focus, span),
        "focus_chars": _focus_chars(question.focus, span),
        "type": 0.0 if type_at is None else (1.0 if type_at else -1.0),
        "type_near": float(bool(type_at) and _near(type_at, span, question.terms, matched)),
        "constraints": constraint_share(question.constraints, span, near, about.whole),
        "history": _history(question.history_terms, f"{near} {span}"),
        "chunk_rank": 1.0 / hit.rank,
        "lexical_first": float(hit.lexical_rank == 1),
        "dense": 1.0 / hit.dense_rank if hit.dense_rank else 0.0,
        "opening": float(candidate.chunk.start + candidate.start == 0),
        "length": min(len(span), 200) / 100,
    }
    candidate.matched = matched


def _share(terms: list[Term] | tuple[Term, ...], matched: frozenset[str], weigh: Callable[[Term], float]) -> float:
    total = sum(weigh(t) for t in terms)
    return sum(weigh(t) for t in terms if t.text in matched) / total if total else 0.0


def _focus_chars(focus: tuple[Term, ...], span: str) -> float:
    """Share of the focus's characters in the span: "颜色" asked, "淡蓝红色" said."""
    chars = {ch for term in focus for ch in term.text}
    return sum(ch in span for ch in chars) / len(chars) if chars else 0.0


def rare_weight(terms: Sequence[Term]) -> float:
    """The weight from which a question word counts as rare: its second-highest."""
    weights = sorted((t.weight for t in terms), reverse=True)
    return weights[min(1, len(weights) - 1)] if weights else 0.0


def longest_run(phrase: str, text: str) -> float:
    """The longest piece of `phrase` found verbatim in `text`, as a share of the phrase:
    "纽西兰鸡毛松" against an article that only says "纽西兰" is 0.5."""
    if not phrase:
        return 0.0
    best = 0
    for start in range(len(phrase)):
        length = best + 1
        while start + length <= len(phrase) and phrase[start : start + length] in text:
            best = length
            length += 1
    return best / len(phrase)


def bigram_share(question: str, span: str) -> float:
    """Share of the question's Chinese character pairs found in the span: robust where
    jieba segments the question and the sentence differently (体重 / 公斤重)."""
    pairs = {question[i : i + 2] for i in range(len(question) - 1) if _CJK.match(question[i]) and _CJK.match(question[i + 1])}
    if not pairs:
        return 0.0
    return sum(pair in span for pair in pairs) / len(pairs)


def _focus(focus: tuple[Term, ...], span: str) -> float:
    if not focus:
        return 0.0
    return 1.0 if any(term.found_in(span) for term in focus) else -1.0


def _history(terms: tuple[Term, ...], text: str) -> float:
    if not terms:
        return 0.0
    total = sum(t.weight for t in terms) or 1.0
    return sum(t.weight for t in terms if t.found_in(text)) / total


def _near(positions: list[int], span: str, terms: tuple[Term, ...], matched: frozenset[str]) -> bool:
    anchors = [m.start() for t in terms if t.text in matched for m in re.finditer(re.escape(t.text), span)]
    return any(abs(p - a) <= _NEAR for p in positions for a in anchors)


def type_positions(question: Question, span: str) -> list[int] | None:
    """Where the span expresses the asked kind of answer: [] when it does not, None
    when the type has no surface form to look for (descriptions)."""
    found = type_spans(question, span)
    return None if found is None else [start for start, _ in found]


def type_spans(question: Question, span: str) -> list[tuple[int, int]] | None:
    table = rules()
    kind = question.answer_type
    if kind in {"quantity", "duration", "percent"}:
        patterns = [table.quantity_pattern(question.units or table.all_units())]
        if kind == "percent":
            patterns.append(table.evidence["percent"])
        elif not question.units:
            patterns.append(_DIGITS)  # "多少" with no unit: any number
        found = {m.span() for pattern in patterns for m in pattern.finditer(span)}
        if kind == "duration":
            dates = [m.span() for m in table.evidence["calendar"].finditer(span)]
            found = {(s, e) for s, e in found if not any(a < e and s < b for a, b in dates)}
        if kind != "percent" and question.saving:
            found = _saved(span, found)
        # a figure the question gives ("查了2万余台次，查出多少台次…") is what it knows already
        return sorted((s, e) for s, e in found if not says_figure(question.text, span[s:e])
                      and not (question.english and _given_in_english(question.text, span[s:e])))
    if kind in table.evidence:
        return [m.span() for m in table.evidence[kind].finditer(span)]
    if kind in {"person", "org", "place"}:  # a name the question gives is what it asks about, not its answer
        asked = question.text.lower()
        # in English, by its Chinese spelling: "came from Zhucheng" gives 诸城市 (not 市南区八大湖街道)
        given = [term.text for term in question.terms if len(term.text) > 1] if question.english else []
        return [(start, end) for start, end in _name_spans(kind, span)
                if span[start:end].lower() not in asked and not any(len(span[start:end].replace(name, "")) <= 1 for name in given)]
    return None


def _saved(span: str, found: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """"帮它省下了多少时间": only a figure said to be saved ("提前18个工作日") answers, not
    the time the task takes by the rules ("需约40个工作日") in the same article."""
    _, said, reach = rules().saving
    ends = [m.end() for word in said for m in re.finditer(word, span)]
    return {(s, e) for s, e in found if any(0 <= s - end <= reach for end in ends)}


def says_figure(text: str, figure: str) -> bool:
    """Whether `text` states `figure` whole: 30亿元 is not in 330亿元, nor 259 in 2590."""
    figure = figure.replace(" ", "")
    return bool(re.search(rf"(?<![\d.]){re.escape(figure)}(?![\d.])", text.replace(" ", "")))


_ENGLISH_AMOUNT = re.compile(r"(?<![\d.])(\d[\d,]*(?:\.\d+)?)(?:\s*(thousand|million|billion|trillion)\b)?", re.I)
_SCALES = {"": 1.0, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}


def _given_in_english(text: str, figure: str) -> bool:
    """"Apart from a parent fund of at least 200 million yuan, which loan…": the span's 2亿元
    is the figure the English question gives, compared by size, and no answer to it."""
    parts = figure_parts(figure)
    return bool(parts) and any(abs(parts[0] - amount) <= 1e-9 * amount for amount in _english_amounts(text))


@lru_cache(maxsize=64)
def _english_amounts(text: str) -> tuple[float, ...]:
    """The amounts an English question states ("200 million" -> 2e8), read once per question,
    not once per figure of every candidate."""
    return tuple(amount for number, scale in _ENGLISH_AMOUNT.findall(text)
                 if (amount := float(number.replace(",", "")) * _SCALES[scale.lower()]))


def _figure(fact: str) -> str:
    """"11条" -> 11: the number a fact leads with, which the question may itself give ("How
    many of the 11 lines…"); other facts as they are, less a year's 年."""
    number = re.match(r"\d+(?:\.\d+)?(?=[^\d.]|$)", fact)
    return number.group() if number else fact.removesuffix("年")


# the evidence of these types is a word (不, 通过, 因为), not a fact an answer can lead with:
# "不, according to the articles" answers no "Is he the head?"; nor is a range's, which the
# pattern cuts from its unit ("2层到9" of 2层到9层): the quote says it whole
_NO_KEY_TYPES = frozenset({"yesno", "reason", "manner", "range"})


def key_value(question: Question, candidate: "Candidate") -> str:
    """The asked fact inside the span (a number with its unit, a name, a date): the one
    nearest the question's words, for answers that lead with it. Nearest is measured
    from words outside the facts (the 吨 of "87吨" says nothing about which figure is
    meant), and a name the question itself gives is not its answer."""
    if question.answer_type in _NO_KEY_TYPES:
        return ""
    text = candidate.text.lower()
    given = {term.text for term in question.terms}
    # nor is the year it states ("How much … in 2023?" is not answered by 2023年), nor
    # the phase ("… in the second round?" is not answered by 二期)
    counted = question.answer_type in {"quantity", "percent", "duration"}
    stated = {c.kind for c in question.constraints if c.kind in {"year", "phase"} and counted}
    found = [
        s
        for s in _outermost(set(type_spans(question, candidate.text) or []))
        if _figure(text[s[0] : s[1]]) not in given and not any(values_of(kind, text[s[0] : s[1]]) for kind in stated)
    ]
    if not found:
        return ""
    anchors = [
        (m.start(), m.end())
        for t in candidate.matched
        for m in re.finditer(re.escape(t), text)
        if not any(start <= m.start() < end for start, end in found)
    ] or [(0, 0)]
    # A figure follows what it measures ("二氧化硫492吨", "产值超300亿元"): words before
    # a fact place it first, words after only when none come before.
    start, end = min(found, key=lambda s: min((b > s[0], max(a - s[1], s[0] - b, 0)) for a, b in anchors))
    return candidate.text[start:end]


def person_spans(span: str) -> list[tuple[int, int]]:
    """Where `span` names people (by name, or by a name after a title)."""
    return _name_spans("person", span)


def _name_spans(kind: str, span: str) -> list[tuple[int, int]]:
    table = rules()
    words = tagged(span)
    if kind == "person":
        found = set(_foreign_names(words))  # whole, and their pieces dropped below
        for index, (word, flag, offset) in enumerate(words):
            if flag in PERSON_TAGS and table.is_person_name(word) and not names_a_thing(words, index):
                found.add((offset, offset + len(word)))
            elif word in table.person_titles and index + 1 < len(words) and words[index + 1][1] in PERSON_TAGS | {"n"}:
                name, flag, at = words[index + 1]
                # not "专家现场办公", nor "网友关心…", a word the dictionary knows as no name
                if flag in PERSON_TAGS or table.is_person_name(name) and not _ordinary_word(name):
                    found.add((at, at + len(name)))
            elif name := _cut_name(words, index) or _split_name(words, index):
                found.add(name)
        return sorted(_outermost(found))
    tags, suffixes = (_ORG_TAGS, table.org_suffixes) if kind == "org" else (_PLACE_TAGS, table.place_suffixes)
    return names_ending(words, tags, suffixes)


def _ordinary_word(word: str) -> bool:
    tag = dictionary_tag(word)
    return bool(tag) and not tag.startswith("nr")


def _cut_name(words: tuple[tuple[str, str, int], ...], index: int) -> tuple[int, int] | None:
    """A name jieba cut after its surname ("宋/建成，台湾图书馆行政工作者"): a surname opening
    the text, then one or two characters and a comma or bracket, as a profile opens."""
    word, flag, offset = words[index]
    if index != 0 or flag not in PERSON_TAGS or word not in rules().surnames or index + 2 >= len(words):
        return None
    given, _, at = words[index + 1]
    if len(given) > 2 or words[index + 2][0] not in {"，", ",", "（", "("}:
        return None
    return offset, at + len(given)


def _split_name(words: tuple[tuple[str, str, int], ...], index: int) -> tuple[int, int] | None:
    """A name jieba tags in two pieces, its surname and its given name ("处处长/李/志强"):
    a surname tagged a name, then one or two characters tagged a given name."""
    word, flag, offset = words[index]
    if flag not in PERSON_TAGS or word not in rules().surnames or index + 1 >= len(words):
        return None
    given, given_flag, at = words[index + 1]
    return (offset, at + len(given)) if given_flag in PERSON_TAGS and len(given) <= 2 else None


def _foreign_names(words: tuple[tuple[str, str, int], ...]) -> list[tuple[int, int]]:
    """Transliterated names joined by a middle dot, which jieba cuts into pieces
    ("马库斯/·/温克/霍克"): the word before each dot to the last person-tagged piece after it."""
    found = []
    for index, (word, _, _) in enumerate(words):
        if word != "·" or index == 0 or index + 1 >= len(words):
            continue
        last = index + 1
        while last + 1 < len(words) and (words[last + 1][1] in PERSON_TAGS or words[last + 1][0] == "·"):
            last += 1
        start = words[index - 1][2]
        found.append((start, words[last][2] + len(words[last][0])))
    return found


def _outermost(spans: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans not inside another one ("艾伦·劳埃德·霍奇金" once, not also "劳埃德·霍奇金")."""
    return [s for s in spans if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans)]


def names_ending(words: tuple[tuple[str, str, int], ...], tags: set[str], suffixes: tuple[str, ...]) -> list[tuple[int, int]]:
    """Organisation or place names: a tagged name, or nouns ending in a suffix such as
    局 or 区, joined back together where jieba cut them ("市/生态环境/局")."""
    found = []
    for index, (word, flag, offset) in enumerate(words):
        if flag in tags and len(word) >= 2:
            found.append((offset, offset + len(word)))
        elif word.endswith(suffixes) and (flag.startswith("n") or len(word) == 1) and not _is_scope(word):
            first = index
            while first > 0 and index - first < 3 and words[first - 1][1][:1] in {"n", "l", "j"} and not _is_scope(words[first - 1][0]):
                first -= 1
            start = words[first][2]
            if offset + len(word) - start >= 3:
                found.append((start, offset + len(word)))
    return found


def _is_scope(word: str) -> bool:
    """"年度/全省", "各/区市": 全省 and 各区 say how far a statement reaches, and end no name."""
    return len(word) == 2 and word[0] in _SCOPE_FIRST


def constraint_share(constraints: tuple[Constraint, ...], span: str, near: str, whole: str) -> float:
    """Share of the question's stated conditions that hold in the span, its surroundings
    or its article (a year or place is often said once, in the headline or lead)."""
    checked = [c for c in constraints if not c.kind.startswith("contrast") and c.kind != "issue"]  # an issue is its date's, checked in checks.py
    if not checked:
        return 1.0
    return sum(holds(c, span, near, whole) for c in checked) / len(checked)


def holds(constraint: Constraint, span: str, near: str, whole: str) -> bool:
    if constraint.kind in {"year", "relative_year", "period", "phase"}:
        return any(mentions(constraint, text) for text in (span, near))
    return any(constraint.said_in(text) for text in (span, near, whole))


def mentions(constraint: Constraint, text: str) -> bool:
    """Whether `text` states the constraint's value (in any of its spellings)."""
    return constraint.value in text or constraint.value in values_of(constraint.kind, text)
