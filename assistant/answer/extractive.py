"""The extractive answerer: cited quotes, an honest partial answer, or a refusal.

No language model: the question is analysed (question.py), every sentence and clause
of the retrieved chunks is judged in its article (candidates.py) and weighed by the
learnt model (model.py), the best is checked against the question's conditions
(checks.py), and the result is written out with citations (compose.py). Lists of
reports come from article metadata (metadata.py), enumerations from the article's
own markers (points.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace

from ..chunk import Chunk, sentence_spans
from ..lexical import LexicalIndex, is_english, spelt_out
from ..retrieve import Hit, Turn, asked_before, is_follow_up, last_answer
from ..tagging import tagged
from ..settings import AnswerSettings
from .base import Answer
from .candidates import (Articles, Candidate, bigram_share, candidates, clause_runs, key_value, person_spans, rare_weight, says_figure,
                         type_spans)
from .checks import article_place, asked_place_level, quotation_speaker, role_holder, vague_amount, verify
from .compose import MOST_CHARS, Finding, Quote, compose
from .metadata import asks_for_report, described_reports, labelled, listing, opening, printed_conditions, printed_listing, reports
from .model import Model, model
from .points import points
from .question import (NO_FIGURE, Constraint, Question, analyse, issue_dated, leans_on_part_before, quoted_phrases, resolve_follow_up, split_question,
                       unspelt_conditions, with_conditions_of, with_pinyin_names)
from .rules import clause_around, clause_ends, rules

_NEW_TERMS = 0.1  # a second quote must add this share of the question's weight
# Answer types whose surface form is reliably found (numbers with units, dates, colour
# words); the others (reasons, manners, names) are weighed by the ranker but not required.
_CHECKED_TYPES = frozenset({"quantity", "range", "percent", "duration", "date", "colour"})
# Answer types whose answer is an explanation, or a location described part by part
# ("位于塞纳河的右岸，西部与第一区接邻；北部毗邻第三区…"): its quote runs on into the next
# sentence or clause.
_RUNS_ON = frozenset({"reason", "manner", "description", "place"})
# Conditions whose near-miss, found on a better-ranked span, outweighs a lower span that
# passes: the best match was about another district or named thing, so the lower one
# matched on other words. Years are not among them: a span often states a second year
# ("2022年…，2023年将…") and the check misreads it; nor is person-for-organisation; nor a
# period, which nests (a rate at the end of 二季度 is the 上半年 one).
_DECISIVE = frozenset({"place", "entity", "phase", "counted", "contrast"})
_SAID = 0.6  # share of the last answer's character pairs a sentence must hold to be the one it quoted
_SEQUEL = 2  # sentences after it that tell what happened next
_KEYED_ARTICLES = 3  # articles searched for the items of a keyed list (哪几个“自动”)
# An answer whose quotes run longer than this is cut to the clauses that answer,
# each quote to at most _TIGHT_CHARS.
_CONCISE_CHARS = 260
_TIGHT_CHARS = 100
_CLAUSE = clause_ends("，,；;。！？")
_LIST_PART = re.compile(r"[，,；;。！？：:“”「」]")  # what bounds a list of 、-parted items
_MENTION_CHUNKS = 200  # chunks searched for the articles that mention a word
_DESCRIBED_HITS = 3  # BM25 hits weighed for a described report
_MENTIONED = 10  # articles listed at most


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(
        self,
        lexical: LexicalIndex,
        settings: AnswerSettings,
        article_chunks: Callable[[list[str]], dict[str, list[Chunk]]] | None = None,
        openings: Callable[[], list[Chunk]] | None = None,
        passages: int = 6,
        weights: Model | None = None,
    ) -> None:
        self.lexical = lexical
        self.settings = settings
        self.article_chunks = article_chunks
        self.openings = openings  # the first chunk of every article, for questions about the paper
        self.passages = passages
        self.model = weights or model()
        self.threshold = self.model.threshold if settings.min_support is None else settings.min_support

    def stream(self, question: str, history: list[Turn], hits: list[Hit]) -> Iterator[str | Answer]:
        answer = self.answer(question, history, hits)
        for sentence in re.split(r"(?<=\])(?!\[)", answer.text):  # one cited sentence at a time
            if sentence:
                yield sentence
        yield answer

    def answer(self, question: str, history: list[Turn], hits: list[Hit]) -> Answer:
        articles = Articles(self.article_chunks)
        judged = self.judge(question, history, hits, articles)
        answer = self.decide(question, judged)
        if answer.refused and not answer.partial and (wider := _with_first_article(hits[: self.passages], articles)):
            # a second look before saying the articles do not tell: the same questions, more spans
            second = self.decide(question, [(asked, candidates(asked, wider, articles)) for asked, _ in judged])
            if not second.refused:
                return second
        return answer

    def judge(
        self, question: str, history: list[Turn], hits: list[Hit], articles: Articles | None = None
    ) -> list[tuple[Question, list[Candidate]]]:
        """Each part of the question, analysed, with every candidate span of the top
        passages and its features: the work that does not depend on the weights."""
        hits = hits[: self.passages]
        earlier = asked_before(history)
        articles = articles or Articles(self.article_chunks)
        parts = []
        resolved = resolve_follow_up(question, earlier)
        # "那篇报道是哪天登的？记者是谁？" asks two things of one report, and "哪几篇的副题以“青岛”
        # 打头？各是谁写的？" one list: answered as one
        whole = asks_for_report(resolved) or printed_conditions(resolved)
        asked_parts = [resolved] if whole else split_question(resolved)
        passages = [hit.chunk.text for hit in hits]
        absent = unspelt_conditions(resolved, passages)
        for at, part in enumerate(asked_parts):  # "…是多少？崂山区呢？": a part leans on the part before it too
            asked = analyse(resolve_follow_up(part, earlier + asked_parts[:at]), self.lexical, earlier)
            asked = with_pinyin_names(asked, passages, self.lexical, absent)
            if at and (leans_on_part_before(part) or is_english(part)):  # "…grow in 2023, and for how many years…"
                asked = with_conditions_of(asked, parts[-1][0])
            if earlier and is_follow_up(part) and not any(c.kind == "issue" for c in asked.constraints):
                # "2022年11月那篇报道说…", then "那老楼加装电梯呢？": the follow-up stays in that issue
                asked = replace(asked, constraints=asked.constraints + issue_dated(earlier[-1], ()))
            if rules().what_next.search(part) and is_follow_up(part) and (said := last_answer(history)):
                asked = replace(asked, after=said)
            parts.append((asked, candidates(asked, hits, articles)))
        return parts

    def decide(self, question: str, judged: list[tuple[Question, list[Candidate]]]) -> Answer:
        """Weigh the candidates and write the answer (quotes, a partial answer or a refusal)."""
        findings = []
        for asked, found in judged:
            for candidate in found:
                candidate.score = self.model.score(candidate.features)
                candidate.confidence = self.model.confidence(candidate.features, candidate.score)
            findings.append(self._find(asked, sorted(found, key=lambda c: c.score, reverse=True)))
        for at in range(1, len(findings)):
            # the thing asked is not in the articles, only a neighbour of it (首座 for 第二座):
            # what they say of the neighbour's date is no answer to the next part either
            if findings[at - 1].kind == "partial" and leans_on_part_before(judged[at][0].text):
                findings[at] = Finding("refusal")
        _without_repeats(findings)
        quoted = sum(len(q.text) for f in findings if f.kind in {"answer", "partial"} for q in f.quotes)
        if quoted > _CONCISE_CHARS:  # several long sentences: a reader wants the facts, not the paragraphs
            for (asked, _), finding in zip(judged, findings):
                if finding.kind in {"answer", "partial"}:
                    finding.quotes = [_tightened(asked, q) for q in finding.quotes]
        if not is_english(question):  # an English part still leads with its own figure
            findings = _without_answered_parts(findings)
        answer = compose(question, findings, is_english(question))
        while len(re.sub(r"\[\d+\]", "", answer.text)) > MOST_CHARS and _dropped_one(findings):
            answer = compose(question, findings, is_english(question))
        return answer

    def _find(self, asked: Question, ranked: list[Candidate]) -> Finding:
        if asked.mentions and (mentioned := self._mentions(asked.mentions, asks_for_report(asked.text))):
            return mentioned
        if self.openings is not None and asks_for_report(asked.text) and (found := self._described(asked)):
            return found
        if self.openings is not None and (found := printed_listing(asked, self.openings) or listing(asked, self.openings)):
            return Finding("list", found.quotes, intro=found.intro, support=1.0, headlines=found.labels_only)
        if not ranked:
            return Finding("refusal")
        if self.openings is not None and asks_for_report(asked.text) and (found := self._reports(asked, ranked)):
            return found
        if asked.key and (keyed := self._keyed(asked, ranked)):
            return keyed
        if asked.given and (pointed := self._pointed_at(asked, ranked)):
            return pointed
        ranked = _titled_first(asked, ranked)
        ranked = _attribute_first(asked, _defining_first(asked, ranked, self.model.keep), self.model.keep)
        ranked = _several_first(asked, ranked, self.model.keep)
        ranked = _after_last_answer(asked, ranked)
        partial: tuple[Candidate, Constraint, str] | None = None
        best = next((c for c in ranked if has_asked_form(asked, c)), ranked[0])
        if best is not ranked[0] and (vague := self._vague(asked, ranked[0])):
            return vague
        for candidate in ranked:
            if candidate.score < best.score - self.model.reach:
                break  # far below the best: quoting it because the best failed a check would be a guess
            eligible = self._eligible(asked, candidate)
            if not eligible and (partial is not None or candidate.confidence < self.threshold):
                continue
            verdict = verify(asked, candidate, _before(candidate))
            if not eligible:  # "西段什么时候…": the best span, about 东段, gives no date, but tells what the text holds
                if verdict.partial and _decisive(verdict.missing) and on_topic(asked, candidate, str(verdict.missing)):
                    partial = (candidate, verdict.missing, verdict.instead)
                continue
            if verdict.ok and candidate is not ranked[0] and not _about_the_asked(asked, candidate):
                continue  # a stand-in for better spans that failed must at least be about what was asked
            if verdict.ok and (partial is None or not _decisive(partial[1])):
                return self._answer(asked, candidate, ranked)
            if verdict.ok:
                break  # the best-ranked span was about another place or thing: a lower one that passes is a guess
            if verdict.partial and partial is None and on_topic(asked, candidate, str(verdict.missing)):
                partial = (candidate, verdict.missing, verdict.instead)
        if partial is None:
            return Finding("refusal", support=ranked[0].confidence)
        candidate, missing, instead = partial
        return Finding("partial", [_quote(candidate, asked)], missing=str(missing), missing_kind=missing.kind, instead=instead,
                       support=candidate.confidence)

    def _reports(self, asked: Question, ranked: list[Candidate]) -> Finding | None:
        """"写姜涛和乔智明的两篇报道分别是哪天登的": for each name the question gives, the
        best-ranked confident span whose article holds it (the best span when it names
        none); the answer is those articles' dates and bylines."""
        confident = [c for c in ranked if c.confidence >= self.threshold]
        if not confident:
            return None
        spans = [(c.chunk, c.start, c.end) for c in confident[:1]]
        openings = self.openings()  # one request for the whole collection's headlines
        named = [c.value for c in asked.constraints if c.kind == "entity"]
        if named:  # each name's report: its best-ranked span, else the first article that holds it at all
            spans = []
            for name in named:
                best = next(((c.chunk, c.start, c.end) for c in confident if name in c.text.lower()), None)
                held = best or next(((q.chunk, q.start, q.end) for q in self._holding(name, openings)), None)
                if held and all(held[0].article_id != chunk.article_id for chunk, _, _ in spans):
                    spans.append(held)
        if not spans:
            return None
        listed = reports(spans, openings, asked.english)
        return Finding("list", listed.quotes, intro=listed.intro, support=confident[0].confidence)

    def _described(self, asked: Question) -> Finding | None:
        """"写A的那篇，和写B的那篇，各是哪位记者写的": each report found by its own
        description (the best passage for it), then listed with its byline and date."""
        spans = [found for description in described_reports(asked.text) if (found := self._best_passage(description))]
        spans = [span for at, span in enumerate(spans) if all(span[0].article_id != other[0].article_id for other in spans[:at])]
        if len(spans) < 2:
            return None
        listed = reports(spans, self.openings(), asked.english)
        return Finding("list", listed.quotes, intro=listed.intro, support=1.0)

    def _best_passage(self, description: str) -> tuple[Chunk, int, int] | None:
        """The passage that best matches a report's description, quoted by its first clause.
        Of the best few BM25 hits, the one whose headline and text hold most of the
        description's character pairs: BM25 alone favours a short article that names the
        same bureau and topic ("市城管局划供热服务网格" and a two-line notice on 供热服务网格)."""
        hits = self.lexical.search(description, _DESCRIBED_HITS)
        if not hits or self.article_chunks is None:
            return None
        articles = list(dict.fromkeys(self.lexical.article_of(hit.chunk_id) for hit in hits))
        by_id = {c.id: c for chunks in self.article_chunks(articles).values() for c in chunks}
        found = [by_id[hit.chunk_id] for hit in hits if hit.chunk_id in by_id]
        wanted = spelt_out(description)
        chunk = max(found, key=lambda c: bigram_share(wanted, f"{c.title} {c.text}"), default=None)  # ties: the best-ranked
        return (chunk, 0, opening(chunk)) if chunk else None

    def _holding(self, word: str, openings: list[Chunk]) -> list[Quote]:
        """In every article that holds the word, the clause holding it, best match first;
        then the articles whose headline or kicker alone holds it, by their opening."""
        if self.article_chunks is None:
            return []
        # The word's character pairs are searched too: jieba cuts 张村河水净化厂 into 张村/河水,
        # so the word alone would miss the articles that hold it inside a longer name.
        pairs = " ".join(word[i:i + 2] for i in range(len(word) - 1)) if len(word) > 2 else ""
        hits = self.lexical.search(f"{word} {pairs}", _MENTION_CHUNKS)
        articles = list(dict.fromkeys(self.lexical.article_of(hit.chunk_id) for hit in hits))
        quotes = []
        for chunks in self.article_chunks(articles).values():
            if chunk := next((c for c in chunks if word in c.text.lower()), None):
                at = chunk.text.lower().index(word)
                quotes.append(Quote(chunk, *clause_around(chunk.text, at, at + len(word), _CLAUSE)))
        held = {quote.chunk.article_id for quote in quotes}  # a kicker ("深入学习宣传贯彻党的二十大精神" above the headline)
        quotes += [Quote(c, 0, opening(c)) for c in openings if word in f"{c.kicker} {c.title}".lower() and c.article_id not in held]
        return quotes

    def _mentions(self, words: tuple[str, ...], signed: bool) -> Finding | None:
        """"这几期报纸里哪些报道提到了“三年”": every article holding the word (or one of the
        words), in date order, each with the clause that holds it (with its byline when the
        question asks who wrote them). The articles, not the best sentences, are the
        answer, so this is searched over the whole collection."""
        if self.openings is None:
            return None
        openings = self.openings()  # one request for the whole collection's headlines
        quotes: list[Quote] = []
        for word in words:
            held = {quote.chunk.article_id for quote in quotes}
            quotes += [quote for quote in self._holding(word, openings) if quote.chunk.article_id not in held]
        if not quotes:
            return None
        quotes.sort(key=lambda q: (not q.chunk.date, q.chunk.date, q.chunk.source, q.chunk.article_id))  # undated last
        shown = quotes[:_MENTIONED]
        more = f"，这里列出最早的{len(shown)}篇" if len(quotes) > len(shown) else ""
        intro = f"提到{'或'.join(f'“{word}”' for word in words)}的报道有{len(quotes)}篇{more}："
        spans = [(q.chunk, q.start, q.end) for q in shown]
        return Finding("list", labelled(spans, openings, intro, byline=signed, dated=True, quoted=True), intro=intro, support=1.0)

    def _keyed(self, asked: Question, ranked: list[Candidate]) -> Finding | None:
        """"哪几个“自动”": the phrases holding the quoted word, listed from the best-ranked
        article that has two or more of them together. The items themselves are the
        evidence, so the gate's doubt about a paraphrased question does not apply."""
        if self.article_chunks is None:
            return None
        best: dict[str, Candidate] = {}  # each article's best-ranked candidate, in rank order
        for candidate in ranked:
            best.setdefault(candidate.chunk.article_id, candidate)
            if len(best) == _KEYED_ARTICLES:
                break
        parts = self.article_chunks(list(best))  # one request for all of them
        for article, candidate in best.items():
            listed = points(parts[article], candidate.chunk.start + candidate.start, asked.key)
            if listed:
                quotes = [Quote(p.chunk, p.start, p.end, p.label) for p in listed[: asked.count or None]]
                return Finding("list", quotes, support=candidate.confidence)
        return None

    def _pointed_at(self, asked: Question, ranked: list[Candidate]) -> Finding | None:
        """"这492吨说的是哪种污染物": the spans holding the figure the question points at
        (every one, in rank order: "“259”这个数出现了两回"), each meeting the question's
        conditions. The figure is the evidence that the span is the one meant, so the
        gate's doubt about the reader's other words does not apply (as for `_keyed`)."""
        holding: list[Candidate] = []
        for candidate in ranked:
            if len(holding) == self.settings.max_sentences:
                break
            if says_figure(candidate.text, asked.given) and not candidate.overlaps(holding) and verify(asked, candidate, _before(candidate)).ok:
                holding.append(candidate)
        if not holding:
            return None
        return Finding("answer", _distinct([_quote(c, asked) for c in holding]), support=holding[0].confidence)

    def _vague(self, asked: Question, top: Candidate) -> Finding | None:
        """"全市装上高空抛物监控系统的小区一共有多少个", and the best-ranked sentence, which
        gives no figure, says "全市很多小区还安装了…": the honest answer is that the articles
        give only that, not the figure of another sentence (一千余个老旧开放式小区)."""
        if top.confidence < self.threshold or not (vague := vague_amount(asked, top.text)) or not verify(asked, top, _before(top)).ok:
            return None
        return Finding("partial", [_quote(top, asked)], missing=NO_FIGURE, missing_kind="measure", instead=vague, support=top.confidence)

    def _eligible(self, asked: Question, candidate: Candidate) -> bool:
        return has_asked_form(asked, candidate) and candidate.confidence >= self.threshold

    def _answer(self, asked: Question, best: Candidate, ranked: list[Candidate]) -> Finding:
        if asked.summary and self.article_chunks is not None and not _is_the_list(asked, best.text):
            article = best.chunk.article_id
            listed = points(self.article_chunks([article])[article], best.chunk.start + best.start)
            if listed:
                quotes = [Quote(p.chunk, p.start, p.end, p.label) for p in listed]
                return Finding("list", quotes, support=best.confidence)
        chosen = [best]
        covered = set(best.matched)
        limit = asked.count or self.settings.max_sentences
        for candidate in ranked[1:]:
            if len(chosen) >= limit or candidate.score < best.score - self.model.keep:
                break
            if not self._eligible(asked, candidate):
                continue
            adds = sum(t.weight for t in asked.terms if t.text in candidate.matched - covered) / asked.total_weight
            elsewhere = asked.wants_list and all(c.chunk.article_id != candidate.chunk.article_id for c in chosen)
            if candidate.overlaps(chosen) or not (adds >= _NEW_TERMS or elsewhere):
                continue
            if verify(asked, candidate, _before(candidate)).ok:
                chosen.append(candidate)
                covered |= candidate.matched
        value = next((v for c in chosen if (v := key_value(asked, c))), "") if asked.english else ""
        quotes = [_quote(c, asked) for c in chosen]
        room = _CONCISE_CHARS - sum(len(q.text) for q in quotes[1:])  # beyond it decide() would cut again
        if asked.answer_type in _RUNS_ON:
            quotes[0] = _run_on(_continued(quotes[0], [c.chunk for c in ranked]), room)
        if asked.answer_type == "reason":  # and a reason often starts a sentence earlier
            quotes[0] = _run_back(quotes[0], room)
        if told_of := _article_place(asked, best) or role_holder(asked, best) or _speaker(asked, best):
            quotes[0] = replace(quotes[0], label=told_of)
        return Finding("answer", _distinct(quotes), value=value, support=best.confidence)


