"""Evaluation: question files, scoring, and the written report."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import unicodedata
from pathlib import Path

import pytest

from assistant.evaluate import (
    CONCISE_CHARS,
    BadLine,
    EvalFileError,
    EvalItem,
    Source,
    load_items,
    normalise,
    score,
    summarise,
)

from conftest import QA_FILE, ROOT, sampled_questions

METRIC_KEYS = {
    "errors",
    "partial_rate_unanswerable",
    "partial_rate_answerable",
    "evidence_hit@1",
    "evidence_hit@5",
    "answer_accuracy",
    "citation_hit",
    "citation_precision",
    "refusal_accuracy",
    "false_refusal_rate",
    "latency_p50_ms",
    "latency_p95_ms",
    "by_type",
}


# ------------------------------------------------------------------ full run


@pytest.fixture(scope="module")
def eval_run(lexical_assistant, tmp_path_factory: pytest.TempPathFactory):
    """`assistant eval` over a sample of the project's set, in a file of the same name."""
    home = tmp_path_factory.mktemp("eval")
    sample = home / QA_FILE.name
    sample.write_text("\n".join(sampled_questions()) + "\n", encoding="utf-8")
    out = home / "out"
    metrics = lexical_assistant.evaluate(sample, out)
    return metrics, out


def qa_lines() -> list[dict]:
    return [json.loads(line) for line in QA_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]


def sampled_lines() -> list[dict]:
    return [json.loads(line) for line in sampled_questions()]


def test_results_jsonl_one_object_per_item(eval_run) -> None:
    _, out = eval_run
    results = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    items = sampled_lines()
    assert [r["id"] for r in results] == [item["id"] for item in items]
    for result, item in zip(results, items):
        assert result["question"] == item["question"]
        assert {"answer", "refused", "citations", "retrieved", "latency_ms", "retrieval_mode"} <= set(result)
        assert result["retrieval_mode"] == "lexical"


def test_metrics_json(eval_run) -> None:
    metrics, out = eval_run
    written = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert written == metrics
    assert METRIC_KEYS <= set(metrics)
    items = sampled_lines()
    assert metrics["questions"] == len(items)
    assert metrics["unanswerable"] == sum(1 for item in items if not item.get("sources"))
    assert metrics["answerable"] + metrics["unanswerable"] == len(items)
    assert metrics["errors"] == 0
    for key in METRIC_KEYS - {"by_type", "latency_p50_ms", "latency_p95_ms", "errors"}:
        assert metrics[key] is None or 0.0 <= metrics[key] <= 1.0, key
    assert 0 <= metrics["latency_p50_ms"] <= metrics["latency_p95_ms"]
    assert metrics["retrieval_mode"] == "lexical"
    assert metrics["notice"]
    assert set(metrics["by_type"]) == {item.get("type", "factoid") for item in items}
    assert sum(group["questions"] for group in metrics["by_type"].values()) == len(items)


def test_metrics_agree_with_results(eval_run) -> None:
    """Recompute two metrics from results.jsonl with independent, plain code."""
    metrics, out = eval_run
    results = {r["id"]: r for r in map(json.loads, (out / "results.jsonl").read_text(encoding="utf-8").splitlines())}

    def squash(text: str) -> str:
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()

    hits, refusals, unanswerable = [], [], []
    for item in sampled_lines():
        result = results[item["id"]]
        if item.get("sources"):
            evidence = [squash(s["evidence"]) for s in item["sources"] if s.get("evidence")]
            top5 = [squash(r["text"]) for r in result["retrieved"][:5]]
            hits.append(any(e in t for e in evidence for t in top5))
        else:
            unanswerable.append(result["refused"])
        refusals.append(result["refused"])
    assert metrics["evidence_hit@5"] == pytest.approx(sum(hits) / len(hits), abs=1e-3)
    if unanswerable:
        assert metrics["refusal_accuracy"] == pytest.approx(sum(unanswerable) / len(unanswerable), abs=1e-3)
    # retrieval on the project's own set must find the evidence most of the time
    assert metrics["evidence_hit@5"] >= 0.5


def test_report_md_references_existing_png(eval_run) -> None:
    metrics, out = eval_run
    report = (out / "report.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", report)
    assert images
    for name in images:
        assert name.endswith(".png")
        png = out / name
        assert png.is_file()
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert QA_FILE.name in report
    assert "lexical" in report
    for kind in metrics["by_type"]:
        assert f"| {kind} |" in report


