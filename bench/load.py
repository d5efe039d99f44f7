"""Load test: concurrent chat sessions through gradio_client against the running app,
with an upload ingested in the middle of the run.

    .venv/bin/python bench/load.py                          # 20 sessions, 60 s, upload after 10 s
    .venv/bin/python bench/load.py --concurrency 1,2,4,8    # one fresh app per value, side by side
    .venv/bin/python bench/load.py --sessions 5 --seconds 20 --no-ingest

Each run starts the real app (`app.py`) as a child process on a free loopback port
with a fresh index directory, so it indexes the shipped seeds/ first, exactly as a
user's first `make run` does. Then:

1. Baseline: every conversation is asked once, by four sessions, and the answers
   kept. The extractive backend is deterministic, so these are the answers a loaded
   app must give too.
2. Load: N sessions, each a `gradio_client.Client` calling the public /ask endpoint,
   ask conversations in a loop for S seconds without pausing, counted from when all
   of them have connected, and on past S while the upload runs and for a few seconds
   after it. A conversation is a fresh session (what the Clear button gives a reader)
   with one question, or two for a follow-up, the second sent with the chat so far as
   a browser sends it. Questions are eval/seeds_qa.jsonl (answerable and unanswerable
   mixed, follow-ups included) and tests/data/crud_qa.jsonl, the "probes", whose
   articles are only in the upload.
3. Upload: after --ingest-at seconds, and once some session has had an answer, a
   JSONL corpus (tests/data/crud_slice.jsonl, 200 CRUD-RAG news records, plus
   --ingest-docs more from ../shared/bench/crud_rag when present) goes through the
   app's own upload handler, the one the Articles tab calls: POST
   /gradio_api/upload, then the handler's queue event, then its event stream.
   gradio_client refuses to call it (the endpoint is private, so it is not part of
   the public API), hence plain HTTP with the browser's protocol here. A separate
   `assistant ingest` process on the same index directory would not do: embedded
   Chroma is not safe for two processes, and the app would never see the new BM25
   index anyway.
4. Baseline again, after the upload: the answers with the new articles indexed.

Every request is recorded: latency, error, the answer, its citations. A question is
lost when no reply came within --timeout seconds; an error is an exception from the
app or client; an answer is bad when it is empty, or neither a refusal nor cited.
An answer is consistent when it equals the baseline answer before or after the
upload: anything else means a reader saw a torn index while the upload ran. No
probe may cite an uploaded article before the upload, and after it they must cite
their gold articles (the baseline says how many do with no upload running).

Latency is what a reader's client waits, queue included, measured in the clients.
gradio_client polls its event stream every 50 ms, so it adds up to ~50 ms to each
answer, and the clients share the machine with the app: the run prints the CPU
seconds of both (20 clients take about as much CPU as the app they measure).

Prints a table and writes bench/results/load.json (--out); exits 1 when any question
was lost, errored, came back bad or inconsistent, or the upload failed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS_QA = ROOT / "eval" / "seeds_qa.jsonl"
PROBES_QA = ROOT / "tests" / "data" / "crud_qa.jsonl"
SLICE = ROOT / "tests" / "data" / "crud_slice.jsonl"
MORE_DOCS = ROOT.parent / "shared" / "bench" / "crud_rag" / "corpus_small.jsonl"
OUT = ROOT / "bench" / "results" / "load.json"
BACKEND = "extractive"  # deterministic, local: the baseline answers are the right answers
TOP_K = 10
START_TIMEOUT = 240.0  # seconds for the app to index seeds/ and answer (slow on a busy machine)


# ------------------------------------------------------------------ questions


@dataclass(frozen=True)
class Conversation:
    """Questions asked in one fresh session, in order (two for a follow-up)."""

    id: str
    kind: str  # "seeds" or "probe"
    questions: tuple[str, ...]
    answerable: bool = True
    gold: str = ""  # probes: the record id of the uploaded article that answers it


def read_jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def conversations(pool: int | None = None) -> list[Conversation]:
    """seeds_qa items (a follow-up asks its earlier question first), or `pool` of them
    spread evenly over the items grouped by question type, so that a small pool holds
    every type (the file grows by rounds of mixed questions), and the probes."""
    found = []
    for row in sorted(read_jsonl(SEEDS_QA), key=lambda row: row["type"]):
        earlier = [turn["content"] for turn in row.get("history", []) if turn["role"] == "user"]
        found.append(Conversation(row["id"], "seeds", (*earlier, row["question"]), row["type"] != "unanswerable"))
    if pool and pool < len(found):
        found = [found[n * len(found) // pool] for n in range(pool)]
    for row in read_jsonl(PROBES_QA):
        found.append(Conversation(row["id"], "probe", (row["question"],), True, row["sources"][0]["file"]))
    return found


# ------------------------------------------------------------------ the app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_app(work: Path, concurrency: int | None, queue_size: int | None) -> tuple[subprocess.Popen, str]:
    """`python app.py` on a free loopback port with its index in `work`; returns once
    the chat page's config answers. Its output goes to work/app.log."""
    port = free_port()
    kept = ("ASSISTANT_UI__CONCURRENCY", "ASSISTANT_UI__QUEUE_SIZE")  # the settings under test; no other
    env = {key: value for key, value in os.environ.items() if not key.startswith("ASSISTANT_") or key in kept}
    env.update(ASSISTANT_INDEX__DIR=str(work / "index"), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               GRADIO_ANALYTICS_ENABLED="False", ANONYMIZED_TELEMETRY="False", PYTHONUNBUFFERED="1",
               # Lexical retrieval: with the default hybrid mode the vectors computed in the
               # background after start-up and after the upload change what the dense leg
               # sees, so answers would rightly drift between the two baselines and the
               # consistency check could not tell that from a torn index. Background
               # embedding while answering is tested in tests/test_embed.py.
               ASSISTANT_RETRIEVAL__MODE="lexical")
    if concurrency is not None:
        env["ASSISTANT_UI__CONCURRENCY"] = str(concurrency)
    if queue_size is not None:
        env["ASSISTANT_UI__QUEUE_SIZE"] = str(queue_size)
    log = (work / "app.log").open("wb")
    app = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port)], cwd=work, env=env,
                           stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + START_TIMEOUT
    import httpx

    while time.monotonic() < deadline:
        if app.poll() is not None:
            raise SystemExit(f"the app exited with {app.returncode}:\n{(work / 'app.log').read_text(errors='replace')}")
        try:
            if httpx.get(url + "config", timeout=5).status_code == 200:
                return app, url
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    stop_app(app)
    raise SystemExit(f"the app did not answer within {START_TIMEOUT:.0f} s; see {work / 'app.log'}")


