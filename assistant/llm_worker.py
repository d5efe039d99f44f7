"""The local model's own process: llama-cpp-python's OpenAI-compatible server for one
GGUF file on 127.0.0.1, started and watched by `llm.LlamaCppModel`.

Native code that segfaults, is killed for memory or hangs takes down only this
process; the assistant answers extractively and starts a fresh one. Run as a
script, not with `-m`, so that it never imports the `assistant` package (Chroma,
jieba, ... : seconds and tens of MB in every model process for nothing):

    python -P assistant/llm_worker.py --model X.gguf --threads 2 --context 4096 --ready-fd FD

`-P` keeps this directory (whose parse.py, chunk.py, ... would shadow other modules)
off sys.path. The API key for the server comes in the environment variable
LLM_WORKER_API_KEY (unlike argv, the environment is not readable by other users).

It tells the parent it is ready by writing one JSON line to the inherited file
descriptor FD once the model is loaded and the socket listens:
`{"port": 40123, "chat": true}` (`chat`: the GGUF has a chat template, so
/v1/chat/completions is right; without one it is a base model, driven through
/v1/completions).

It never outlives the assistant: it reads standard input, a pipe whose only
writer is the parent, and exits at end of file, which the kernel delivers however
the parent ends (kill -9 included). PR_SET_PDEATHSIG (ingest.py's
`_die_with_parent`) is not used: it fires when the *thread* that started the child
exits, and the chat starts it from short-lived worker threads.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import threading

API_KEY_VARIABLE = "LLM_WORKER_API_KEY"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--context", type=int, required=True)
    parser.add_argument("--ready-fd", type=int, required=True)
    args = parser.parse_args()
    # Its crashes are expected and handled by the parent: no core dump (the size of the
    # process's memory) is left in the user's working directory.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    threading.Thread(target=_exit_when_parent_is_gone, daemon=True, name="parent-watch").start()

    import uvicorn
    from llama_cpp import Llama
    from llama_cpp.server.app import create_app
    from llama_cpp.server.settings import ModelSettings, ServerSettings

    # Port 0: the kernel picks a free port and nothing can take it between choosing
    # and binding (a port picked by the parent could be).
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]

    # Only the vocabulary and metadata, to choose chat or completion (the server's own
    # copy of the model is loaded next).
    metadata = Llama(model_path=args.model, vocab_only=True, verbose=False).metadata
    app = create_app(
        # interrupt_requests off: by default a second request ends the stream of the
        # one being answered (a truncated answer for the first reader); here requests
        # take turns, and the assistant's deadlines bound the wait.
        server_settings=ServerSettings(
            host="127.0.0.1", port=port, interrupt_requests=False, api_key=os.environ.get(API_KEY_VARIABLE)
        ),
        model_settings=[
            ModelSettings(
                model=args.model,
                model_alias="local",
                n_ctx=args.context,
                n_threads=args.threads,
                n_threads_batch=args.threads,
                verbose=False,
            )
        ],
    )

    @app.get("/alive")
    def alive() -> dict:
        """Answered by the event loop without the model's lock: the parent's ping tells
        a process that is busy with another reader's answer from one that is hung."""
        return {"alive": True}

    with os.fdopen(args.ready_fd, "w") as ready:
        ready.write(json.dumps({"port": port, "chat": bool(metadata.get("tokenizer.chat_template"))}) + "\n")
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    server.run(sockets=[listener])


def _exit_when_parent_is_gone() -> None:
    # The raw descriptor, not sys.stdin: a daemon thread blocked inside a buffered
    # reader's lock makes the interpreter abort when main() fails and exits.
    while os.read(0, 4096):  # b"" only at end of file: the parent closed the pipe or died
        pass
    os._exit(0)


if __name__ == "__main__":
    main()
