"""Load: 20 chat sessions through gradio_client against the real app for 20 s while an
upload is ingested (bench/load.py, run as `make load` runs it, only shorter), and the
gate that turns lost, failed or inconsistent answers into a failing exit code."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT

SCRIPT = ROOT / "bench" / "load.py"
SESSIONS, SECONDS, UPLOAD_AT = 20, 20, 6


def load_module():
    spec = importlib.util.spec_from_file_location("bench_load", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_a_small_pool_holds_every_kind_of_conversation() -> None:
    """The load run draws 24 conversations from a file that grows by rounds of mixed
    questions: the draw must still hold follow-ups and unanswerable questions, or the
    run below could not check that they were answered under load."""
    pool = [item for item in load_module().conversations(24) if item.kind == "seeds"]
    assert len(pool) == 24
    assert any(len(item.questions) > 1 for item in pool) and any(not item.answerable for item in pool)


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("load") / "load.json"
    command = [sys.executable, str(SCRIPT), "--sessions", str(SESSIONS), "--seconds", str(SECONDS),
               "--ingest-at", str(UPLOAD_AT), "--ingest-docs", "0", "--pool", "24", "--out", str(out)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.is_file(), done.stdout + done.stderr
    (run,) = json.loads(out.read_text(encoding="utf-8"))["runs"]
    run["exit_code"], run["output"] = done.returncode, done.stdout + done.stderr
    return run


def test_every_question_is_answered_under_load(measured: dict) -> None:
    run = measured
    assert run["exit_code"] == 0 and run["ok"], run["output"]
    assert run["sessions"] == SESSIONS and run["sessions_answered"] == SESSIONS
    assert run["lost"] == 0 and run["errors"] == 0, run["error_samples"]
    assert run["asked"] == run["answered"] >= 2 * SESSIONS  # even a busy machine answers each session a few times
    assert run["follow_ups"] > 0 and run["refused"] > 0  # follow-ups and unanswerable questions were in the mix
    # every answer has text, and each one that is not a refusal cites its source
    assert run["empty"] == 0 and run["uncited"] == 0
    latency = run["latency"]
    assert latency["n"] == run["answered"] and 0 < latency["p50_ms"] <= latency["p95_ms"] <= latency["max_ms"]
    assert run["throughput_qps"] > 0 and run["concurrency"] >= 1


def test_answers_stay_correct_while_an_upload_is_ingested(measured: dict) -> None:
    run = measured
    upload = run["ingest"]
    assert upload["ok"], upload
    assert "200 篇文章 articles" in upload["report"] and "新增 0 段" not in upload["report"]
    assert UPLOAD_AT <= upload["started"] < upload["ended"] < run["elapsed_s"]
    # answers were given before, during and after the ingest, each the answer the app
    # gives with no upload running, on the index before or after it: nobody saw a
    # half-built index
    phases = run["phases"]
    assert set(phases) == {"before upload", "during upload", "after upload"}, phases
    assert all(p["n"] > 0 and p["consistent"] == p["n"] for p in phases.values()), phases
    assert run["inconsistent"] == 0, run["inconsistent_samples"]


def test_uploaded_articles_become_answerable(measured: dict) -> None:
    probes = measured["probes"]
    before, after, baseline = probes["before upload"], probes["after upload"], probes["baseline after upload"]
    assert before["cite_uploaded"] == 0  # nothing cites an article that is not indexed yet
    assert after["answered"] > 0
    assert after["cite_uploaded"] == after["answered"] - after["refused"]  # every answer cites the upload
    assert after["cite_gold"] > 0
    assert baseline["cite_gold"] >= 6  # of the 8 probe questions, asked with no upload running after it


def test_the_upload_waits_for_a_first_answer_and_the_load_outlasts_it() -> None:
    """On a slow machine no answer may have come back by --ingest-at seconds (twenty
    clients connecting and queueing): the upload then waits for one, so that there are
    answers before it to compare with, and the sessions ask on until it has ended."""
    load = load_module()
    from conftest import free_port

    clock = load.Clock(seconds=0.0, parties=1, upload=True)
    result: dict = {}
    url = f"http://127.0.0.1:{free_port()}/"  # nothing listens: the upload itself fails fast
    thread = threading.Thread(target=load.upload_later, args=(url, Path("unused.jsonl"), clock, 0.0, 5.0, result))
    thread.start()
    time.sleep(0.5)
    assert "started" not in result and clock.running()  # past its seconds, the upload still to come
    clock.first_answer.set()
    thread.join(10)
    assert not thread.is_alive() and result["ok"] is False and result["started"] >= 0.5
    assert clock.upload_ended == result["ended"] and clock.running()  # settling after the upload
    clock.upload_ended -= load.Clock.SETTLE
    assert not clock.running()


def test_lost_failed_and_torn_answers_fail_the_run() -> None:
    load = load_module()
    items = [load.Conversation("q1", "seeds", ("问题？",)), load.Conversation("p1", "probe", ("问？",), gold="crud-1")]
    right = load.Reply("答案。[1]", False, ["[1] 标题 · 2023-01-01 · a.txt"])
    expected = {"q1/0": right, "p1/0": load.Reply("文章中没有找到能回答这个问题的内容。", True)}
    upload = {"ok": True, "started": 1.0, "ended": 2.0}

    def record(**given) -> object:
        values = dict(session=0, conversation="q1", turn=0, kind="seeds", started=0.1, ended=0.2, latency_ms=100.0,
                      status="ok", answer=right.answer, citations=right.citations)
        return load.Record(**{**values, **given})

    def failures(*records) -> list[str]:
        summary = load.summarise(list(records), items, expected, expected, upload, {"crud-1"}, 10.0)
        return load.passed(summary, upload)

    assert failures(record(), record(started=3.0, ended=3.1)) == []
    assert failures(record(), record(status="lost", ended=None, latency_ms=None)) == ["1 lost"]
    assert failures(record(), record(status="error", error="AppError")) == ["1 errors"]
    assert failures(record(), record(answer="")) == ["1 empty", "1 inconsistent"]
    assert failures(record(), record(citations=[])) == ["1 uncited"]
    assert failures(record(), record(answer="另一个答案。[1]", started=1.5, ended=1.6)) == ["1 inconsistent"]
    probe = dict(conversation="p1", kind="probe", citations=["[1]  · 2023-08-17 · crud-1"], answer="答。[1]")
    assert "1 probes cited an uploaded article before the upload" in failures(record(**probe))
    assert load.passed(load.summarise([record()], items, expected, expected, {"ok": False, "error": "boom"}, set(), 1.0),
                       {"ok": False, "error": "boom"}) == ["upload failed: boom"]


def test_one_answer_queue_sized_by_the_settings(lexical_assistant) -> None:
    """Enter, Send and a clicked example share one queue of ui.concurrency answers (not
    one each), the upload has its own of one, and ui.queue_size bounds the waiting."""
    from assistant.ui import launch

    from conftest import free_port

    settings = lexical_assistant.settings
    ui = settings.ui.model_copy(update={"concurrency": 3, "queue_size": 7})
    lexical_assistant.settings = settings.model_copy(update={"ui": ui})
    try:
        demo = launch(lexical_assistant, port=free_port(), block=False)
    finally:
        lexical_assistant.settings = settings
    try:
        queue = demo._queue
        assert queue.default_concurrency_limit == 3 and queue.max_size == 7
        for fn in demo.fns.values():
            queue.create_event_queue_for_fn(fn)  # what Gradio does on each function's first event
        answering = [fn for fn in demo.fns.values() if (fn.name or "").startswith("respond")]
        (upload,) = [fn for fn in demo.fns.values() if fn.name == "ingest"]
        assert len(answering) == 3 and {fn.concurrency_id for fn in answering} == {"answer"}
        assert queue.event_queue_per_concurrency_id["answer"].concurrency_limit == 3
        assert queue.event_queue_per_concurrency_id[upload.concurrency_id].concurrency_limit == 1
    finally:
        demo.close()
