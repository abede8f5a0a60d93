"""Time from `streamlit run` to healthy, and resident memory after visiting home and tokens, and every page.

Both are set against a baseline measured in the same run: a one-line Streamlit app.
Then, on the same server, the page's default full fine-tune: the peak resident
memory while it runs (the kernel's high-water mark) and what stays after it; then
two more in one session, which keeps their weights.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, streamlit_server

LIGHT_PAGES = ("/", "/tokens")  # they never import torch
PAGES = ("/", "/tokens", "/recurrent", "/seq2seq", "/attention", "/prompts", "/finetune", "/gan")


FULL_FINETUNE = "/finetune?frozen=&steps=60"  # nothing frozen: the heaviest job a student can start
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def resident_mib(pid: int, field: str = "VmRSS") -> float:
    """VmRSS now, or VmHWM: the highest it has been."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def visit(url: str, paths, then=None) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        for path in paths:
            page.goto(url + path)
            page.wait_for_selector(IDLE, timeout=120_000)
        if then:
            then(page)
        browser.close()


def full_finetunes(url: str, runs: int):
    def run_them(page) -> None:
        page.goto(url + FULL_FINETUNE)
        page.wait_for_selector(IDLE, timeout=120_000)
        for run in range(1, runs + 1):
            page.get_by_role("button", name="Run", exact=True).click()
            page.get_by_text(f"Run {run} · fine-tune everything").first.wait_for(state="attached", timeout=300_000)
            page.wait_for_selector(IDLE, timeout=120_000)
    return run_them


def measure(app: str | None, paths) -> tuple[float, float]:
    with streamlit_server(app=app) as (url, process, seconds):
        visit(url, paths)
        return seconds, resident_mib(process.pid)


def measure_finetune() -> dict[str, float]:
    with streamlit_server() as (url, process, _):
        visit(url, PAGES)
        before = resident_mib(process.pid)
        visit(url, [], then=full_finetunes(url, 1))
        figures = {"before a full fine-tune, every page visited (MiB)": before,
                   "peak during the page's default full fine-tune (MiB)": resident_mib(process.pid, "VmHWM"),
                   "after it (MiB)": resident_mib(process.pid)}
        visit(url, [], then=full_finetunes(url, 2))  # a student runs again: the session keeps both runs
        figures["peak over two more full fine-tunes in one session (MiB)"] = resident_mib(process.pid, "VmHWM")
        figures["after them (MiB)"] = resident_mib(process.pid)
        return figures


def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        hello = Path(folder) / "hello.py"
        hello.write_text("import streamlit as st\nst.write('hello')\n")
        base_start, base_rss = measure(str(hello), ["/"])
    _, light_rss = measure(None, LIGHT_PAGES)
    start, rss = measure(None, PAGES)
    return {"hello app: start to healthy (s)": base_start, "playground: start to healthy (s)": start,
            "start-up ratio": start / base_start,
            "hello app: resident memory (MiB)": base_rss,
            "playground after home and tokens (no torch): resident memory (MiB)": light_rss,
            "home and tokens / hello (memory ratio)": light_rss / base_rss,
            "playground after visiting every page: resident memory (MiB)": rss,
            "every page / hello (memory ratio)": rss / base_rss, **measure_finetune()}
