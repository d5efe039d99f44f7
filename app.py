"""Launch the chat on 127.0.0.1:7860, indexing the shipped articles on first start."""

from pathlib import Path

from assistant import Assistant
from assistant.ui import launch

SEEDS = Path(__file__).resolve().parent / "seeds"


def main() -> None:
    assistant = Assistant()
    if not assistant.stats()["chunks"]:
        print(f"First start: indexing the articles in {SEEDS} …")
        report = assistant.ingest([SEEDS])
        print(f"Indexed {report.articles} articles ({report.chunks_added} chunks) from {report.sources} files.")
    if assistant.mode_notice:
        print(assistant.mode_notice)
    launch(assistant)


if __name__ == "__main__":
    main()
