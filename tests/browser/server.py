"""Run `streamlit run app.py` on a free loopback port for browser tests and scripts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
# Chromium's own background connections are refused on a closed network; keep it quiet.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 60.0) -> float:
    """Seconds until /_stcore/health answers ok."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.read() == b"ok":
                    return time.perf_counter() - start
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not become healthy in {timeout:.0f} s")


@contextmanager
def streamlit_server(extra_env: dict[str, str] | None = None, app: str | None = None):
    """Yields (url, process, seconds_to_healthy) for app.py (or `app`), offline as in CI."""
    port = free_port()
    env = {**os.environ, "PLAYGROUND_OFFLINE": "1", "HF_HUB_OFFLINE": "1", **(extra_env or {})}
    # The log goes to a file: a pipe nobody reads would stall a chatty server once it filled up.
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", app or "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        try:
            seconds = wait_healthy(url, process)
        except (RuntimeError, TimeoutError) as error:
            log.seek(0)
            raise RuntimeError(f"{error}; its log ends:\n{log.read()[-2000:].decode(errors='replace')}") from None
        yield url, process, seconds
    finally:
        log.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
