"""Whether the app may download anything (tokenizer files, model weights)."""

import os
import socket

# Either flag keeps the app on its bundled defaults; tests and CI set one.
OFFLINE_FLAGS = ("PLAYGROUND_OFFLINE", "HF_HUB_OFFLINE")


def downloads_allowed() -> bool:
    return not any(os.environ.get(flag, "").lower() in ("1", "true", "yes") for flag in OFFLINE_FLAGS)


class DownloadUnavailable(RuntimeError):
    """Something needs a one-time download that cannot happen now; the message says what to use instead."""


def host_reachable(host: str, timeout: float = 3.0) -> bool:
    """A quick probe, so an offline machine answers in seconds instead of retrying for long."""
    try:
        with socket.create_connection((host, 443), timeout=timeout):
            return True
    except OSError:
        return False
