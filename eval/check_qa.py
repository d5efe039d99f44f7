"""Validate the project's own question set (eval/seeds_qa.jsonl) against the parsed seed issues.

The scorer (assistant/evaluate.py) trusts the file: an evidence string that is not in
its article can never be retrieved, so the item silently scores as a retrieval miss,
and a `must_contain` phrase the article does not hold makes a right answer count as
wrong. This checker catches such items before they distort a tuning round.

Checks: JSON schema, unique ids and questions, allowed types, history on follow-ups
only, every source's title is an article headline as `assistant.parse` gives it, its
evidence is in that article (compared as the scorer compares: NFKC, no whitespace,
lower case), every `must_contain` phrase is in an evidence string or a source article
(headline, kicker, deck, byline, date, sub-headings or body), unanswerable items have no sources.

Run with the project venv: `.venv/bin/python eval/check_qa.py [file]`; exit code 1 on any error.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evaluate import normalise  # noqa: E402
from assistant.parse import Article, parse_file  # noqa: E402

QA_FILE = ROOT / "eval" / "seeds_qa.jsonl"
SEEDS = ROOT / "seeds"
# The question types the file may use. assistant.evaluate no longer exports this tuple (it
# reads any type and reports per type), so the checker keeps its own list.
QUESTION_TYPES = ("factoid", "paraphrase", "multi_article", "unanswerable", "followup", "english", "summary")
REFUSAL = "无法从文章中得知"
DIFFICULTIES = {"easy", "medium", "hard"}
NEAR_MISS_KINDS = {"place", "period", "phase", "year", "person", "cumulative", "measure", "other"}
REQUIRED = {"id": str, "type": str, "question": str, "answer": str, "must_contain": list, "sources": list, "difficulty": str}
OPTIONAL = {"history": list, "near_miss": str, "near_miss_kind": str}
# A question across articles cites every article it needs. (A summary may cite one clause
# when the text lists all items in it, e.g. 做好扶优、育强、融通“三篇文章”.)
MIN_ARTICLES = {"multi_article": 2}
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def load_articles(seeds: Path) -> dict[str, list[Article]]:
    return {path.name: parse_file(path) for path in sorted(seeds.glob("*.txt"))}


def article_metadata(article: Article) -> str:
    """Everything a reader sees of an article besides the body: metadata questions and
    sub-headed enumerations are answered from these."""
    sections = dict.fromkeys(p.section for p in article.paragraphs if p.section)
    parts = [article.title, article.kicker, article.subtitle, article.dateline, article.date, *article.byline, *sections]
    return "".join(part for part in parts if part)


def check_item(raw: object, articles: dict[str, list[Article]]) -> list[str]:
    if not isinstance(raw, dict):
        return ["not a JSON object"]
    errors = [f"missing field {key!r}" for key in REQUIRED if key not in raw]
    for key, kind in {**REQUIRED, **OPTIONAL}.items():
        if key in raw and not isinstance(raw[key], kind):
            errors.append(f"field {key!r} is not a {kind.__name__}")
    errors += [f"unknown field {key!r}" for key in raw if key not in REQUIRED and key not in OPTIONAL]
    if errors:
        return errors
    kind = raw["type"]
    if kind not in QUESTION_TYPES:
        errors.append(f"type {kind!r} not in {QUESTION_TYPES}")
    if raw["difficulty"] not in DIFFICULTIES:
        errors.append(f"difficulty {raw['difficulty']!r} not in {sorted(DIFFICULTIES)}")
    if not raw["question"].strip():
        errors.append("empty question")
    if not all(isinstance(m, str) and m.strip() for m in raw["must_contain"]):
        errors.append("must_contain holds an empty or non-string phrase")
    errors += _check_history(raw)
    if kind == "english":
        latin, cjk = len(_LATIN.findall(raw["question"])), len(_CJK.findall(raw["question"]))
        if latin <= 3 * cjk:
            errors.append("english question is not mostly English")
    if kind == "unanswerable":
        if raw["answer"] != REFUSAL:
            errors.append(f"unanswerable answer must be {REFUSAL!r}")
        if raw["must_contain"] or raw["sources"]:
            errors.append("unanswerable item has must_contain or sources")
        if "near_miss_kind" in raw and raw["near_miss_kind"] not in NEAR_MISS_KINDS:
            errors.append(f"near_miss_kind {raw['near_miss_kind']!r} not in {sorted(NEAR_MISS_KINDS)}")
        if ("near_miss" in raw) != ("near_miss_kind" in raw):
            errors.append("near_miss and near_miss_kind go together")
        return errors
    if "near_miss" in raw or "near_miss_kind" in raw:
        errors.append("near_miss on an answerable item")
    if not raw["sources"] or not raw["must_contain"]:
        return [*errors, "answerable item without sources or must_contain"]
    return errors + _check_sources(raw, articles)


def _check_history(raw: dict) -> list[str]:
    history = raw.get("history")
    if raw["type"] != "followup":
        return ["history on a non-followup item"] if history else []
    if not history:
        return ["followup without history"]
    roles = [turn.get("role") if isinstance(turn, dict) else None for turn in history]
    expected = ["user", "assistant"] * (len(history) // 2 + 1)
    errors = []
    if roles != expected[: len(roles)] or roles[-1] != "assistant":
        errors.append(f"history roles {roles} do not alternate user/assistant ending with assistant")
    if not all(isinstance(turn, dict) and isinstance(turn.get("content"), str) and turn["content"].strip() for turn in history):
        errors.append("history turn without content")
    return errors


def _check_sources(raw: dict, articles: dict[str, list[Article]]) -> list[str]:
    errors: list[str] = []
    found: list[Article] = []
    for n, source in enumerate(raw["sources"]):
        if not isinstance(source, dict) or not all(isinstance(source.get(k), str) for k in ("file", "title", "evidence")):
            errors.append(f"source {n}: needs string file, title and evidence")
            continue
        if source["file"] not in articles:
            errors.append(f"source {n}: no seed file {source['file']!r}")
            continue
        matches = [a for a in articles[source["file"]] if a.title == source["title"]]
        if not matches:
            errors.append(f"source {n}: no article titled {source['title']!r} in {source['file']}")
            continue
        evidence = normalise(source["evidence"])
        article = next((a for a in matches if evidence and evidence in normalise(a.text)), None)
        if article is None:
            # Retrieved chunks hold body text only (no headline or sub-heading), so evidence must be body text.
            errors.append(f"source {n}: evidence {source['evidence']!r} not in the body of {source['title']!r}")
            continue
        found.append(article)
    distinct = {a.id for a in found}
    need = MIN_ARTICLES.get(raw["type"], 1)
    if len(distinct) < need:
        errors.append(f"{raw['type']} cites {len(distinct)} article(s), needs {need}")
    haystack = normalise(
        "".join(s["evidence"] for s in raw["sources"] if isinstance(s, dict) and isinstance(s.get("evidence"), str))
        + "".join(a.text + article_metadata(a) for a in found)
    )
    errors += [f"must_contain {m!r} is in no evidence and no source article" for m in raw["must_contain"] if normalise(m) not in haystack]
    return errors


def check_file(path: Path, seeds: Path = SEEDS) -> tuple[list[dict], list[str]]:
    articles = load_articles(seeds)
    items: list[dict] = []
    errors: list[str] = []
    ids: Counter[str] = Counter()
    questions: Counter[str] = Counter()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as error:
            errors.append(f"line {number}: not valid JSON ({error.msg})")
            continue
        label = f"line {number} ({raw.get('id', '?')})" if isinstance(raw, dict) else f"line {number}"
        errors += [f"{label}: {message}" for message in check_item(raw, articles)]
        if isinstance(raw, dict):
            items.append(raw)
            ids[str(raw.get("id"))] += 1
            questions[normalise(str(raw.get("question", "")))] += 1
    errors += [f"id {item_id!r} used {count} times" for item_id, count in ids.items() if count > 1]
    errors += [f"question {q!r} asked {count} times" for q, count in questions.items() if count > 1]
    if not items:
        errors.append("no items")
    return items, errors


def summary(items: list[dict]) -> str:
    by_type = Counter(item.get("type") for item in items)
    lines = [f"{len(items)} items"]
    lines += [f"  {kind:14} {by_type[kind]}" for kind in QUESTION_TYPES if by_type[kind]]
    kinds = Counter(item["near_miss_kind"] for item in items if "near_miss_kind" in item)
    plain = sum(1 for item in items if item.get("type") == "unanswerable" and "near_miss_kind" not in item)
    lines.append("unanswerable: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) + f", not annotated {plain}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else QA_FILE
    items, errors = check_file(path)
    print(summary(items))
    for error in errors:
        print("ERROR", error)
    print(f"{path.name}: {'FAILED, ' + str(len(errors)) + ' error(s)' if errors else 'ok'}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