def cpu_seconds(pid: int) -> float:
    """CPU time of the app and its live children (tokeniser workers) so far."""
    import psutil

    try:
        process = psutil.Process(pid)
        return sum(sum(p.cpu_times()[:2]) for p in [process, *process.children(recursive=True)])
    except psutil.Error:
        return 0.0


def stop_app(app: subprocess.Popen) -> None:
    """End the app and its tokeniser workers: the process group it leads, and only that."""
    if app.poll() is None:
        os.killpg(app.pid, signal.SIGTERM)
        try:
            app.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(app.pid, signal.SIGKILL)
            app.wait()


# ------------------------------------------------------------------ asking


@dataclass
class Reply:
    answer: str = ""
    refused: bool = False
    citations: list[str] = field(default_factory=list)  # citation titles: "[n] headline · date · source"
    messages: list = field(default_factory=list)


def text_of(message: dict) -> str:
    content = message.get("content")
    if isinstance(content, list):  # Gradio 6 returns content as typed parts
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content if isinstance(content, str) else ""


def read_reply(messages: list, asked: int) -> Reply:
    """The answer and citations that the reply added after the `asked` messages sent."""
    from assistant.answer import REFUSAL_EN, REFUSAL_ZH

    new = messages[asked:]
    plain = [m for m in new if m.get("role") == "assistant" and not m.get("metadata")]
    titles = [(m.get("metadata") or {}).get("title", "") for m in new if m.get("metadata")]
    answer = text_of(plain[0]).strip() if plain else ""
    return Reply(answer, answer in (REFUSAL_ZH, REFUSAL_EN), [t for t in titles if t.startswith("[")], messages)


