"""Gate traces against torch.nn on the same 500-step input, and the recurrent page's rerun time."""

from __future__ import annotations

import torch

from benchmarks.tokens_compute import median_seconds
from models.recurrent_cells import cell_trace
from models.recurrent_models import CELLS, load_shipped_model
from models.recurrent_tasks import MAX_STEPS, TASKS, encode

PAGE_TEXT = "((a)(b(c)))(()((()))(b))" * 8


def trace_ratios() -> dict[str, float]:
    task = TASKS["text"]
    text = ("The quick (brown) fox says \"hello\".\n" * 20)[:MAX_STEPS]
    figures = {}
    for cell in CELLS:
        model = load_shipped_model("text", cell)
        with torch.no_grad():
            inputs = model.embed(torch.tensor(encode(task, text).ids))  # (T, E)
            bare = median_seconds(lambda: model.rnn(inputs.unsqueeze(0)))
        traced = median_seconds(lambda: cell_trace(model.rnn, inputs))
        figures[f"{cell}: torch.nn, 500 steps (ms)"] = bare * 1e3
        figures[f"{cell}: gate trace, 500 steps (ms)"] = traced * 1e3
        figures[f"{cell}: trace / torch.nn (ratio)"] = traced / bare
    return figures


def page_rerun() -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    baseline = AppTest.from_string("import streamlit as st\nst.write('hello')\n")
    baseline.run()
    page = AppTest.from_file(str(ROOT / "pages" / "recurrent.py"), default_timeout=120)
    page.query_params.update(task="brackets", text=PAGE_TEXT)
    page.run()  # first run fills the caches; reruns are what a student waits for
    base = median_seconds(baseline.run)
    rerun = median_seconds(page.run)
    return {"hello script rerun (ms)": base * 1e3, "recurrent page rerun, cached (ms)": rerun * 1e3,
            "page / hello (ratio)": rerun / base}


def run() -> dict[str, float]:
    return {**trace_ratios(), **page_rerun()}