def _article_place(asked: Question, best: Candidate) -> str:
    """"这件事是算在哪个区头上的", and the sentence that answers names no district: it
    is told of the district its article names most (the report on 市北区's year), which
    the answer gives before the quote. "" when the sentence names one, or the article none."""
    ends = asked_place_level(asked)
    if asked.wants_list or not ends or any(place in best.text for place in rules().places if place.endswith(ends)):
        return ""
    return article_place(best, ends)


def _speaker(asked: Question, best: Candidate) -> str:
    """"跟城市同成长、共进化的，是谁", and the sentence names nobody but stands in a
    quotation: the answer gives its speaker's tag before the quote ("卡奥斯山东区域总经理
    官祥臻说：…"), an English one the name in it; "" otherwise."""
    if asked.answer_type != "person" or asked.wants_list or type_spans(asked, best.text):
        return ""
    tag = quotation_speaker(best)
    return tag[slice(*person_spans(tag)[-1])] if tag and asked.english else tag


def _is_the_list(asked: Question, text: str) -> bool:
    """The best sentence is the list, not the article's sub-headings around it, when it
    names as many items as asked together ("练哪四样基本功": "写、练、说、讲"), or names
    three or more and holds the phrase the question quotes ("有哪些做法被说成“彰显青岛
    应急特色”": the question points at that sentence)."""
    sizes = [len(part.split("、")) for part in _LIST_PART.split(text)]
    if asked.count:
        return asked.count in sizes
    return max(sizes, default=0) >= 3 and any(phrase in text for phrase in quoted_phrases(asked.text))


