"""The train/test split of every question set, written to `eval/split.json`.

Tuning (weights, thresholds, rules) may look at the train part only; figures are
reported on the test part. Membership is a hash of a group key, not a random draw,
so adding questions later never moves an old question to the other side, and
questions that share a source paragraph or item stay on the same side (a rule
tuned on one of them would otherwise leak into the test part):

- seeds (eval/seeds_qa.jsonl): one group per question (the unseen held-out set asks
  about the same five issues, so the split is by question);
- dev (../shared/eval/dev_qa.jsonl): all test, never tuned on;
- cmrc (../shared/bench/cmrc2018/qa_trial.jsonl): one group per Wikipedia paragraph
  (TRIAL_<n>), unanswerable questions included;
- crud (../shared/bench/crud_rag/qa_eval.jsonl): one group per CRUD-RAG item (the id
  before "-q<n>").

Run `python eval/split.py` after adding questions; it rewrites split.json.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
SETS = {
    "seeds": HERE / "seeds_qa.jsonl",
    "dev": SHARED / "eval" / "dev_qa.jsonl",
    "cmrc": SHARED / "bench" / "cmrc2018" / "qa_trial.jsonl",
    "crud": SHARED / "bench" / "crud_rag" / "qa_eval.jsonl",
}
# The corpus each set is asked over, and its files. bench/answers.py and
# eval/train_answerer.py both read these, so they share one index per corpus.
CORPORA: dict[str, tuple[Path, ...]] = {
    "seeds": (HERE.parent / "seeds",),
    "cmrc_trial": (SHARED / "bench" / "cmrc2018" / "corpus_trial.jsonl",),
    "crud_small": (SHARED / "bench" / "crud_rag" / "corpus_small.jsonl",),
}
SET_CORPUS = {"seeds": "seeds", "dev": "seeds", "cmrc": "cmrc_trial", "crud": "crud_small"}
TRAIN_SHARE = 0.5


def group_of(name: str, item_id: str) -> str:
    if name == "cmrc":
        return item_id.split("_QUERY")[0]
    if name == "crud":
        return re.sub(r"-q\d+$", "", item_id)
    return item_id


def part_of(name: str, item_id: str) -> str:
    if name == "dev":
        return "test"
    digest = hashlib.sha1(f"{name}:{group_of(name, item_id)}".encode()).digest()
    return "train" if int.from_bytes(digest[:4], "big") / 2**32 < TRAIN_SHARE else "test"


def build() -> dict[str, dict[str, list[str]]]:
    split: dict[str, dict[str, list[str]]] = {}
    for name, path in SETS.items():
        parts: dict[str, list[str]] = {"train": [], "test": []}
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item_id = str(json.loads(line)["id"])
                parts[part_of(name, item_id)].append(item_id)
        split[name] = parts
    return split


def main() -> None:
    split = build()
    (HERE / "split.json").write_text(json.dumps(split, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for name, parts in split.items():
        print(f"{name}: train {len(parts['train'])}, test {len(parts['test'])}")


if __name__ == "__main__":
    main()