def test_evaluate_small_subset(lexical_assistant, tmp_path: Path) -> None:
    items = qa_lines()
    picked = {}
    for item in items:
        picked.setdefault(item.get("type", "factoid"), item)
    subset = tmp_path / "subset.jsonl"
    subset.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in picked.values()) + "\n\n", encoding="utf-8")
    metrics = lexical_assistant.evaluate(subset, tmp_path / "out")
    assert metrics["questions"] == len(picked)
    assert set(metrics["by_type"]) == set(picked)
    lines = (tmp_path / "out" / "results.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [i["id"] for i in picked.values()]


# ------------------------------------------------------------------ load_items


def test_load_items_parses_the_project_set() -> None:
    items = load_items(QA_FILE)
    assert len(items) == len(qa_lines())
    assert all(isinstance(item, EvalItem) and item.id and item.question for item in items)
    assert any(not item.answerable for item in items)
    assert any(item.history for item in items)


def test_load_items_malformed_json_is_a_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    good = json.dumps({"id": "a", "question": "问题？"}, ensure_ascii=False)
    path.write_text(f"{good}\n\n{{not json\n{good}\n", encoding="utf-8")
    first, bad, last = load_items(path)
    assert isinstance(first, EvalItem) and first.line == 1
    assert isinstance(bad, BadLine) and bad.line == 3 and bad.id is None and "not valid JSON" in bad.error
    assert isinstance(last, EvalItem) and last.line == 4


def test_load_items_missing_field_keeps_the_id(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "question": "q"}\n{"id": "b"}\n', encoding="utf-8")
    _, bad = load_items(path)
    assert bad == BadLine(2, "b", bad.error)
    assert "question" in bad.error
    assert bad.record == {"id": "b", "line": 2, "error": bad.error}


def test_load_items_wrong_shape_is_a_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "question": "q"}\n["not", "an", "object"]\n', encoding="utf-8")
    _, bad = load_items(path)
    assert isinstance(bad, BadLine) and bad.line == 2 and bad.id is None