def _dropped_one(findings: list[Finding]) -> bool:
    """Drop one further quote: the last of the answer with the most. Each part's best
    quote stays, and lists are left whole; False when nothing is left to drop."""
    longest = max((f for f in findings if f.kind in {"answer", "partial"}), key=lambda f: len(f.quotes), default=None)
    if longest is None or len(longest.quotes) < 2:
        return False
    longest.quotes = longest.quotes[:-1]
    return True


def _attribute_first(asked: Question, ranked: list[Candidate], margin: float) -> list[Candidate]:
    """Candidates opening with the asked attribute ("花为聚繖花序顶生" for "黄蝉的花是什么样
    子") first, when they score within `margin` of the best: the article's opening
    sentence repeats the subject's name and outranks them on words alone."""
    if not asked.attribute or not ranked:
        return ranked
    subject = ranked[0].features.get("subject", 0.0)  # "花等草…" in another plant's article is no flower of this one
    opening = [
        c for c in ranked
        if c.score >= ranked[0].score - margin and c.features.get("subject", 0.0) >= subject
        and _opens_with(_without_opener(c.text), asked.attribute)
    ]
    return _first(opening, ranked)


def _defining_first(asked: Question, ranked: list[Candidate], margin: float) -> list[Candidate]:
    """Sentences defining the asked term ("冠夫姓（或从夫姓），指…" for "什么是冠夫姓")
    first, when they score within `margin` of the best: a later sentence that uses the
    term ("…与冠夫姓的习俗不同…") can share more of the article's words."""
    if not asked.defined or not ranked:
        return ranked
    words = "|".join(map(re.escape, rules().defining))
    opens = re.compile(rf"^(?:在[^，。]{{1,12}}中，)?[“「\"]?{re.escape(asked.defined)}[”」\"]?(?:[（(][^）)]*[）)])?[，,]?(?:{words})", re.IGNORECASE)
    defining = [c for c in ranked if c.score >= ranked[0].score - margin and opens.match(c.text)]
    return _first(defining, ranked)


