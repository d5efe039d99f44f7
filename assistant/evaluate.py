"""Scripted evaluation: run a question set through `Assistant.ask` and score it.

Scores are computed from the same JSON objects `assistant ask --json` prints, so
what is measured is exactly what users and other tools receive.
"""

from __future__ import annotations

import json
import re
import statistics
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .core import Assistant

CONCISE_CHARS = 300  # an answer longer than this (citation markers aside) is a passage dump
QUESTION_TYPES = ("factoid", "paraphrase", "multi_article", "unanswerable", "followup", "english", "summary")


class EvalFileError(ValueError):
    """The question file is malformed; the message names the line."""


@dataclass(frozen=True)
class Source:
    file: str
    title: str
    evidence: str


@dataclass(frozen=True)
class EvalItem:
    id: str
    type: str
    question: str
    answer: str = ""
    must_contain: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    history: tuple[dict, ...] = ()

    @property
    def answerable(self) -> bool:
        return bool(self.sources)


def load_items(path: Path) -> list[EvalItem]:
    items: list[EvalItem] = []
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            items.append(
                EvalItem(
                    id=str(raw["id"]),
                    type=str(raw.get("type", "factoid")),
                    question=str(raw["question"]),
                    answer=str(raw.get("answer", "")),
                    must_contain=tuple(raw.get("must_contain") or ()),
                    sources=tuple(
                        Source(s["file"], s.get("title", ""), s.get("evidence", "")) for s in raw.get("sources") or ()
                    ),
                    history=tuple(raw.get("history") or ()),
                )
            )
        except json.JSONDecodeError as error:
            raise EvalFileError(f"{path}:{number}: not valid JSON ({error.msg})") from None
        except (KeyError, TypeError, AttributeError) as error:
            raise EvalFileError(f"{path}:{number}: missing or malformed field {error}") from None
    if not items:
        raise EvalFileError(f"{path}: no questions found")
    return items