def ask(client, question: str, messages: list, timeout: float) -> Reply:
    """One question through /ask with the chat so far, as the browser sends it."""
    job = client.submit(question, messages, BACKEND, TOP_K, [], None, None, api_name="/ask")
    try:
        reply, _ = job.result(timeout=timeout)
    except FutureTimeout:
        job.cancel()
        raise
    return read_reply(reply, len(messages) + 1)


def baseline(url: str, items: list[Conversation], timeout: float, clients: int = 4) -> dict[str, Reply]:
    """Every conversation asked once, with no upload running: "id/turn" -> its reply.
    The index does not change meanwhile, so a few clients at once give the same answers
    as one would, sooner."""
    from gradio_client import Client

    answers: dict[str, Reply] = {}

    def ask_all(share: list[Conversation]) -> None:
        client = Client(url, verbose=False)
        try:
            for item in share:
                client.reset_session()
                messages: list = []
                for turn, question in enumerate(item.questions):
                    reply = ask(client, question, messages, timeout)
                    messages, reply.messages = reply.messages, []
                    answers[f"{item.id}/{turn}"] = reply
        finally:
            client.close()

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(ask_all, [items[n::clients] for n in range(clients)]))
    return answers


@dataclass
class Record:
    session: int
    conversation: str
    turn: int
    kind: str
    started: float  # seconds since the load began
    ended: float | None = None
    latency_ms: float | None = None
    status: str = "lost"  # ok | error | lost
    error: str = ""
    answer: str = ""
    refused: bool = False
    citations: list[str] = field(default_factory=list)
    consistent: bool | None = None  # equal to the baseline answer before or after the upload


class Clock:
    """The load's shared time. It starts when every session has connected (twenty
    clients fetching the app's config at once take seconds on a slow machine, and that
    is not answering), and it runs past --seconds while the upload is still going, and
    SETTLE seconds after it, so that answers after the upload are measured too."""

    SETTLE = 3.0

    def __init__(self, seconds: float, parties: int, upload: bool) -> None:
        self.seconds = seconds
        self.began = 0.0
        self.start = threading.Barrier(parties, action=self._begin)
        self.first_answer = threading.Event()
        self.upload = upload
        self.upload_ended: float | None = None  # set by the upload, done or failed

    def _begin(self) -> None:
        self.began = time.monotonic()

    def now(self) -> float:
        """Seconds since the load began."""
        return time.monotonic() - self.began

    def running(self) -> bool:
        if self.upload and self.upload_ended is None:
            return True  # the upload is still to come or going on
        now = self.now()
        return now < self.seconds or (self.upload_ended is not None and now < self.upload_ended + self.SETTLE)


def session(number: int, url: str, items: list[Conversation], clock: Clock, timeout: float,
            records: list[Record], lock: threading.Lock) -> None:
    """One reader: conversations in a shuffled loop while the clock runs, no pause
    between. A question that errs or times out ends its conversation; the next starts fresh."""
    from gradio_client import Client

    order = random.Random(number)
    try:
        client = Client(url, verbose=False)
    except Exception as error:  # the app refused even the page: every later question would be lost
        clock.start.wait()
        with lock:
            records.append(Record(number, "-", 0, "-", clock.now(), status="error", error=repr(error)))
        return
    try:
        clock.start.wait()
        while clock.running():
            item = order.choice(items)
            client.reset_session()
            messages: list = []
            for turn, question in enumerate(item.questions):
                record = Record(number, item.id, turn, item.kind, clock.now())
                with lock:
                    records.append(record)
                try:
                    reply = ask(client, question, messages, timeout)
                except FutureTimeout:
                    break  # stays "lost"
                except Exception as error:
                    record.status, record.error = "error", f"{type(error).__name__}: {error}"[:300]
                    record.ended = clock.now()
                    break
                record.ended = clock.now()
                record.latency_ms = (record.ended - record.started) * 1000
                record.status, record.answer, record.refused, record.citations = "ok", reply.answer, reply.refused, reply.citations
                messages = reply.messages
                clock.first_answer.set()
    finally:
        client.close()


