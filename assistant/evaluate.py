"""Scripted evaluation: run a question set through `Assistant.ask` and score it.

Scores are computed from the same JSON objects `assistant ask --json` prints, so
what is measured is exactly what users and other tools receive. A line that cannot
be read, or a question that `ask` cannot answer (an empty question, an exception),
is recorded as an error and the run goes on: one bad item must not lose the rest.
"""

from __future__ import annotations

import json
import re
import statistics
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from .core import Assistant

CONCISE_CHARS = 300  # an answer longer than this (citation markers aside) is a passage dump
EXAMPLE_CHARS = 200  # answers quoted in a report's example lists are cut here to keep it readable
# The per-type chart and the train-vs-test chart of the split runner plot these.
CHART_METRICS = {
    "evidence hit@5": "evidence_hit@5",
    "answer accuracy": "answer_accuracy",
    "citation hit": "citation_hit",
    "refusal accuracy": "refusal_accuracy",
    "false refusals": "false_refusal_rate",
}


class EvalFileError(ValueError):
    """The question file as a whole is unusable (no question could be read from it)."""


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
    line: int = 0

    @property
    def answerable(self) -> bool:
        return bool(self.sources)


@dataclass(frozen=True)
class BadLine:
    """A line that is not a question (not JSON, a field missing or malformed). Its kind
    is unknown, so it counts only among the errors; `id` is kept when it could be read."""

    line: int
    id: str | None
    error: str

    @property
    def record(self) -> dict:
        return {"id": self.id, "line": self.line, "error": self.error}


def load_items(path: Path) -> list[EvalItem | BadLine]:
    """Every non-blank line in order, as a question or as the reason it is not one."""
    entries = [
        _read_line(number, line)
        for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1)
        if line.strip()
    ]
    if not any(isinstance(entry, EvalItem) for entry in entries):
        first = next((f" (line {e.line}: {e.error})" for e in entries if isinstance(e, BadLine)), "")
        raise EvalFileError(f"{path}: no questions found{first}")
    return entries


def _read_line(number: int, line: str) -> EvalItem | BadLine:
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as error:
        return BadLine(number, None, f"not valid JSON ({error.msg})")
    item_id = str(raw["id"]) if isinstance(raw, dict) and raw.get("id") is not None else None
    try:
        return EvalItem(
            id=str(raw["id"]),
            type=str(raw.get("type", "factoid")),
            question=str(raw["question"]),
            answer=str(raw.get("answer", "")),
            must_contain=tuple(raw.get("must_contain") or ()),
            sources=tuple(Source(s["file"], s.get("title", ""), s.get("evidence", "")) for s in raw.get("sources") or ()),
            history=tuple(raw.get("history") or ()),
            line=number,
        )
    except (KeyError, TypeError, AttributeError) as error:
        return BadLine(number, item_id, f"missing or malformed field {error}")


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
    result: dict  # the `ask --json` object with the item's id, or the error record
    error: str = ""
    refused: bool = False
    partial: bool = False
    hit1: bool = False
    hit5: bool = False
    correct: bool = False
    citation_hit: bool = False
    citation_precision: float | None = None


Outcome = Scored | BadLine


def score(item: EvalItem, result: dict) -> Scored:
    """An error is neither correct nor refused: for an answerable item every hit is a
    miss, for an unanswerable one the refusal is missing."""
    if "error" in result:
        return Scored(item, result, error=str(result["error"]))
    # A partial answer ("the articles hold a close but different fact") is a refusal for
    # the metrics; `partial` is optional in `ask --json`, absent meaning false.
    partial = bool(result.get("partial", False))
    scored = Scored(item, result, refused=bool(result["refused"]) or partial, partial=partial)
    retrieved = [r["text"] for r in result["retrieved"]]
    cited = result["citations"]
    if item.answerable:
        scored.hit1 = any(_contains_evidence(t, item) for t in retrieved[:1])
        scored.hit5 = any(_contains_evidence(t, item) for t in retrieved[:5])
        body = normalise(_answer_body(result["answer"]))
        scored.correct = (
            not scored.refused
            and len(_answer_body(result["answer"])) <= CONCISE_CHARS
            and any(normalise(m) in body for m in item.must_contain)
        )
        scored.citation_hit = any(_contains_evidence(c["text"], item) for c in cited)
        if cited:
            gold = {s.file for s in item.sources}
            scored.citation_precision = sum(c["file"] in gold for c in cited) / len(cited)
    return scored


def outcome_id(outcome: Outcome) -> str | None:
    return outcome.item.id if isinstance(outcome, Scored) else outcome.id


