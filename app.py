"""Launch the chat (127.0.0.1:7860 by default), indexing the shipped articles on first start."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assistant import Assistant, SettingsError
from assistant.ui import launch

SEEDS = Path(__file__).resolve().parent / "seeds"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="The newspaper chat in the browser.")
    parser.add_argument("--host", help="address to bind (default from settings: 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default from settings: 7860)")
    parser.add_argument("--auth", help="user:password turns on the login page (or ASSISTANT_UI__AUTH)")
    args = parser.parse_args(argv)
    try:
        assistant = Assistant()
        if not assistant.stats()["chunks"]:
            print(f"First start: indexing the articles in {SEEDS} …", flush=True)
            report = assistant.ingest([SEEDS], embed=False)  # the chat opens at once; vectors follow in the background
            print(f"Indexed {report.articles} articles ({report.chunks_added} chunks) from {report.sources} files.", flush=True)
        if assistant.mode_notice:
            print(assistant.mode_notice, flush=True)
        launch(assistant, args.host, args.port, args.auth)
    except SettingsError as error:
        sys.exit(str(error))


if __name__ == "__main__":
    main()