# ------------------------------------------------------------------ the upload


def upload_file(work: Path, more_docs: int) -> tuple[Path, set[str]]:
    """The JSONL corpus to upload and its record ids: the CRUD-RAG slice (which holds
    the probes' gold articles) plus up to `more_docs` other records for a longer ingest."""
    rows = list(read_jsonl(SLICE))
    ids = {row["id"] for row in rows}
    wanted = len(rows) + max(0, more_docs)
    if len(rows) < wanted and MORE_DOCS.is_file():
        for row in read_jsonl(MORE_DOCS):
            if row["id"] not in ids:
                rows.append(row)
                ids.add(row["id"])
                if len(rows) >= wanted:
                    break
    path = work / "upload" / "load_upload.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path, ids


def upload(url: str, path: Path, timeout: float) -> dict:
    """Send `path` through the Articles tab's upload handler with the browser's protocol
    and wait for the handler to finish; returns its report text and progress steps."""
    import httpx

    api = url + "gradio_api/"
    with httpx.Client(timeout=timeout) as http:
        config = http.get(url + "config").json()
        (handler,) = [d for d in config["dependencies"] if d.get("api_name") == "ingest"]
        with path.open("rb") as handle:
            stored = http.post(api + "upload", files=[("files", (path.name, handle, "application/octet-stream"))])
        stored.raise_for_status()
        file_data = {"path": stored.json()[0], "orig_name": path.name, "size": path.stat().st_size,
                     "meta": {"_type": "gradio.FileData"}}
        session_hash = uuid.uuid4().hex
        joined = http.post(api + "queue/join", json={
            "data": [[file_data], []], "event_data": None, "fn_index": handler["id"],
            "trigger_id": handler["targets"][0][0], "session_hash": session_hash,
        })
        joined.raise_for_status()
        steps: list[str] = []
        with http.stream("GET", api + "queue/data", params={"session_hash": session_hash}) as events:
            for line in events.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("msg") == "progress":
                    steps += [step.get("desc") or "" for step in message.get("progress_data") or []]
                elif message.get("msg") == "process_completed":
                    output = message.get("output") or {}
                    if not message.get("success", True) or "error" in output:
                        raise RuntimeError(f"the upload handler failed: {output.get('error')!r}")
                    return {"report": output["data"][0], "steps": list(dict.fromkeys(steps))}
    raise RuntimeError("the upload's event stream ended without a result")


def upload_later(url: str, path: Path, clock: Clock, at: float, timeout: float, result: dict) -> None:
    """Upload `at` seconds into the load, and not before some reader has had an answer:
    a slow machine may take longer than `at` for the first one, and answers before the
    upload are what the ones during and after it are compared with."""
    try:
        clock.start.wait()
        time.sleep(max(0.0, at - clock.now()))
        clock.first_answer.wait(timeout)
        result["started"] = clock.now()
        result.update(upload(url, path, timeout))
        result["ok"] = True
    except Exception as error:
        result["ok"], result["error"] = False, f"{type(error).__name__}: {error}"[:500]
    finally:
        result["ended"] = clock.now()
        result["seconds"] = result["ended"] - result.setdefault("started", result["ended"])
        clock.upload_ended = result["ended"]