def record(outcome: Outcome) -> dict:
    """The outcome's line in results.jsonl."""
    return outcome.result if isinstance(outcome, Scored) else outcome.record


def _ask(assistant: "Assistant", item: EvalItem, backend: str | None) -> dict:
    try:
        response = assistant.ask(item.question, list(item.history), backend=backend)
    except Exception as error:  # an empty question (QuestionError) or a failure inside ask: record it, go on
        return {"id": item.id, "line": item.line, "question": item.question, "error": f"{type(error).__name__}: {error}"}
    return {"id": item.id, **response.to_json()}


def run(
    assistant: "Assistant",
    entries: Sequence[EvalItem | BadLine],
    backend: str | None = None,
    results: TextIO | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Outcome]:
    """Ask every question once; each record is written to `results` as soon as it is
    known, so an interrupted run keeps what it did."""
    outcomes: list[Outcome] = []
    for done, entry in enumerate(entries, 1):
        outcome = entry if isinstance(entry, BadLine) else score(entry, _ask(assistant, entry, backend))
        outcomes.append(outcome)
        if results is not None:
            results.write(json.dumps(record(outcome), ensure_ascii=False) + "\n")
            results.flush()
        if progress is not None:
            progress(done, len(entries), "questions")
    return outcomes


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 4) if values else None


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))], 1)


def summarise(outcomes: Sequence[Outcome]) -> dict:
    """Rates over the questions read; errors count as misses (see README, Evaluation)."""
    scored = [o for o in outcomes if isinstance(o, Scored)]
    answered = [s for s in scored if not s.error]
    answerable = [s for s in scored if s.item.answerable]
    unanswerable = [s for s in scored if not s.item.answerable]
    latencies = [s.result["latency_ms"] for s in answered]
    return {
        "questions": len(scored),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "errors": len(outcomes) - len(answered),
        "evidence_hit@1": _mean([s.hit1 for s in answerable]),
        "evidence_hit@5": _mean([s.hit5 for s in answerable]),
        "answer_accuracy": _mean([s.correct for s in answerable]),
        "citation_hit": _mean([s.citation_hit for s in answerable]),
        "citation_precision": _mean([s.citation_precision for s in answerable if s.citation_precision is not None]),
        "refusal_accuracy": _mean([s.refused for s in unanswerable]),
        "false_refusal_rate": _mean([s.refused for s in answerable]),
        "partial_rate_unanswerable": _mean([s.partial for s in unanswerable]),
        "partial_rate_answerable": _mean([s.partial for s in answerable]),
        "verified_citation_rate": _mean([c.get("verified", True) for s in answered for c in s.result["citations"]]),
        "verified_answer_rate": _mean([s.result.get("verified", True) for s in answered if not s.refused]),
        "latency_p50_ms": _percentile(latencies, 0.5),
        "latency_p95_ms": _percentile(latencies, 0.95),
    }


def run_context(assistant: "Assistant", backend: str | None) -> dict:
    """How the answers were produced, stated in every metrics.json and report."""
    return {
        "retrieval_mode": assistant.retrieval_mode,
        "backend": backend or assistant.settings.llm.backend,
        "embedding_model": assistant.settings.embedding.model,
        "notice": assistant.mode_notice,
    }


def evaluate(
    assistant: "Assistant",
    qa_path: Path,
    out_dir: Path,
    backend: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> dict:
    """Ask every question, then write results.jsonl, metrics.json and report.md (+ chart)."""
    entries = load_items(qa_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / "results.jsonl").open("w", encoding="utf-8") as results:
        outcomes = run(assistant, entries, backend, results, progress)
    return write_report(out_dir, f"`{qa_path.name}`", outcomes, run_context(assistant, backend))


def write_results(out_dir: Path, outcomes: Iterable[Outcome]) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(record(o), ensure_ascii=False) + "\n" for o in outcomes]
    (out_dir / "results.jsonl").write_text("".join(lines), encoding="utf-8")


def write_report(out_dir: Path, title: str, outcomes: Sequence[Outcome], context: dict) -> dict:
    """metrics.json and report.md (with the per-type chart) for outcomes already run."""
    out_dir.mkdir(parents=True, exist_ok=True)
    by_type: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        if isinstance(o, Scored):
            by_type[o.item.type].append(o)
    metrics = {
        **summarise(outcomes),
        **context,
        "fallbacks": sum(
            isinstance(o, Scored) and "backend failed" in o.result.get("notice", "") for o in outcomes
        ),
        "by_type": {kind: summarise(group) for kind, group in sorted(by_type.items())},
    }
    (out_dir / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2), encoding="utf-8")
    kinds = list(metrics["by_type"])
    chart = bar_chart(
        kinds,
        {label: [metrics["by_type"][k][key] for k in kinds] for label, key in CHART_METRICS.items()},
        "Metrics per question type",
        out_dir / "metrics_by_type.png",
    )
    (out_dir / "report.md").write_text(_report(title, metrics, outcomes, chart), encoding="utf-8")
    return metrics