def normalise(text: str) -> str:
    """Compare text ignoring whitespace, width and case (全角 ％ equals %)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def _contains_evidence(passage: str, item: EvalItem) -> bool:
    passage = normalise(passage)
    return any(s.evidence and normalise(s.evidence) in passage for s in item.sources)


def _answer_body(answer: str) -> str:
    return re.sub(r"\[\d+\]", "", answer)


@dataclass
class Scored:
    item: EvalItem
    result: dict
    hit1: bool = False
    hit5: bool = False
    correct: bool = False
    citation_hit: bool = False
    citation_precision: float | None = None
    scores: dict[str, float] = field(default_factory=dict)


def score(item: EvalItem, result: dict) -> Scored:
    scored = Scored(item, result)
    retrieved = [r["text"] for r in result["retrieved"]]
    cited = result["citations"]
    if item.answerable:
        scored.hit1 = any(_contains_evidence(t, item) for t in retrieved[:1])
        scored.hit5 = any(_contains_evidence(t, item) for t in retrieved[:5])
        body = normalise(_answer_body(result["answer"]))
        scored.correct = (
            not result["refused"]
            and len(_answer_body(result["answer"])) <= CONCISE_CHARS
            and any(normalise(m) in body for m in item.must_contain)
        )
        scored.citation_hit = any(_contains_evidence(c["text"], item) for c in cited)
        if cited:
            gold = {s.file for s in item.sources}
            scored.citation_precision = sum(c["file"] in gold for c in cited) / len(cited)
    return scored


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 4) if values else None


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))], 1)


def summarise(scored: list[Scored]) -> dict:
    answerable = [s for s in scored if s.item.answerable]
    unanswerable = [s for s in scored if not s.item.answerable]
    latencies = [s.result["latency_ms"] for s in scored]
    return {
        "questions": len(scored),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "evidence_hit@1": _mean([s.hit1 for s in answerable]),
        "evidence_hit@5": _mean([s.hit5 for s in answerable]),
        "answer_accuracy": _mean([s.correct for s in answerable]),
        "citation_hit": _mean([s.citation_hit for s in answerable]),
        "citation_precision": _mean([s.citation_precision for s in answerable if s.citation_precision is not None]),
        "refusal_accuracy": _mean([s.result["refused"] for s in unanswerable]),
        "false_refusal_rate": _mean([s.result["refused"] for s in answerable]),
        "verified_citation_rate": _mean([c.get("verified", True) for s in scored for c in s.result["citations"]]),
        "verified_answer_rate": _mean([s.result.get("verified", True) for s in scored if not s.result["refused"]]),
        "latency_p50_ms": _percentile(latencies, 0.5),
        "latency_p95_ms": _percentile(latencies, 0.95),
    }


def evaluate(assistant: "Assistant", qa_path: Path, out_dir: Path, backend: str | None = None) -> dict:
    """Ask every question, then write results.jsonl, metrics.json and report.md (+ chart)."""
    items = load_items(qa_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    scored = []
    with (out_dir / "results.jsonl").open("w", encoding="utf-8") as results:
        for item in items:
            result = {"id": item.id, **assistant.ask(item.question, list(item.history), backend=backend).to_json()}
            results.write(json.dumps(result, ensure_ascii=False) + "\n")
            scored.append(score(item, result))
    by_type = defaultdict(list)
    for s in scored:
        by_type[s.item.type].append(s)
    metrics = {
        **summarise(scored),
        "retrieval_mode": assistant.retrieval_mode,
        "backend": backend or assistant.settings.llm.backend,
        "fallbacks": sum("notice" in s.result and "backend failed" in s.result["notice"] for s in scored),
        "embedding_model": assistant.settings.embedding.model,
        "notice": assistant.mode_notice,
        "by_type": {kind: summarise(group) for kind, group in sorted(by_type.items())},
    }
    (out_dir / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2), encoding="utf-8")
    chart = _plot(metrics["by_type"], out_dir / "metrics_by_type.png")
    (out_dir / "report.md").write_text(_report(qa_path, metrics, scored, chart), encoding="utf-8")
    return metrics


def _plot(by_type: dict[str, dict], path: Path) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = {
        "evidence hit@5": "evidence_hit@5",
        "answer accuracy": "answer_accuracy",
        "citation hit": "citation_hit",
        "refusal accuracy": "refusal_accuracy",
    }
    kinds = list(by_type)
    fig, axis = plt.subplots(figsize=(max(6, 1.3 * len(kinds) + 2), 4))
    width = 0.8 / len(series)
    for offset, (label, key) in enumerate(series.items()):
        values = [by_type[k][key] or 0.0 for k in kinds]
        axis.bar([i + offset * width for i in range(len(kinds))], values, width, label=label)
    axis.set_xticks([i + 0.4 - width / 2 for i in range(len(kinds))], kinds, rotation=20)
    axis.set_ylim(0, 1.05)
    axis.set_ylabel("share of questions")
    axis.set_title("Metrics per question type")
    axis.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path.name


def _report(qa_path: Path, metrics: dict, scored: list[Scored], chart: str) -> str:
    def fmt(value: object) -> str:
        return "–" if value is None else f"{value:.2f}" if isinstance(value, float) else str(value)

    keys = [k for k in metrics if k not in {"by_type", "notice", "retrieval_mode", "backend", "embedding_model"}]
    lines = [
        f"# Evaluation of `{qa_path.name}`",
        "",
        f"Retrieval: **{metrics['retrieval_mode']}** · backend: **{metrics['backend']}** · "
        f"embedding model: `{metrics['embedding_model']}`",
    ]
    if metrics["notice"]:
        lines += ["", f"> {metrics['notice']}"]
    lines += ["", "| metric | value |", "|---|---|", *[f"| {k} | {fmt(metrics[k])} |" for k in keys]]
    columns = ["questions", "evidence_hit@5", "answer_accuracy", "citation_hit", "refusal_accuracy"]
    lines += ["", "## Per question type", "", "| type | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for kind, values in metrics["by_type"].items():
        lines.append(f"| {kind} | " + " | ".join(fmt(values[c]) for c in columns) + " |")
    lines += ["", f"![metrics per question type]({chart})", "", "## Questions answered wrongly", ""]
    wrong = [s for s in scored if (s.item.answerable and not s.correct) or (not s.item.answerable and not s.result["refused"])]
    for s in wrong:
        got = s.result["answer"].replace("\n", " ")
        lines.append(f"- **{s.item.id}** ({s.item.type}) {s.item.question} — expected: {s.item.answer} — got: {got}")
    if not wrong:
        lines.append("None.")
    return "\n".join(lines) + "\n"
