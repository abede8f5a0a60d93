"""A progress bar for work that reports bytes from other threads (hub downloads).

The hub's downloader calls back from its own worker threads, where Streamlit
calls do nothing; so the work runs in a thread of its own and this script
thread polls what it reported into the bar.
"""

from __future__ import annotations

import threading
from typing import Callable, TypeVar

import streamlit as st

T = TypeVar("T")
POLL_SECONDS = 0.25


def with_download_progress(work: Callable[[Callable[[int, int], None]], T], label: str) -> T:
    """Run `work(report)`, where report(done, total) counts bytes; re-raise what it raised."""
    seen = {"done": 0, "total": 0}
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = work(lambda done, total: seen.update(done=done, total=total))
        except BaseException as error:  # handed to the script thread below
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True, name=f"download {label}")
    thread.start()
    bar = st.empty()
    while thread.is_alive():
        thread.join(POLL_SECONDS)
        if seen["total"]:
            bar.progress(min(1.0, seen["done"] / seen["total"]),
                         text=f"Downloading {label}: {seen['done'] / 1e6:.0f} of {seen['total'] / 1e6:.0f} MB")
    bar.empty()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