def _opens_with(text: str, word: str) -> bool:
    """"花为…" opens with 花, "花期为…" does not: a prefix test first, the tagger (per
    candidate, so not for every one) only where the prefix holds."""
    return text.startswith(word) and _first_word(text) == word


def _without_opener(text: str) -> str:
    """"主要支流有：…" -> "支流有：…": the sentence from its attribute on."""
    opener = next((o for o in rules().attribute_openers if text.startswith(o)), "")
    return text[len(opener):]


def _titled_first(asked: Question, ranked: list[Candidate]) -> list[Candidate]:
    """"黄蝉的别称叫什么": when an article is titled with exactly the name the question is
    about, its candidates come first; an article on a longer name holding it (软枝黄蝉)
    is about another thing, however well its opening matches the question's words."""
    subject = asked.subject.lower()
    own = [c for c in ranked if subject and c.article.title.lower() == subject]
    return _first(own, ranked)


def _several_first(asked: Question, ranked: list[Candidate], margin: float) -> list[Candidate]:
    """Candidates giving two or more figures of the asked kind first, when the question
    asks a figure for each of several things and they score within `margin` of the best."""
    if not asked.several or asked.answer_type not in {"quantity", "percent"} or not ranked:
        return ranked
    several = [c for c in ranked if c.score >= ranked[0].score - margin and len(type_spans(asked, c.text) or []) >= 2]
    return _first(several, ranked)


