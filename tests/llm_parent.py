"""A parent process for the local model, to be killed with SIGKILL by
tests/test_llm_local.py (test code, never imported by the product).

    python tests/llm_parent.py MODEL.gguf

It starts the model process from a short-lived thread, as the chat does from its
worker threads, waits for that thread to end, prints the model process's pid and
then sleeps until it is killed.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.llm import LlamaCppModel  # noqa: E402
from assistant.settings import LlmSettings  # noqa: E402


def main() -> None:
    model = LlamaCppModel(LlmSettings(backend="llamacpp", model_path=Path(sys.argv[1]), context_size=1024))
    starter = threading.Thread(target=model.ready)
    starter.start()
    starter.join()
    print(model._process.popen.pid, flush=True)  # the test checks the model process itself
    time.sleep(600)


if __name__ == "__main__":
    main()