def test_load_items_no_readable_question_fails_with_the_first_reason(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("these are notes\nnot questions\n", encoding="utf-8")
    with pytest.raises(EvalFileError, match=r"no questions found \(line 1: not valid JSON"):
        load_items(path)


def test_load_items_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(EvalFileError, match="no questions"):
        load_items(path)


def test_load_items_bom_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_text('\ufeff{"id": 1, "question": "q", "sources": [{"file": "f.txt"}]}\n\n', encoding="utf-8")
    (item,) = load_items(path)
    assert item.id == "1" and item.type == "factoid" and item.answerable
    assert item.sources == (Source("f.txt", "", ""),)


# ------------------------------------------------------------------ score()


def item(**fields) -> EvalItem:
    defaults = dict(
        id="x",
        type="factoid",
        question="今冬青岛全市供热面积是多少？",
        answer="3.35亿平方米",
        must_contain=("3.35亿平方米",),
        sources=(Source("000.txt", "供热", "供热面积3.35亿平方米，居民用户304万户"),),
    )
    return EvalItem(**{**defaults, **fields})


def result(answer: str, refused: bool = False, retrieved=(), cited=()) -> dict:
    return {
        "answer": answer,
        "refused": refused,
        "retrieved": [{"text": t} for t in retrieved],
        "citations": [{"file": f, "text": t} for f, t in cited],
        "latency_ms": 1.0,
    }


def test_normalise() -> None:
    assert normalise(" 3.35 亿\n平方米 ") == "3.35亿平方米"
    assert normalise("增长５０％") == normalise("增长50%")
    assert normalise("ABC") == "abc"


def test_score_evidence_is_whitespace_insensitive() -> None:
    passage = "全市已进入正式供热阶段，供热面积 3.35 亿平方米，\n居民用户304 万户。"
    scored = score(item(), result("供热面积3.35亿平方米。[1]", retrieved=["无关段落。", passage], cited=[("000.txt", passage)]))
    assert scored.hit1 is False
    assert scored.hit5 is True
    assert scored.citation_hit is True
    assert scored.correct is True
    assert scored.citation_precision == 1.0


def test_score_evidence_outside_top5_is_a_miss() -> None:
    passage = "供热面积3.35亿平方米，居民用户304万户。"
    scored = score(item(), result("x", retrieved=["无关。"] * 5 + [passage]))
    assert scored.hit5 is False


def test_score_refused_answer_is_not_correct() -> None:
    scored = score(item(), result("供热面积3.35亿平方米，但文章中没有找到。", refused=True))
    assert scored.correct is False


def test_score_long_answer_is_not_concise() -> None:
    filler = "供热管家每天入户解决问题。" * 30
    long_answer = "供热面积3.35亿平方米。" + filler
    assert len(long_answer) > CONCISE_CHARS
    assert score(item(), result(long_answer)).correct is False
    short = "供热面积3.35亿平方米。[1]"
    assert score(item(), result(short)).correct is True


def test_score_citation_markers_do_not_count_towards_length() -> None:
    body = "供" * (CONCISE_CHARS - 20) + "3.35亿平方米"
    assert len(body) <= CONCISE_CHARS
    answer = body + "[1][2][3][4][5][6][7][8][9]"
    assert len(answer) > CONCISE_CHARS
    assert score(item(), result(answer)).correct is True


def test_score_wrong_answer() -> None:
    assert score(item(), result("供热面积3.36亿平方米。[1]")).correct is False


def test_score_citation_precision() -> None:
    cited = [("000.txt", "a"), ("001.txt", "b"), ("000.txt", "c"), ("002.txt", "d")]
    assert score(item(), result("x", cited=cited)).citation_precision == 0.5
    assert score(item(), result("x")).citation_precision is None


def test_score_unanswerable_item() -> None:
    unanswerable = item(sources=(), must_contain=(), answer="")
    assert not unanswerable.answerable
    scored = score(unanswerable, result("文章中没有找到。", refused=True, retrieved=["任何"]))
    assert (scored.hit1, scored.hit5, scored.correct, scored.citation_hit) == (False, False, False, False)


def test_score_partial_answer_counts_as_refused() -> None:
    partial = result("文章没有2024年的数据；文章提到2023年供热面积3.35亿平方米。[1]", refused=True)
    scored = score(item(), {**partial, "partial": True})
    assert (scored.refused, scored.partial, scored.correct) == (True, True, False)
    # absent means false: today's `ask --json` has no such field
    scored = score(item(), result("供热面积3.35亿平方米。[1]"))
    assert (scored.refused, scored.partial, scored.correct) == (False, False, True)


def test_score_error_is_neither_correct_nor_refused() -> None:
    error = {"id": "x", "line": 3, "question": "", "error": "QuestionError: The question is empty."}
    scored = score(item(), error)
    assert scored.error == error["error"]
    assert (scored.refused, scored.correct, scored.hit5, scored.citation_hit) == (False, False, False, False)


def test_summarise_counts_partials_and_errors() -> None:
    answerable, unanswerable = item(), item(id="u", sources=(), must_contain=(), answer="")
    refusal = result("文章中没有找到。", refused=True)
    outcomes = [
        score(answerable, result("供热面积3.35亿平方米。[1]")),  # correct
        score(answerable, {**refusal, "partial": True}),  # partial: a false refusal
        score(answerable, {"id": "x", "line": 3, "error": "boom"}),  # error: not correct, not refused
        score(unanswerable, {**refusal, "partial": True}),  # partial: a right refusal
        score(unanswerable, refusal),
        score(unanswerable, result("随便一句。[1]")),  # answered: wrong
        score(unanswerable, {"id": "u", "line": 7, "error": "boom"}),  # error: no refusal
        BadLine(9, None, "not valid JSON"),
    ]
    metrics = summarise(outcomes)
    assert (metrics["questions"], metrics["answerable"], metrics["unanswerable"], metrics["errors"]) == (7, 3, 4, 3)
    assert metrics["answer_accuracy"] == pytest.approx(1 / 3, abs=1e-3)
    assert metrics["false_refusal_rate"] == pytest.approx(1 / 3, abs=1e-3)
    assert metrics["refusal_accuracy"] == 0.5
    assert metrics["partial_rate_answerable"] == pytest.approx(1 / 3, abs=1e-3)
    assert metrics["partial_rate_unanswerable"] == 0.25
    assert metrics["latency_p95_ms"] == 1.0  # errors have no latency


# ------------------------------------------------------------------ bad items do not stop a run


def seed_lines() -> dict[str, str]:
    return {json.loads(line)["id"]: line for line in QA_FILE.read_text(encoding="utf-8").splitlines() if line.strip()}


def test_bad_items_are_recorded_and_the_run_goes_on(lexical_assistant, tmp_path: Path) -> None:
    lines = seed_lines()
    good = ["s001", "s002", "s038", "s048", "s003", "s040"]  # factoid, unanswerable, follow-up
    empty = json.dumps({"id": "e1", "question": "", "sources": [{"file": "f.txt"}]})
    punctuation = json.dumps({"id": "e2", "type": "unanswerable", "question": "？！……"}, ensure_ascii=False)
    no_role = json.dumps(
        {"id": "e3", "question": "那新建多少台？", "history": [{"content": "x"}], "sources": [{"file": "f.txt"}]},
        ensure_ascii=False,
    )
    file_lines = [
        lines["s001"], lines["s002"], empty, lines["s038"], "{not json", punctuation,
        lines["s048"], '{"id": "e4", "answer": "no question"}', no_role, lines["s003"], lines["s040"],
    ]
    qa = tmp_path / "mixed.jsonl"
    qa.write_text("\n".join(file_lines) + "\n", encoding="utf-8")
    metrics = lexical_assistant.evaluate(qa, tmp_path / "out")

    records = [json.loads(line) for line in (tmp_path / "out" / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["s001", "s002", "e1", "s038", None, "e2", "s048", "e4", "e3", "s003", "s040"]
    errors = {r["line"]: r for r in records if "error" in r}
    assert sorted(errors) == [3, 5, 6, 8, 9]
    assert "QuestionError" in errors[3]["error"] and "empty" in errors[3]["error"]
    assert "QuestionError" in errors[6]["error"] and "punctuation" in errors[6]["error"]
    assert "not valid JSON" in errors[5]["error"]
    assert errors[8]["id"] == "e4" and "question" in errors[8]["error"]
    assert "KeyError" in errors[9]["error"]  # raised inside ask by a malformed history turn
    answered = [r for r in records if "error" not in r]
    assert [r["id"] for r in answered] == good
    assert all(r["answer"] and r["retrieved"] for r in answered)

    written = json.loads((tmp_path / "out" / "metrics.json").read_text(encoding="utf-8"))
    assert written == metrics
    assert metrics["errors"] == 5
    assert metrics["questions"] == 9  # the non-JSON line and the one without a question are not questions
    assert metrics["answerable"] == 6 and metrics["unanswerable"] == 3  # e1, e3 answerable; e2 not

    # The errors count as misses: the same good items alone score higher by exactly that share.
    clean = tmp_path / "clean.jsonl"
    clean.write_text("\n".join(lines[i] for i in good) + "\n", encoding="utf-8")
    alone = lexical_assistant.evaluate(clean, tmp_path / "clean-out")
    assert alone["errors"] == 0 and alone["answerable"] == 4 and alone["unanswerable"] == 2
    assert alone["answer_accuracy"] > 0
    assert metrics["answer_accuracy"] == pytest.approx(alone["answer_accuracy"] * 4 / 6, abs=1e-3)
    assert metrics["refusal_accuracy"] == pytest.approx(alone["refusal_accuracy"] * 2 / 3, abs=1e-3)
    assert metrics["false_refusal_rate"] == pytest.approx(alone["false_refusal_rate"] * 4 / 6, abs=1e-3)

    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    section = report.split("## Errors (5)", 1)[1]
    for line in (3, 5, 6, 8, 9):
        assert f"line {line}" in section


# ------------------------------------------------------------------ the split runner (bench/answers.py)


def answers_module():
    spec = importlib.util.spec_from_file_location("bench_answers", ROOT / "bench" / "answers.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def read_ids(path: Path) -> list:
    return [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]


def test_split_runner_side_by_side(lexical_assistant, tmp_path: Path) -> None:
    answers = answers_module()
    seeds = seed_lines()
    dev = {json.loads(line)["id"]: line for line in (ROOT.parent / "shared" / "eval" / "dev_qa.jsonl").read_text(
        encoding="utf-8").splitlines() if line.strip()}
    alpha, beta = tmp_path / "alpha.jsonl", tmp_path / "beta.jsonl"
    empty = json.dumps({"id": "e1", "question": "", "sources": [{"file": "f.txt"}]})
    alpha.write_text("\n".join([seeds["s001"], seeds["s002"], empty, seeds["s038"], seeds["s048"], seeds["s003"]]) + "\n",
                     encoding="utf-8")
    beta.write_text("\n".join([dev["d001"], "{not json", dev["d002"], dev["d003"], dev["d004"]]) + "\n", encoding="utf-8")
    split = tmp_path / "split.json"
    split.write_text(json.dumps({
        "alpha": {"train": ["s001", "e1", "s038"], "test": ["s002", "s048"]},  # s003 left out: only in all/
        "beta": {"train": [], "test": ["d001", "d002", "d003", "d004"]},
    }), encoding="utf-8")
    opened: list[str] = []

    def assistant_for(corpus: str):
        opened.append(corpus)
        return lexical_assistant

    out = tmp_path / "answers"
    sets = [answers.QuestionSet("alpha", alpha, "seeds"), answers.QuestionSet("beta", beta, "seeds")]
    summary = answers.evaluate_sets(sets, assistant_for, split, out, ["train", "test"])
    assert opened == ["seeds"]  # one index per corpus

    assert read_ids(out / "alpha" / "train" / "results.jsonl") == ["s001", "e1", "s038"]
    assert read_ids(out / "alpha" / "test" / "results.jsonl") == ["s002", "s048"]
    assert read_ids(out / "alpha" / "all" / "results.jsonl") == ["s001", "s002", "e1", "s038", "s048", "s003"]
    assert read_ids(out / "beta" / "test" / "results.jsonl") == ["d001", "d002", "d003", "d004"]
    assert read_ids(out / "beta" / "all" / "results.jsonl") == ["d001", None, "d002", "d003", "d004"]

    figures = summary["sets"]
    assert list(figures) == ["alpha", "beta"] and all(list(parts) == ["train", "test"] for parts in figures.values())
    counts = {(name, part): (f["questions"], f["unanswerable"], f["errors"]) for name in figures
              for part, f in figures[name].items()}
    assert counts == {
        ("alpha", "train"): (3, 1, 1), ("alpha", "test"): (2, 0, 0), ("beta", "train"): (0, 0, 0), ("beta", "test"): (4, 0, 0),
    }
    for part in ("train", "test"):
        written = json.loads((out / "alpha" / part / "metrics.json").read_text(encoding="utf-8"))
        assert {k: v for k, v in written.items() if k != "by_type"} == figures["alpha"][part]
    # the part figures agree with the whole run's records, recomputed plainly
    whole = {r["id"]: r for r in map(json.loads, (out / "beta" / "all" / "results.jsonl").read_text(encoding="utf-8").splitlines())}
    refused = [whole[i]["refused"] for i in ("d001", "d002", "d003", "d004")]
    assert figures["beta"]["test"]["false_refusal_rate"] == pytest.approx(sum(refused) / 4)
    assert json.loads((out / "beta" / "all" / "metrics.json").read_text(encoding="utf-8"))["errors"] == 1

    table = answers.write_summary(summary, ["train", "test"], out)
    rows = [line for line in table.splitlines() if re.match(r"\| (alpha|beta) \|", line)]
    assert [row.split(" | ")[:5] for row in rows] == [
        ["| alpha", "train", "3", "1", f"{figures['alpha']['train']['evidence_hit@1']:.2f}"],
        ["| alpha", "test", "2", "0", f"{figures['alpha']['test']['evidence_hit@1']:.2f}"],
        ["| beta", "train", "0", "0", "–"],
        ["| beta", "test", "4", "0", f"{figures['beta']['test']['evidence_hit@1']:.2f}"],
    ]
    assert json.loads((out / "summary.json").read_text(encoding="utf-8")) == summary
    assert (out / "summary.md").read_text(encoding="utf-8") == table
    for name in ("alpha", "beta"):
        assert (out / name / "train_vs_test.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"({name}/train_vs_test.png)" in table
    report = (out / "alpha" / "train" / "report.md").read_text(encoding="utf-8")
    assert "## Errors (1)" in report and "e1" in report.split("## Errors (1)")[1]


def test_split_runner_command_builds_then_reuses_the_index(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    answers = answers_module()
    dev_ids = [json.loads(line)["id"] for line in answers.SETS["dev"].questions.read_text(encoding="utf-8").splitlines()
               if line.strip()]
    split = tmp_path / "split.json"
    split.write_text(json.dumps({"dev": {"train": dev_ids[:5], "test": dev_ids[5:]}}), encoding="utf-8")
    args = ["--sets", "dev", "--retrieval", "lexical", "--split", str(split),
            "--index-root", str(tmp_path / "index"), "--out", str(tmp_path / "out")]
    answers.main(args)
    first = capsys.readouterr()
    assert re.search(r"index seeds: [1-9][\d,]* chunks added", first.err), first.err
    assert "ingest seeds: documents" in first.err and "set dev: questions" in first.err
    assert re.search(rf"\| dev \| train \| 5 \|", first.out) and re.search(rf"\| dev \| test \| {len(dev_ids) - 5} \|", first.out)
    assert (tmp_path / "index" / "seeds").is_dir()
    answers.main(args)
    again = capsys.readouterr()
    assert "index seeds: 0 chunks added" in again.err, again.err
    assert again.out.split("\n| set |")[1] .count("| dev |") == 2