def _after_last_answer(asked: Question, ranked: list[Candidate]) -> list[Candidate]:
    """"后来呢？": candidates in the two sentences after the one the last answer quoted
    come first, in the article's order. The sequel shares few words with the question
    ("流量平衡" for "怎么处理的"), so the ranker alone would not find it."""
    if not asked.after:
        return ranked
    said = re.sub(r"\[\d+\]", "", asked.after)
    followers: list[Candidate] = []
    for chunk in {c.chunk.id: c.chunk for c in ranked}.values():
        sentences = sentence_spans(chunk.text)
        overlaps = [bigram_share(said, chunk.text[s:e]) for s, e in sentences]
        best = max(range(len(sentences)), key=overlaps.__getitem__, default=None)
        if best is None or overlaps[best] < _SAID:
            continue
        sequel = sentences[best + 1 : best + 1 + _SEQUEL]
        followers += sorted((c for c in ranked if c.chunk.id == chunk.id and any(s <= c.start < e for s, e in sequel)), key=lambda c: c.start)
    return _first(followers, ranked)


def _first(chosen: list[Candidate], ranked: list[Candidate]) -> list[Candidate]:
    """`ranked` with `chosen` moved to the front (by identity: comparing candidates
    field by field would compare their feature tables)."""
    moved = {id(c) for c in chosen}
    return chosen + [c for c in ranked if id(c) not in moved]


