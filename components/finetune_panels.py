"""Sections of the fine-tuning lab: the running job, the runs kept in the session, trying them out."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from components.finetune_views import curves_figure, live_curves_figure, weight_change_figure
from models.background_job import BackgroundJob
from models.finetune import BLOCKS, PRESETS, FinetuneResult

POLL_SECONDS = 1.0  # live curves once a second: more often steals CPU from the job on two cores
JOB, RUNS = "finetune.job", "finetune.runs"
JOB_CONFIG = "finetune.job-config"  # the running job's FinetuneConfig
STOP_REASONS = {"steps": "all steps done", "time": "time limit reached", "callback": "stopped by you"}
# Trained weights a session keeps for trying runs out, newest first: a full fine-tune's are ~45 MB,
# a head's a few KB. Older runs keep their numbers only (every session shares the server's memory).
WEIGHTS_KEPT_BYTES = 64 * 2**20
_CONFIG = {"displaylogo": False}


@dataclass
class Run:
    name: str
    data: str  # where the data came from
    result: FinetuneResult

    @property
    def can_predict(self) -> bool:
        return bool(self.result.trained_state)


def preset_of(frozen: frozenset[str]) -> str | None:
    """The name of the preset that freezes exactly `frozen`, if any."""
    return next((name for name, blocks in PRESETS.items() if blocks == frozen), None)


def frozen_label(frozen: frozenset[str]) -> str:
    named = preset_of(frozen)
    if named:
        return named
    return "frozen: " + (", ".join(b for b in BLOCKS if b in frozen) or "nothing")


def curve(name: str, reports) -> tuple:
    steps = tuple(r.step for r in reports)
    evaluated = [r for r in reports if r.accuracy is not None]
    return (name, steps, tuple(r.loss for r in reports), tuple(r.step for r in evaluated),
            tuple(r.accuracy for r in evaluated))


def job_panel() -> None:
    """The running job, redrawn every second by a fragment while it runs."""
    job: BackgroundJob | None = st.session_state.get(JOB)

    @st.fragment(run_every=POLL_SECONDS if job is not None and job.active else None)
    def watch() -> None:
        job: BackgroundJob | None = st.session_state.get(JOB)
        if job is None:
            return
        progress = job.progress()
        if progress.state == "queued":
            st.info(f"Waiting for the server: number {progress.position or 1} in line. One training job runs "
                    "at a time, so that a class shares the server's two cores; yours starts when the one "
                    "before it ends.", icon=":material/hourglass_top:")
        elif progress.state == "running" and progress.reports:
            last = progress.reports[-1]
            total_steps = st.session_state[JOB_CONFIG].steps
            st.progress(min(last.step / total_steps, 1.0),
                        text=f"Step {last.step} of {total_steps} · loss {last.loss:.3f} · "
                             f"{1 / last.steps_per_second if last.steps_per_second else 0:.2f} s per step · "
                             f"{last.seconds:.0f} s")
            st.plotly_chart(live_curves_figure((curve("this run", progress.reports),)), config=_CONFIG,
                            key="finetune.live")
        elif progress.state == "running":
            st.info("Preparing: copying the model and reading the data…", icon=":material/hourglass_top:")
        if progress.active:
            st.button("Stop", key="finetune.stop", on_click=job.cancel, icon=":material/stop:")
            return
        finish(progress)
        st.rerun(scope="app")  # the job is over: draw the results, stop polling

    watch()


def finish(progress) -> None:
    if st.session_state.pop(JOB, None) is None:  # a run that overlapped this one finished it already
        return
    data = st.session_state.pop("finetune.job-data", "")
    st.session_state.pop(JOB_CONFIG, None)
    if progress.state == "stopped":  # stopped while still waiting in line: it never ran
        st.session_state["finetune.notice"] = "Your queued job was cancelled."
        return
    if progress.state == "failed":
        st.session_state["finetune.error"] = f"The job failed: {progress.error}"
        return
    if progress.result is None:
        return
    runs: list[Run] = st.session_state.setdefault(RUNS, [])
    runs.append(Run(f"Run {len(runs) + 1} · {frozen_label(progress.result.config.frozen)}", data, progress.result))
    kept = 0
    for run in reversed(runs):
        kept += run.result.weight_bytes
        if kept > WEIGHTS_KEPT_BYTES and run is not runs[-1]:
            run.result.trained_state = {}


def result_panel(run: Run) -> None:
    result = run.result
    if result.stopped != "steps":
        st.warning(f"{STOP_REASONS[result.stopped].capitalize()} at step {result.steps_done} of "
                   f"{result.config.steps}.", icon=":material/stop_circle:")
    left, middle, right = st.columns(3)
    left.metric("Test accuracy", f"{result.test_accuracy:.1%}")
    middle.metric("Time", f"{result.seconds:.1f} s",
                  help=f"{result.steps_done} steps; {STOP_REASONS[result.stopped]}")
    right.metric("Trainable parameters", f"{result.trainable_parameters:,}")
    if result.fast_path:
        st.caption("Fast path: with the whole encoder frozen, its sentence vectors were computed once and "
                   "only the head trained on them, which is why transfer learning is nearly free.")
    st.markdown("**How far each block's weights moved**")
    st.plotly_chart(weight_change_figure(tuple(result.weight_change.items()), result.config.frozen),
                    config=_CONFIG, key="finetune.moved")


def comparison_panel(runs: list[Run]) -> None:
    st.plotly_chart(curves_figure(tuple(curve(r.name, r.result.history) for r in runs)), config=_CONFIG,
                    key="finetune.curves")
    unmeasured = [r for r in runs if not any(report.accuracy is not None for report in r.result.history)]
    if unmeasured:
        st.caption("No held-out accuracy for " + "; ".join(
            f"{r.name}: it stopped at step {r.result.steps_done}, before the first check "
            f"(every {r.result.config.eval_every} steps)" for r in unmeasured) + ".")
    st.dataframe(runs_table(runs), hide_index=True, width="stretch", column_config={
        "test accuracy": st.column_config.ProgressColumn("test accuracy", format="percent", min_value=0,
                                                         max_value=1)})
    st.download_button("Download the runs (CSV)", runs_csv(runs), file_name="finetune-runs.csv", mime="text/csv",
                       key="finetune.download", on_click="ignore", icon=":material/download:")


def runs_table(runs: list[Run]) -> pd.DataFrame:
    return pd.DataFrame([{
        "run": r.name, "data": r.data, "frozen blocks": ", ".join(b for b in BLOCKS if b in r.result.config.frozen)
        or "none", "trainable parameters": r.result.trainable_parameters, "steps": r.result.steps_done,
        "ended": STOP_REASONS[r.result.stopped],
        "test accuracy": r.result.test_accuracy, "seconds": round(r.result.seconds, 1),
        "s per step": round(r.result.seconds / max(r.result.steps_done, 1), 3), "fast path": r.result.fast_path,
    } for r in runs])


def runs_csv(runs: list[Run]) -> str:
    """Every step of every run, and each run's settings and test accuracy on its rows."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["run", "frozen blocks", "learning rate", "test accuracy", "step", "loss", "held-out accuracy",
                     "seconds"])
    for run in runs:
        frozen = " ".join(b for b in BLOCKS if b in run.result.config.frozen)
        for report in run.result.history:
            writer.writerow([run.name, frozen, run.result.config.learning_rate, f"{run.result.test_accuracy:.4f}",
                             report.step, f"{report.loss:.5f}",
                             "" if report.accuracy is None else f"{report.accuracy:.4f}", f"{report.seconds:.3f}"])
    return out.getvalue()
