"""Time from `streamlit run` to healthy, and resident memory after visiting every page.

Both are set against a baseline measured in the same run: a one-line Streamlit app.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, streamlit_server

PAGES = ("/", "/tokens", "/recurrent", "/seq2seq", "/attention", "/prompts", "/finetune", "/gan")


def resident_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def visit(url: str, paths) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        for path in paths:
            page.goto(url + path)
            page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                                   timeout=120_000)
        browser.close()


def measure(app: str | None, paths) -> tuple[float, float]:
    with streamlit_server(app=app) as (url, process, seconds):
        visit(url, paths)
        return seconds, resident_mib(process.pid)


def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        hello = Path(folder) / "hello.py"
        hello.write_text("import streamlit as st\nst.write('hello')\n")
        base_start, base_rss = measure(str(hello), ["/"])
    start, rss = measure(None, PAGES)
    return {"hello app: start to healthy (s)": base_start, "playground: start to healthy (s)": start,
            "start-up ratio": start / base_start,
            "hello app: resident memory (MiB)": base_rss,
            "playground after visiting every page: resident memory (MiB)": rss,
            "memory ratio": rss / base_rss}