def _first_word(text: str) -> str:
    """"花为…" opens with 花, "花期为…" with 花期."""
    words = tagged(text[:12])
    return words[0][0] if words else ""


def _distinct(quotes: list[Quote]) -> list[Quote]:
    """The quotes with those that overlap merged into one: a quote that leans back or
    runs on takes in a sentence that another candidate may also be."""
    kept: list[Quote] = []
    for quote in quotes:
        at = next((i for i, q in enumerate(kept) if q.chunk.id == quote.chunk.id and q.start < quote.end and quote.start < q.end), None)
        if at is None:
            kept.append(quote)
        else:
            known = kept[at]
            kept[at] = Quote(known.chunk, min(known.start, quote.start), max(known.end, quote.end), known.label)
    return kept


def _without_repeats(findings: list[Finding]) -> None:
    """Each sentence quoted once in an answer to a question of several parts: a further
    quote of one part that is another part's answer, or an earlier part's quote, is
    dropped (the part's own first quote stays, whatever repeats)."""
    firsts = {_where(f.quotes[0]) for f in findings if f.kind == "answer" and f.quotes}
    given: set[tuple[str, int, int]] = set()
    for finding in findings:
        if finding.kind != "answer" or not finding.quotes:
            continue
        first, *more = finding.quotes
        finding.quotes = [first, *(q for q in more if _where(q) not in firsts and _where(q) not in given)]
        given.update(_where(q) for q in finding.quotes)


