"""Learn the extractive answerer's weights and refusal threshold on the training split.

    .venv/bin/python eval/train_answerer.py            # writes assistant/answer/weights.json
    .venv/bin/python eval/train_answerer.py --dry-run  # prints the figures, writes nothing
    .venv/bin/python eval/train_answerer.py --without dense --out /tmp/w.json  # what a feature adds

Only the `train` part of every set in eval/split.json is read (seeds, CMRC, CRUD; dev
is all test). Each question is retrieved once with the current settings; every
candidate span of its top passages is labelled by whether it holds a gold phrase.
The ranker is fitted so that labelled spans come first among their question's
candidates (a softmax per question; each set weighs the same, each question the
same within its set). The gate is a logistic model over the best-ranked candidate
of every training question, answerable or not (except unanswerable ones whose best
candidate verification already rejects: a neighbouring fact is checks.py's job). Then the gate threshold and the
margin for a second quote are chosen by running the real answerer over the training
questions and scoring it with assistant/evaluate.py. Test parts are never touched:
report them with the split runner afterwards.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import Assistant, load_settings  # noqa: E402
from assistant.answer import ExtractiveAnswerer  # noqa: E402
from assistant.answer import model as answer_model  # noqa: E402
from assistant.answer.checks import verify  # noqa: E402
from assistant.answer.extractive import has_asked_form  # noqa: E402
from assistant.evaluate import EvalItem, load_items, normalise, score, summarise  # noqa: E402
from assistant.core import Response  # noqa: E402
from split import CORPORA, SET_CORPUS, SETS as QUESTION_FILES  # noqa: E402  (eval/split.py, beside this script)
from assistant.retrieve import search_query  # noqa: E402

TRAINED_SETS = ("seeds", "cmrc", "crud")  # dev is all test
SETS = {  # set -> (questions, corpus name, files to ingest), as bench/answers.py asks them
    name: (QUESTION_FILES[name], SET_CORPUS[name], list(CORPORA[SET_CORPUS[name]])) for name in TRAINED_SETS
}
THRESHOLDS = np.round(np.concatenate([np.arange(0.05, 0.9, 0.05), np.arange(0.9, 0.995, 0.01)]), 2)
KEEPS = (0.0, 1.0, 2.0, 3.0)  # score margins for a second quote
REACHES = (0.5, 1.0, 2.0, 4.0)  # score margins for a stand-in when the best fails verification
L2 = 1e-2
# The gate asks whether the articles are about what the question asks at all (its
# subject, its rare words); how well one sentence matches is the ranker's business,
# and a near miss is verification's (checks.py). The names go into weights.json.
# Adding the span's focus and answer-type features lowered the training objective
# (0.763 against 0.779), so they stay the ranker's.
GATE_FEATURES = ("bias", "subject", "unknown", "rare_missing", "cover_article")
FALSE_REFUSALS = 0.06  # the share of answerable questions refused that the objective tolerates


def open_assistant(corpus: str, files: list[Path], index_root: Path) -> Assistant:
    assistant = Assistant(load_settings(index={"dir": index_root / corpus}))
    report = assistant.ingest(files, embed=False)  # vectors: `assistant embed` beforehand (an hour for corpus_small)
    print(f"{corpus}: index {index_root / corpus} ({report.chunks_added} chunks added, mode {assistant.retrieval_mode}, "
          f"{assistant.embedded()} of {len(assistant.lexical)} chunks embedded)", flush=True)
    return assistant


def train_items(name: str, path: Path, split: dict) -> list[EvalItem]:
    wanted = set(split[name]["train"])
    return [item for item in load_items(path) if isinstance(item, EvalItem) and item.id in wanted and item.question.strip()]


def rows(item: EvalItem, judged: list) -> tuple[list[dict[str, float]], list[int]]:
    """Features and labels of every candidate span for one question."""
    gold = [normalise(m) for m in item.must_contain]
    found = [candidate for _, candidates in judged for candidate in candidates]
    return [c.features for c in found], [int(any(g in normalise(c.text) for g in gold)) for c in found]


def matrix(rows: list[dict[str, float]], names: list[str]) -> np.ndarray:
    return np.array([[row.get(name, 0.0) for name in names] for row in rows], dtype=float)


def fit_ranker(groups: list[tuple[np.ndarray, np.ndarray, float]], dimension: int) -> np.ndarray:
    """Softmax over each question's candidates, maximising the probability of its gold
    spans (L2-regularised Newton steps, halved while they do not lower the loss: a full
    step can overshoot where a feature nearly separates the gold spans)."""

    def loss(w: np.ndarray) -> float:
        total = 0.5 * L2 * w @ w
        for x, y, weight in groups:
            e = np.exp(x @ w - (x @ w).max())  # -log(share of the gold spans), shifted for stability
            total += weight * (np.log(e.sum()) - np.log((e * y).sum() + 1e-300))
        return float(total)

    w = np.zeros(dimension)
    current = loss(w)
    for _ in range(100):
        gradient = L2 * w
        hessian = L2 * np.eye(dimension)
        for x, y, weight in groups:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            q = p * y
            q /= q.sum()
            mean_p, mean_q = p @ x, q @ x
            gradient += weight * (mean_p - mean_q)
            hessian += weight * ((x * p[:, None]).T @ x - np.outer(mean_p, mean_p))
        step = np.linalg.solve(hessian, gradient)
        while (trial := loss(w - step)) > current and np.abs(step).max() > 1e-9:
            step /= 2
        w -= step
        current = trial
        if np.abs(step).max() < 1e-6:
            break
    return w


def fit_logistic(x: np.ndarray, labels: np.ndarray, weights: np.ndarray, l2: float = 1e-4) -> np.ndarray:
    """Weighted, L2-regularised logistic regression by Newton's method."""
    w = np.zeros(x.shape[1])
    sample = weights / weights.sum()
    for _ in range(100):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))
        gradient = x.T @ (sample * (p - labels)) + l2 * w
        hessian = (x * (sample * p * (1 - p))[:, None]).T @ x + l2 * np.eye(x.shape[1])
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return w