# ------------------------------------------------------------------ figures


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def latency(records: list[Record]) -> dict:
    values = [r.latency_ms for r in records if r.latency_ms is not None]
    return {"n": len(values), "p50_ms": percentile(values, 0.50), "p95_ms": percentile(values, 0.95),
            "max_ms": max(values) if values else None, "mean_ms": statistics.fmean(values) if values else None}


def cites(citations: list[str], ids: set[str]) -> bool:
    """Whether a citation names one of these sources (a title ends "· source")."""
    return any(title.rsplit(" · ", 1)[-1] in ids for title in citations)


def summarise(records: list[Record], items: list[Conversation], before: dict[str, Reply], after: dict[str, Reply],
              ingest: dict | None, ingested: set[str], seconds: float) -> dict:
    """Counts, latency overall and per phase of the upload, consistency and probes."""
    by_id = {item.id: item for item in items}
    ok = [r for r in records if r.status == "ok"]
    for r in ok:
        key = f"{r.conversation}/{r.turn}"
        r.consistent = r.answer in {reply.answer for reply in (before.get(key), after.get(key)) if reply}
    inconsistent = [r for r in ok if not r.consistent]

    def phase(r: Record) -> str:
        if not ingest or "started" not in ingest:
            return "no upload"
        if (r.ended or 0) < ingest["started"]:
            return "before upload"
        return "after upload" if r.started > ingest["ended"] else "during upload"

    phases = {}
    for name in ("no upload", "before upload", "during upload", "after upload"):
        if chosen := [r for r in ok if phase(r) == name]:
            phases[name] = {**latency(chosen), "consistent": sum(bool(r.consistent) for r in chosen)}
    probes = {}
    for name in ("before upload", "after upload"):
        chosen = [r for r in ok if r.kind == "probe" and phase(r) == name]
        probes[name] = {"answered": len(chosen), "refused": sum(r.refused for r in chosen),
                        "cite_uploaded": sum(cites(r.citations, ingested) for r in chosen),
                        "cite_gold": sum(cites(r.citations, {by_id[r.conversation].gold}) for r in chosen)}
    probed = [item for item in items if item.kind == "probe"]
    probes["baseline after upload"] = {
        "asked": len(probed), "cite_gold": sum(cites(after[f"{item.id}/0"].citations, {item.gold}) for item in probed)}

    def sample(r: Record) -> dict:
        key = f"{r.conversation}/{r.turn}"
        return {**asdict(r), "baseline_before": getattr(before.get(key), "answer", None), "baseline_after": getattr(after.get(key), "answer", None)}

    return {
        "asked": len(records),
        "answered": len(ok),
        "sessions_answered": len({r.session for r in ok}),
        "lost": sum(r.status == "lost" for r in records),
        "errors": sum(r.status == "error" for r in records),
        "error_samples": sorted({r.error for r in records if r.error})[:5],
        "empty": sum(not r.answer for r in ok),
        "uncited": sum(bool(r.answer) and not r.refused and not r.citations for r in ok),
        "refused": sum(r.refused for r in ok),
        "inconsistent": len(inconsistent),
        "inconsistent_samples": [sample(r) for r in inconsistent[:3]],
        "follow_ups": sum(r.turn > 0 for r in ok),
        "latency": latency(ok),
        "throughput_qps": len(ok) / seconds if seconds else 0.0,
        "phases": phases,
        "probes": probes,
        "baseline_changed_by_upload": sorted(key for key in before if before[key].answer != after[key].answer),
    }


def passed(summary: dict, ingest: dict | None) -> list[str]:
    """What failed, in words; empty when the run passed."""
    failures = [f"{summary[key]} {key}" for key in ("lost", "errors", "empty", "uncited", "inconsistent") if summary[key]]
    if not summary["answered"]:
        failures.append("no question answered")
    if ingest is not None:
        if not ingest.get("ok"):
            failures.append(f"upload failed: {ingest.get('error', 'did not run')}")
        before = summary["probes"].get("before upload", {})
        if before.get("cite_uploaded"):
            failures.append(f"{before['cite_uploaded']} probes cited an uploaded article before the upload")
        after = summary["probes"].get("after upload", {})
        if ingest.get("ok") and after.get("answered") and not after.get("cite_gold"):
            failures.append("no probe cited its uploaded article after the upload")
    return failures


