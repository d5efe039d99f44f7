"""Answer questions about Chinese newspaper articles, citing the passages used."""

import os

# Model loading stays offline unless the user opts in (embedding.allow_download):
# huggingface_hub reads these once at import, and a missing model would otherwise
# spend over a minute failing to reach the hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from .core import Assistant, IngestReport, QuestionError, Response  # noqa: E402
from .settings import Settings, SettingsError, load_settings  # noqa: E402
from .store import Filters  # noqa: E402

__all__ = ["Assistant", "Filters", "IngestReport", "QuestionError", "Response", "Settings", "SettingsError", "load_settings"]
