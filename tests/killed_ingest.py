"""Run one ingest and SIGKILL it at a chosen point: the fault-injection driver for
tests/test_faults.py (test code, never imported by the product).

    python tests/killed_ingest.py INDEX_DIR KILL_POINT PATH...

KILL_POINT is one of
  after-first-upsert   chunks partly written to Chroma, BM25 untouched
  before-bm25          every chunk in Chroma, BM25 and manifest still the old ones
  mid-bm25-save        the new BM25 directory half written beside the live one
  mid-bm25-swap        the live BM25 directory moved aside, the new one not yet in place
  after-delete         a changed source's old chunks deleted, its new ones not in BM25
  mid-embedding        (hybrid) chunks stored and indexed, the first batch of vectors
                       written, the second half computed
  after-seconds:S      wherever the ingest is S seconds after it started
  never                no kill: the uninterrupted reference run

The process kills itself with SIGKILL, exactly as `kill -9` would: no cleanup, no
`finally`, no flush. Exit status 0 means the kill point was never reached.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import Assistant, load_settings  # noqa: E402
from assistant import store  # noqa: E402
from assistant.embed import Embedder  # noqa: E402


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def after(owner: type | object, name: str, calls: int = 1) -> None:
    """Kill right after the `calls`-th call of owner.name returns."""
    original = getattr(owner, name)
    seen = 0

    def wrapped(*args, **kwargs):
        nonlocal seen
        result = original(*args, **kwargs)
        seen += 1
        if seen >= calls:
            die()
        return result

    setattr(owner, name, wrapped)


def main() -> None:
    index_dir, point, *paths = sys.argv[1:]
    mode = os.environ.get("ASSISTANT_RETRIEVAL__MODE", "lexical")
    assistant = Assistant(load_settings(index={"dir": index_dir}, retrieval={"mode": mode}))

    def progress(done: int, total: int, stage: str) -> None:
        if point == "before-bm25" and stage == "bm25" and done == 0:
            die()

    if point == "after-first-upsert":
        after(store.ChunkStore, "add")
    elif point == "mid-bm25-save":
        after(np, "save")  # the first array of the new index is on disk, the rest is not
    elif point == "mid-bm25-swap":
        original = Path.rename

        def rename(self: Path, target: Path) -> Path:
            moved = original(self, target)
            if Path(target).name.endswith(".old"):
                die()
            return moved

        Path.rename = rename  # type: ignore[method-assign]
    elif point == "after-delete":
        after(store.ChunkStore, "delete")
    elif point == "mid-embedding":
        original_embed = Embedder.embed_documents
        calls = 0

        def embed(self: Embedder, texts: list[str]) -> list[list[float]]:
            nonlocal calls
            calls += 1
            if calls == 1:
                return original_embed(self, texts)  # the first batch is written
            original_embed(self, texts[: len(texts) // 2])  # half-way through the second
            die()
            raise AssertionError("unreachable")

        Embedder.embed_documents = embed  # type: ignore[method-assign]
    elif point.startswith("after-seconds:"):
        threading.Timer(float(point.split(":", 1)[1]), die).start()
    elif point not in ("never", "before-bm25"):
        raise SystemExit(f"unknown kill point {point!r}")
    report = assistant.ingest([Path(p) for p in paths], progress)
    print(f"ingest finished: {report.chunks_added} added", flush=True)
    os._exit(0)  # a timer thread still waiting must not keep the process alive


if __name__ == "__main__":
    main()