# ------------------------------------------------------------------ one run


def run(sessions: int, seconds: float, concurrency: int | None, queue_size: int | None, ingest_at: float | None,
        ingest_docs: int, timeout: float, pool: int | None = None) -> dict:
    """Start the app, baseline, load with the upload, baseline again; the run's figures."""
    from assistant.settings import load_settings

    settings = load_settings().ui
    chosen = {"concurrency": concurrency or settings.concurrency, "queue_size": queue_size or settings.queue_size}
    items = conversations(pool)
    load_average = os.getloadavg()  # other jobs on the machine slow every figure
    with tempfile.TemporaryDirectory(prefix="load-") as scratch:
        work = Path(scratch)
        started = time.monotonic()
        app, url = start_app(work, concurrency, queue_size)
        try:
            start_s = time.monotonic() - started
            before = baseline(url, items, timeout)
            baseline_s = time.monotonic() - started - start_s
            path, ingested = upload_file(work, ingest_docs) if ingest_at is not None else (None, set())
            records: list[Record] = []
            lock = threading.Lock()
            ingest: dict | None = {} if ingest_at is not None else None
            app_cpu, own_cpu = cpu_seconds(app.pid), time.process_time()
            clock = Clock(seconds, sessions + (ingest is not None), upload=ingest is not None)
            threads = [threading.Thread(target=session, args=(n, url, items, clock, timeout, records, lock), daemon=True)
                       for n in range(sessions)]
            if ingest is not None:
                threads.append(threading.Thread(target=upload_later, args=(url, path, clock, ingest_at, timeout * 5, ingest), daemon=True))
            for thread in threads:
                thread.start()
            deadline = time.monotonic() + seconds + timeout * 8  # connecting, the upload's own deadline, the last answers
            for thread in threads:
                thread.join(max(0.0, deadline - time.monotonic()))
            elapsed = max(r.ended or 0.0 for r in records) if records else seconds
            app_cpu, own_cpu = cpu_seconds(app.pid) - app_cpu, time.process_time() - own_cpu
            with lock:
                snapshot = list(records)
            mark = time.monotonic()
            after = baseline(url, items, timeout)
            baseline_s += time.monotonic() - mark
        finally:
            stop_app(app)
            log = (work / "app.log").read_text(errors="replace")
    summary = summarise(snapshot, items, before, after, ingest, ingested, elapsed)
    if ingest is not None:
        ingest = {key: ingest.get(key) for key in ("ok", "started", "ended", "seconds", "report", "steps", "error") if key in ingest}
        ingest["documents"] = len(ingested)
    failures = passed(summary, ingest)
    return {
        "sessions": sessions, "seconds": seconds, "conversations": len(items), "load_average_at_start": load_average, "elapsed_s": elapsed, **chosen, "backend": BACKEND,
        "app_start_s": start_s, "baseline_s": baseline_s, "app_cpu_s": app_cpu, "client_cpu_s": own_cpu, "ingest": ingest, **summary, "failures": failures, "ok": not failures,
        "app_log_tail": log.splitlines()[-20:] if failures else [],
    }


# ------------------------------------------------------------------ report


