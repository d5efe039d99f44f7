"""How fast this machine can feed an embedding server: the client side of `openai`.

    .venv/bin/python bench/embed_client.py                    # 2,000 CRUD-RAG records, dim 384 and 1024
    .venv/bin/python bench/embed_client.py --records 5000 --batch 256

Embedding a large collection on a GPU server still costs the app's machine work:
reading each chunk's text back from Chroma, sending it, decoding the vectors and
writing them into Chroma's HNSW index. No GPU is available here, so the server is
a FAKE: `FakeEmbeddingServer` answers /v1/embeddings at once with unit vectors of
the requested size, derived from a hash of each text. Everything else is the
product's own path (`Assistant.embed` with embedding.backend = openai, through
langchain_openai and the openai client), so the rate measured is the most the
client can do; a real server is slower or faster than that, and the slower of
the two sets the pace (README, Scaling out).

It ingests the first --records records of corpus_small into a temporary index
with the text only, then embeds them through the fake server once per --dims value,
and prints chunks per second.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import islice
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "bench" / "crud_rag" / "corpus_small.jsonl"


class FakeEmbeddingServer(ThreadingHTTPServer):
    """A FAKE OpenAI-compatible embeddings server: no model, instant answers."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self.requests = 0
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class _Handler(BaseHTTPRequestHandler):
    server: FakeEmbeddingServer
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        texts = request["input"] if isinstance(request["input"], list) else [request["input"]]
        data = []
        for index, text in enumerate(texts):
            seed = int.from_bytes(hashlib.sha1(str(text).encode()).digest()[:8], "little")
            vector = np.random.default_rng(seed).standard_normal(self.server.dim).astype(np.float32)
            vector /= np.linalg.norm(vector)
            value = base64.b64encode(vector.tobytes()).decode() if request.get("encoding_format") == "base64" else vector.tolist()
            data.append({"object": "embedding", "index": index, "embedding": value})
        body = json.dumps({"object": "list", "data": data, "model": request.get("model"), "usage": {"prompt_tokens": 0, "total_tokens": 0}}).encode()
        self.server.requests += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main() -> None:
    from assistant import Assistant, load_settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=128, help="embedding.batch_size: texts per request")
    parser.add_argument("--dims", type=int, nargs="+", default=[384, 1024], help="vector sizes (bge-small: 512, bge-m3: 1024)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="embed-client-") as work:
        corpus = Path(work) / "corpus.jsonl"
        with CORPUS.open(encoding="utf-8") as source:
            corpus.write_text("".join(islice(source, args.records)), encoding="utf-8")
        results = []
        for dim in args.dims:
            server = FakeEmbeddingServer(dim)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            settings = load_settings(
                index={"dir": Path(work) / f"index-{dim}"},
                embedding={"backend": "openai", "base_url": server.url, "model": f"fake-{dim}", "batch_size": args.batch},
            )
            assistant = Assistant(settings)
            assistant.ingest([corpus], embed=False)
            started = time.perf_counter()
            report = assistant.embed()
            seconds = time.perf_counter() - started
            server.shutdown()
            assert not report.error and report.missing == 0, report
            rate = report.embedded / seconds
            results.append({"dim": dim, "chunks": report.embedded, "seconds": round(seconds, 1), "chunks_per_s": round(rate),
                            "requests": server.requests})
            print(f"dim {dim}: {report.embedded:,} chunks in {seconds:.1f} s = {rate:,.0f} chunks/s "
                  f"({server.requests} requests of up to {args.batch})")
    out = ROOT / "bench" / "results" / "embed_client.json"
    out.write_text(json.dumps({"measured_at": time.strftime("%Y-%m-%d %H:%M"), "batch": args.batch, "runs": results}, indent=1) + "\n")


if __name__ == "__main__":
    main()