def _without_answered_parts(findings: list[Finding]) -> list[Finding]:
    """"他讲得怎么样？文章是怎么评价他那次宣讲的？": a sentence an earlier part already
    quotes is not printed again for a later one, and a part left with none is answered
    by the earlier part's quote."""
    kept: list[Finding] = []
    given: set[tuple[str, str]] = set()
    for finding in findings:
        if finding.kind == "answer" and finding.quotes:
            finding.quotes = [q for q in finding.quotes if (q.chunk.article_id, q.text) not in given]
            if not finding.quotes:
                continue
            given.update((q.chunk.article_id, q.text) for q in finding.quotes)
        kept.append(finding)
    return kept


def _where(quote: Quote) -> tuple[str, int, int]:
    return quote.chunk.id, quote.start, quote.end


def _decisive(missing: Constraint) -> bool:
    return missing.kind.split(":")[0] in _DECISIVE


def has_asked_form(asked: Question, candidate: Candidate) -> bool:
    """A question for a number of 兆瓦, a date or a colour is not answered by a sentence
    without one, however well the rest of it matches. Other types (reasons, manners, names) have
    no reliable surface form: the ranker weighs them, but they are not required."""
    return asked.answer_type not in _CHECKED_TYPES or candidate.features["type"] >= 0


def _about_the_asked(asked: Question, candidate: Candidate) -> bool:
    """"官路水库工程是什么时候开工的": its spans fail (no date), and a heating report's
    "从11月16日零时起…" has a date. A span standing in for better ones is only an
    answer in an article holding one of the question's rarest words that some article
    uses; words no article uses are the asker's own ("拿得出手"), and prove nothing."""
    article = f"{candidate.article.heading} {candidate.article.text}".lower()
    rarest = rare_weight(asked.terms)
    rare = [t for t in asked.terms if t.seen and t.weight >= rarest]
    return bool(asked.history_terms) or not rare or any(t.found_in(article) for t in rare)  # a follow-up's topic is in its history


def on_topic(asked: Question, candidate: Candidate, missing: str) -> bool:
    """A partial answer claims the article holds a close fact: everything the question
    names, but for the one condition that differs, must be in that article. A question
    about a Mars base gets a refusal, not "the articles have no 2030 figure"."""
    article = f"{candidate.article.heading} {candidate.article.date} {candidate.article.text}".lower()
    named = [t for t in asked.terms if t.weight >= rare_weight(asked.terms) or not t.seen]
    conditions = [word for contrast in rules().contrasts for side in contrast.sides for word in side if word in asked.text]
    # "到目前为止…累计": the words of the conditions are what differs, not the topic
    return all(t.found_in(article) or t.text in missing or missing in t.text or any(t.text in word for word in conditions) for t in named)