def bar_chart(groups: list[str], series: dict[str, list[float | None]], title: str, path: Path) -> str:
    """Grouped bars of shares (0..1), one bar per series in each group; a missing value is no bar."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axis = plt.subplots(figsize=(max(6, 1.3 * len(groups) + 3), 4))
    width = 0.8 / max(1, len(series))
    for offset, (label, values) in enumerate(series.items()):
        shown = [(i + offset * width, v) for i, v in enumerate(values) if v is not None]
        bars = axis.bar([x for x, _ in shown], [v for _, v in shown], width, label=label, color=f"C{offset}")
        axis.bar_label(bars, fmt="%.2f", fontsize=6)
    axis.set_xticks([i + 0.4 - width / 2 for i in range(len(groups))], groups, rotation=20)
    axis.set_ylim(0, 1.08)
    axis.set_ylabel("share of questions")
    axis.set_title(title)
    axis.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path.name


def fmt(value: object) -> str:
    return "–" if value is None else f"{value:.2f}" if isinstance(value, float) else str(value)


def _cut(text: str, limit: int = EXAMPLE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _example(s: Scored) -> str:
    """One line of an example list: enough to start tuning from without opening results.jsonl."""
    expected = s.item.answer or ("a refusal" if not s.item.answerable else "–")
    got = ("(partial) " if s.partial else "") + _cut(s.result["answer"])
    top = s.result["retrieved"][0] if s.result["retrieved"] else None
    where = f"{_cut(top['title'] or '(no title)', 60)} · {top['file']}" if top else "nothing retrieved"
    evidence = f" · evidence in top 5: {'yes' if s.hit5 else 'no'}" if s.item.answerable else ""
    return (
        f"- **{s.item.id}** ({s.item.type}) {_cut(s.item.question)} — expected: {_cut(expected)} — got: {got} "
        f"— top retrieved: {where}{evidence}"
    )


def _report(title: str, metrics: dict, outcomes: Sequence[Outcome], chart: str) -> str:
    keys = [k for k in metrics if k not in {"by_type", "notice", "retrieval_mode", "backend", "embedding_model"}]
    lines = [
        f"# Evaluation of {title}",
        "",
        f"Retrieval: **{metrics['retrieval_mode']}** · backend: **{metrics['backend']}** · "
        f"embedding model: `{metrics['embedding_model']}`",
    ]
    if metrics["notice"]:
        lines += ["", f"> {metrics['notice']}"]
    lines += ["", "| metric | value |", "|---|---|", *[f"| {k} | {fmt(metrics[k])} |" for k in keys]]
    columns = ["questions", "errors", "evidence_hit@5", "answer_accuracy", "citation_hit", "refusal_accuracy",
               "false_refusal_rate"]
    lines += ["", "## Per question type", "", "| type | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for kind, values in metrics["by_type"].items():
        lines.append(f"| {kind} | " + " | ".join(fmt(values[c]) for c in columns) + " |")
    lines += ["", f"![metrics per question type]({chart})"]
    scored = [o for o in outcomes if isinstance(o, Scored) and not o.error]
    sections = {
        "Answered wrongly": [s for s in scored if s.item.answerable and not s.refused and not s.correct],
        "Refused wrongly (false refusals)": [s for s in scored if s.item.answerable and s.refused],
        "Unanswerable questions answered": [s for s in scored if not s.item.answerable and not s.refused],
    }
    for heading, examples in sections.items():
        lines += ["", f"## {heading} ({len(examples)})", ""]
        lines += [_example(s) for s in examples] or ["None."]
    errors = [o for o in outcomes if isinstance(o, BadLine) or o.error]
    lines += ["", f"## Errors ({len(errors)})", ""]
    for o in errors:
        if isinstance(o, BadLine):
            lines.append(f"- line {o.line} ({o.id or 'no id'}): {o.error}")
        else:
            lines.append(f"- line {o.item.line} **{o.item.id}** ({o.item.type}) {_cut(o.item.question) or '(empty)'}: {o.error}")
    if not errors:
        lines.append("None.")
    return "\n".join(lines) + "\n"
