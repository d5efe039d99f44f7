"""Start-up time of the CLI against the bare import of its three foundations.

    .venv/bin/python bench/startup.py                  # 5 rounds on a fresh seed index
    .venv/bin/python bench/startup.py --rounds 10 --index /tmp/seed-index

The baseline is `python -c "import chromadb, jieba, numpy"`: the least any command
that reads the index must load. In each round, in turn, it times the baseline,
`assistant ask` (an English question: BM25, the query embedding and the dense
search, the extractive answer) and `assistant stats`, each a fresh process, so the
ratios compare runs made seconds apart on this noisy shared machine. With no
--index it builds one first the way the issue's "done" asks: a fresh directory,
default settings, `assistant ingest seeds` (the embedding time is printed too).
It prints medians, the ratios to the baseline (target: ask at most 3×) and the
heavy modules `ask` imported, and writes bench/results/startup.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
QUESTION = "What is the total heating area in Qingdao this winter?"
HEAVY = ("torch", "transformers", "sentence_transformers", "gradio", "langchain_openai", "openai", "matplotlib")
COMMANDS = {
    "bare import": [PYTHON, "-c", "import chromadb, jieba, numpy"],
    "assistant ask": [PYTHON, "-m", "assistant.cli", "ask", "--json", QUESTION],
    "assistant stats": [PYTHON, "-m", "assistant.cli", "stats", "--json"],
}
TARGET = 3.0


def timed(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{command[2:]} failed: {done.stderr[-2000:]}")
    return elapsed, done.stdout


def imported(env: dict[str, str]) -> list[str]:
    """The heavy modules an `ask` leaves in sys.modules."""
    code = (
        "import sys\nfrom assistant.cli import app\n"
        "try:\n    app(['ask', '--json', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        f"import json\nprint('MODULES', json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    done = subprocess.run([PYTHON, "-c", code, QUESTION], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    line = next(line for line in done.stdout.splitlines() if line.startswith("MODULES"))
    return json.loads(line.split(" ", 1)[1])


def sentence_batch_ms(rounds: int) -> dict[str, float]:
    """What embedding candidate sentences at question time would cost the answer step:
    20 sentences of about 40 characters from the seeds in one `embed_documents` call,
    and one query, with the default model (median over `rounds`, after a warm-up)."""
    sys.path.insert(0, str(ROOT))
    from assistant.chunk import sentence_spans
    from assistant.embed import load_embedder
    from assistant.parse import parse_file
    from assistant.settings import EmbeddingSettings

    text = "".join(article.text for path in sorted((ROOT / "seeds").glob("*.txt")) for article in parse_file(path))
    sentences = [text[a:b] for a, b in sentence_spans(text) if 30 <= b - a <= 50][:20]
    model = load_embedder(EmbeddingSettings()).embedder
    model.embed_documents(sentences)
    batch, query = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        model.embed_documents(sentences)
        batch.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        model.embed_query(QUESTION)
        query.append((time.perf_counter() - started) * 1000)
    return {"sentences": len(sentences), "mean_chars": round(sum(map(len, sentences)) / len(sentences), 1),
            "embed_documents_ms": round(statistics.median(batch), 1), "embed_query_ms": round(statistics.median(query), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--index", type=Path, help="an existing index (default: a fresh one with the seeds)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "startup.json")
    args = parser.parse_args()

    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    with tempfile.TemporaryDirectory(prefix="startup-") as work:
        index = args.index or Path(work) / "index"
        env.update(ASSISTANT_INDEX__DIR=str(index), PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
        built = {}
        if args.index is None:
            seconds, output = timed([PYTHON, "-m", "assistant.cli", "ingest", str(ROOT / "seeds")], env)
            built = {"ingest_seeds_s": round(seconds, 1), "output": output.strip().splitlines()}
            print(f"fresh index: `assistant ingest seeds` took {seconds:.1f} s, embedding included")
        stats = json.loads(timed(COMMANDS["assistant stats"], env)[1])
        answer = json.loads(timed(COMMANDS["assistant ask"], env)[1])
        times: dict[str, list[float]] = {name: [] for name in COMMANDS}
        for _ in range(args.rounds):
            for name, command in COMMANDS.items():
                times[name].append(timed(command, env)[0])
        heavy = imported(env)
    sentences = sentence_batch_ms(args.rounds)

    medians = {name: statistics.median(values) for name, values in times.items()}
    base = medians["bare import"]
    print(f"{'command':<18} {'median s':>9} {'min s':>7} {'max s':>7} {'× bare':>7}")
    for name, values in times.items():
        print(f"{name:<18} {medians[name]:>9.2f} {min(values):>7.2f} {max(values):>7.2f} {medians[name] / base:>7.2f}")
    ratio = medians["assistant ask"] / base
    print(f"ask / bare import: {ratio:.2f}× (target ≤ {TARGET:g}×): {'ok' if ratio <= TARGET else 'OVER'}")
    print(f"stats: retrieval_mode={stats['retrieval_mode']} embedded={stats['embedded']}/{stats['chunks']} "
          f"model={stats['embedding_model']}; heavy modules imported by ask: {heavy or 'none'}")
    print(f"ask: {answer['answer'][:120]}")
    print(f"answer-step cost: embed_documents of {sentences['sentences']} sentences (~{sentences['mean_chars']:g} chars) "
          f"{sentences['embed_documents_ms']:.0f} ms, embed_query {sentences['embed_query_ms']:.0f} ms (medians)")
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = None
    result = {
        "measured_at": time.strftime("%Y-%m-%d %H:%M"),
        "load_average_1m": load,
        "rounds": args.rounds,
        "seconds": times,
        "median_s": {k: round(v, 3) for k, v in medians.items()},
        "ratio_to_bare": {k: round(v / base, 2) for k, v in medians.items()},
        "target": TARGET,
        "stats": stats,
        "ask_answer": answer["answer"],
        "ask_citations": [c["file"] for c in answer["citations"]],
        "heavy_modules_in_ask": heavy,
        "answer_step_embedding": sentences,
        **built,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