def _quote(candidate: Candidate, asked: Question) -> Quote:
    """The span, with the sentence before it when the span opens by pointing back to it,
    or names the asked items only by pointing back ("割让出这些领土" for "哪些土地")."""
    table = rules()
    text = candidate.chunk.text
    start = candidate.start
    starts = [s for s, _ in sentence_spans(text)]
    if text[start:].startswith(table.leans_back):
        before = start
    elif asked.wants_list and any(word in candidate.text for word in table.points_back):
        before = max((s for s in starts if s <= start), default=start)  # the span's own sentence
    else:
        return Quote(candidate.chunk, start, candidate.end)
    own = max((s for s in starts if s <= before), default=0)
    if own < before:  # a clause of a long sentence ("…同时兴建，并合称…"): the clause before it
        clauses = [m.end() for m in _CLAUSE.finditer(text, own, before - 1)]
        return Quote(candidate.chunk, clauses[-1] if clauses else own, candidate.end)
    earlier = [s for s in starts if s < before]
    if earlier and candidate.end - earlier[-1] <= table.max_quote:
        start = earlier[-1]
    return Quote(candidate.chunk, start, candidate.end)


def _run_on(quote: Quote, room: int) -> Quote:
    """The quote with the next sentence of its paragraph, when both fit in `room`
    characters: a reason or a description rarely ends with its first sentence ("…但为
    时已晚。百济首都慰礼城被高句丽攻陷。"). A sentence that ends in ； is one part of a
    longer one ("茎直立；叶子互生…；头状花序…。"), so the quote runs on to its full stop;
    and words quoted over several sentences (「…约会。一旦你…关系。」) run on to their close."""
    text = quote.chunk.text
    end = quote.end
    for start, stop in sentence_spans(text[quote.end :]):
        if "\n" in text[end : quote.end + start] or quote.end + stop - quote.start > room:
            break
        end = quote.end + stop
        said = text[quote.start : end]
        if text[end - 1] not in "；;" and said.count("「") <= said.count("」") and said.count("“") <= said.count("”"):
            break
    return Quote(quote.chunk, quote.start, end) if end > quote.end else quote


def _with_first_article(hits: list[Hit], articles: Articles) -> list[Hit]:
    """The passages and, after them, the first one's article's other chunks (a reworded
    question may miss the chunk that answers it, not its article); [] when there are none."""
    if not hits:
        return []
    held = {hit.chunk.id for hit in hits}
    more = [c for c in articles.chunks(hits[0].chunk) if c.id not in held]
    return hits + [Hit(c, len(hits) + i, 0.0, None, None) for i, c in enumerate(more, 1)] if more else []


def _continued(quote: Quote, chunks: list[Chunk]) -> Quote:
    """The quote in another retrieved chunk of its article, when it ends its own chunk
    and that one goes on past it. Chunks overlap, and a sentence is judged in the
    better-ranked one, which may end right after it ("…早落；" with "花淡红色…" only in
    the next): a quote that runs on needs the text that follows."""
    if quote.chunk.text[quote.end :].strip():
        return quote
    start, end = quote.chunk.start + quote.start, quote.chunk.start + quote.end
    going_on = [c for c in chunks if c.article_id == quote.chunk.article_id and c.start <= start and c.start + len(c.text.rstrip()) > end]
    if not going_on:
        return quote
    chunk = max(going_on, key=lambda c: c.start + len(c.text))  # the one that goes on furthest
    return Quote(chunk, start - chunk.start, end - chunk.start, quote.label)


def _run_back(quote: Quote, room: int) -> Quote:
    """The quote with the sentence before it in its paragraph, when both fit in `room`
    characters: "为什么一度领先" is answered by what happened ("…温克霍克成为领跑者") and
    by its cause, said first ("只有他使用中性胎。")."""
    text = quote.chunk.text
    earlier = sentence_spans(text[: quote.start])
    if earlier and "\n" not in text[earlier[-1][1] : quote.start] and quote.end - earlier[-1][0] <= room:
        return Quote(quote.chunk, earlier[-1][0], quote.end)
    return quote


def _tightened(asked: Question, quote: Quote) -> Quote:
    """A long quote cut to its run of clauses that holds most of what was asked: the
    asked kind of fact (a number of 家, a date) first, then the question's words."""
    if len(quote.text) <= _TIGHT_CHARS:
        return quote
    text = quote.chunk.text
    best, best_value = quote, -1.0
    for first, last in clause_runs(text, quote.start, quote.end, _TIGHT_CHARS, _CLAUSE):
        window = text[first:last]
        value = 2.0 * bool(type_spans(asked, window)) + sum(t.weight for t in asked.terms if t.found_in(window.lower())) / asked.total_weight
        if value > best_value:
            best, best_value = Quote(quote.chunk, first, last, quote.label), value
    return best


def _before(candidate: Candidate) -> str:
    """The text just before the span: a year or phase is often said a sentence earlier."""
    return candidate.chunk.text[max(0, candidate.start - 80) : candidate.start]