def fmt(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def table(runs: list[dict]) -> str:
    head = ("concurrency", "sessions", "seconds", "asked", "answered", "lost", "errors", "bad", "inconsistent",
            "p50 ms", "p95 ms", "max ms", "q/s", "upload s", "during-upload p50/p95 ms")
    rows = [head]
    for r in runs:
        during = r["phases"].get("during upload", {})
        rows.append((
            str(r["concurrency"]), str(r["sessions"]), fmt(r["elapsed_s"]), str(r["asked"]), str(r["answered"]),
            str(r["lost"]), str(r["errors"]), str(r["empty"] + r["uncited"]), str(r["inconsistent"]),
            fmt(r["latency"]["p50_ms"]), fmt(r["latency"]["p95_ms"]), fmt(r["latency"]["max_ms"]),
            fmt(r["throughput_qps"], 1), fmt((r["ingest"] or {}).get("seconds"), 1),
            f"{fmt(during.get('p50_ms'))} / {fmt(during.get('p95_ms'))}" if during else "—",
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["  ".join(cell.rjust(width) for cell, width in zip(row, widths)) for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def details(r: dict) -> str:
    lines = [f"concurrency {r['concurrency']} (queue size {r['queue_size']}); app start {r['app_start_s']:.1f} s, "
             f"baselines {r['baseline_s']:.1f} s; "
             f"{r['refused']} refusals, {r['follow_ups']} follow-ups answered; CPU during the load: "
             f"app {r['app_cpu_s']:.0f} s, these {r['sessions']} clients {r['client_cpu_s']:.0f} s over {r['elapsed_s']:.0f} s"]
    for name, p in r["phases"].items():
        lines.append(f"  {name:<14} {p['n']:>5} answers  p50 {fmt(p['p50_ms'])} ms  p95 {fmt(p['p95_ms'])} ms  "
                     f"consistent {p['consistent']}/{p['n']}")
    if r["ingest"]:
        i = r["ingest"]
        lines.append(f"  upload of {i['documents']} documents at {fmt(i.get('started'), 1)} s took {fmt(i.get('seconds'), 1)} s: "
                     + (i.get("report") or i.get("error") or "").split("\n")[0].replace("**", ""))
        for name, p in r["probes"].items():
            lines.append(f"  probes {name}: " + ", ".join(f"{k} {v}" for k, v in p.items()))
    if r["baseline_changed_by_upload"]:
        lines.append(f"  baseline answers the upload changed: {', '.join(r['baseline_changed_by_upload'])}")
    lines.append("  PASS" if r["ok"] else "  FAIL: " + "; ".join(r["failures"]))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20, help="concurrent chat sessions (default 20)")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the sessions ask (default 60)")
    parser.add_argument("--concurrency", default="", help="ui.concurrency for the app; a comma list runs each (default: settings)")
    parser.add_argument("--queue-size", type=int, help="ui.queue_size for the app (default: settings)")
    parser.add_argument("--ingest-at", type=float, default=10.0, help="seconds into the load when the upload starts (default 10)")
    parser.add_argument("--ingest-docs", type=int, default=1800,
                        help="records added to the 200 of tests/data/crud_slice.jsonl from ../shared corpus_small, when present (default 1800)")
    parser.add_argument("--no-ingest", action="store_true", help="no upload during the load")
    parser.add_argument("--pool", type=int, help="seeds_qa conversations to draw from (default all of them; fewer, spread over the question types, make the baselines quicker)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds without a reply before a question counts as lost (default 60)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    values = [int(v) for v in args.concurrency.split(",") if v.strip()] or [None]
    runs = []
    for value in values:
        print(f"run: concurrency {value or 'from settings'}, {args.sessions} sessions, {args.seconds:.0f} s …", flush=True)
        runs.append(run(args.sessions, args.seconds, value, args.queue_size, None if args.no_ingest else args.ingest_at,
                        args.ingest_docs, args.timeout, args.pool))
        print(details(runs[-1]), flush=True)
    print("\n" + table(runs))
    measured = {"measured_at": time.strftime("%Y-%m-%d %H:%M:%S"), "cpus": os.cpu_count(),
                "load_average": os.getloadavg(), "runs": runs}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(measured, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")
    sys.exit(0 if all(r["ok"] for r in runs) else 1)


if __name__ == "__main__":
    main()