def rounded(names: list[str] | tuple[str, ...], values: np.ndarray) -> dict[str, float]:
    return {name: round(float(value), 4) for name, value in zip(names, values)}


def metrics_for(answerer: ExtractiveAnswerer, mode: str, items: list[EvalItem], cached: dict[str, tuple]) -> dict:
    scored = []
    for item in items:
        hits, judged = cached[item.id]
        answer = answerer.decide(item.question, judged)
        result = {"id": item.id, **Response(item.question, answer, mode, hits, 0.0).to_json()}
        scored.append(score(item, result))
    return summarise(scored)


def objective(by_set: dict[str, dict]) -> float:
    """Mean over sets of answer accuracy and (where a set has them) refusal accuracy,
    less a penalty for refusing answerable questions beyond FALSE_REFUSALS: a refusal
    of a question the articles answer costs the reader as much as a wrong answer."""
    values = []
    for figures in by_set.values():
        parts = [figures["answer_accuracy"] or 0.0]
        if figures["refusal_accuracy"] is not None:
            parts.append(figures["refusal_accuracy"])
        excess = max(0.0, (figures["false_refusal_rate"] or 0.0) - FALSE_REFUSALS)
        values.append(sum(parts) / len(parts) - 2 * excess)
    return float(np.mean(values))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", nargs="+", default=list(SETS), choices=list(SETS))
    parser.add_argument("--index-root", type=Path, default=ROOT / "eval-out" / "index")
    parser.add_argument("--split", type=Path, default=ROOT / "eval" / "split.json")
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--gate", nargs="+", default=list(GATE_FEATURES), help="the gate's features (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=answer_model.WEIGHTS_FILE, help="where the weights go (default: the package's)")
    parser.add_argument("--without", nargs="+", default=[], help="ranker features left out (to measure what one adds)")
    args = parser.parse_args()
    split = json.loads(args.split.read_text(encoding="utf-8"))
    started = time.perf_counter()
    data: dict[str, tuple[Assistant, list[EvalItem], dict[str, tuple]]] = {}
    for name in args.sets:
        path, corpus, files = SETS[name]
        assistant = open_assistant(corpus, files, args.index_root)
        answerer = answerer_for(assistant)
        items = train_items(name, path, split)
        cached = {}
        for item in items:
            hits = assistant.retriever.retrieve(search_query(item.question, list(item.history)))
            cached[item.id] = (hits, answerer.judge(item.question, list(item.history), hits))
        data[name] = (assistant, items, cached)
        print(f"{name}: {len(items)} train questions, {sum(i.answerable for i in items)} answerable", flush=True)
    names = sorted({key for _, _, cached in data.values() for _, judged in cached.values()
                    for _, found in judged for c in found for key in c.features} - set(args.without))
    groups = []
    for _, items, cached in data.values():
        usable = [(x, y) for item in items if item.answerable for x, y in [rows(item, cached[item.id][1])] if any(y)]
        groups += [(matrix(x, names), np.array(y, dtype=float), 1.0 / len(usable) / len(data)) for x, y in usable]
    ranker = rounded(names, fit_ranker(groups, len(names)))
    print("ranker:", json.dumps(ranker, ensure_ascii=False))
    tops, answerable, sample = [], [], []
    for _, items, cached in data.values():
        for item in items:
            # The answerer only quotes spans with the asked form (extractive.has_asked_form).
            found = [c for asked, candidates in cached[item.id][1] for c in candidates if has_asked_form(asked, c)]
            found = found or [c for _, candidates in cached[item.id][1] for c in candidates]
            if not found:
                continue
            best = max(found, key=lambda c: sum(ranker.get(k, 0.0) * v for k, v in c.features.items()))
            asked = next(q for q, candidates in cached[item.id][1] if best in candidates)
            if not item.answerable and not verify(asked, best, best.chunk.text[max(0, best.start - 80) : best.start]).ok:
                continue  # a neighbouring fact: verification refuses it, the gate need not learn it
            score = sum(ranker.get(k, 0.0) * v for k, v in best.features.items())
            tops.append({**best.features, "score": score})
            answerable.append(float(item.answerable))
            sample.append(1.0 / len(items))
    gate = rounded(args.gate, fit_logistic(matrix(tops, args.gate), np.array(answerable), np.array(sample)))
    print("gate:", json.dumps(gate, ensure_ascii=False))
    best: tuple[float, answer_model.Model, dict] | None = None
    for keep in KEEPS:
        for reach in REACHES:
            for threshold in THRESHOLDS:
                trial = answer_model.Model(ranker, gate, float(threshold), keep, reach)
                by_set = {
                    name: metrics_for(answerer_for(assistant, trial), assistant.retrieval_mode, items, cached)
                    for name, (assistant, items, cached) in data.items()
                }
                value = objective(by_set)
                if best is None or value > best[0]:
                    best = (value, trial, by_set)
    assert best is not None
    value, chosen, by_set = best
    print(f"threshold {chosen.threshold}, keep {chosen.keep}, reach {chosen.reach}, objective {value:.4f} "
          f"({time.perf_counter() - started:.0f} s)")
    for name, figures in by_set.items():
        print(f"  {name} train: " + ", ".join(f"{k} {figures[k]}" for k in
              ("questions", "answer_accuracy", "citation_hit", "refusal_accuracy", "false_refusal_rate")))
    if not args.dry_run:
        payload = {"weights": ranker, "gate": gate, "threshold": chosen.threshold, "keep": chosen.keep, "reach": chosen.reach,
                   "trained_on": {name: len(items) for name, (_, items, _) in data.items()},
                   "retrieval_mode": {name: d[0].retrieval_mode for name, d in data.items()}}
        args.out.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")


def answerer_for(assistant: Assistant, trial: answer_model.Model | None = None) -> ExtractiveAnswerer:
    chunks = assistant.chunks
    return ExtractiveAnswerer(assistant.lexical, assistant.settings.answer, chunks.article_chunks, chunks.article_openings,
                              weights=trial)


if __name__ == "__main__":
    main()
