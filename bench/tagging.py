"""Part-of-speech tagging time with jieba's Viterbi search and with assistant/tagging.py's,
on the same text in the same process: the figure behind the faster search.

    .venv/bin/python bench/tagging.py            # 3 rounds over the seeds and the CMRC corpus

Each round tags every text with one search and then the other (the order alternating
between rounds), so the ratio compares runs made seconds apart on this noisy
machine. It checks that both give the same tags, prints characters per second and
the ratio, and writes bench/results/tagging.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import jieba.posseg
from jieba.posseg.viterbi import viterbi as jiebas_viterbi

from assistant.tagging import viterbi

ROOT = Path(__file__).resolve().parent.parent
CMRC = ROOT.parent / "shared" / "bench" / "cmrc2018" / "corpus_trial.jsonl"
SEARCHES = {"jieba's search": jiebas_viterbi, "assistant/tagging.py": viterbi}


def texts() -> list[str]:
    found = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "seeds").glob("*.txt"))]
    if CMRC.is_file():
        found += [json.loads(line)["text"] for line in CMRC.read_text(encoding="utf-8").splitlines() if line.strip()]
    return found


def tag_all(corpus: list[str], search: object) -> tuple[float, list[list[tuple[str, str]]]]:
    jieba.posseg.viterbi = search  # the name jieba's tagger calls
    started = time.perf_counter()
    tags = [[(pair.word, pair.flag) for pair in jieba.posseg.cut(text)] for text in corpus]
    return time.perf_counter() - started, tags


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    corpus = texts()
    characters = sum(map(len, corpus))
    list(jieba.posseg.cut("预热"))  # load the dictionary and the model outside the timing
    seconds: dict[str, list[float]] = {name: [] for name in SEARCHES}
    for round_ in range(args.rounds):
        order = list(SEARCHES) if round_ % 2 == 0 else list(reversed(SEARCHES))
        tags = {}
        for name in order:
            took, tags[name] = tag_all(corpus, SEARCHES[name])
            seconds[name].append(took)
        if len({json.dumps(found, ensure_ascii=False) for found in tags.values()}) != 1:
            raise SystemExit("the two searches tagged the text differently")
    baseline, ours = (statistics.median(seconds[name]) for name in SEARCHES)
    results = {
        "characters": characters,
        "texts": len(corpus),
        "rounds": args.rounds,
        "same_tags": True,
        **{name: {"median_s": round(statistics.median(times), 3), "chars_per_s": round(characters / statistics.median(times))}
           for name, times in seconds.items()},
        "ratio": round(ours / baseline, 3),
    }
    for name in SEARCHES:
        print(f"{name:22} {results[name]['median_s']:7.2f} s  {results[name]['chars_per_s']:8,} characters/s")
    print(f"ratio {results['ratio']:.2f}× jieba's time on {characters:,} characters ({len(corpus)} texts), same tags")
    out = ROOT / "bench" / "results" / "tagging.json"
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
