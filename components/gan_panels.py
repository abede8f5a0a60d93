"""The GAN lab's training loop on the page: a fragment that trains a slice, redraws, and repeats.

Training shares the server's heavy-job queue with the fine-tuning lab: each
tick waits its turn, trains a slice of at most half a second, and goes to the
back of the line, so a class of GANs takes turns instead of piling up.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import streamlit as st

from models.job_queue import heavy_job_queue

TICK_SECONDS = 0.4
SLICE_SECONDS = 0.5  # most training per tick (plus one chunk): Pause waits for at most about this
CHUNK_STEPS = 10


def owner_id() -> str:
    return st.session_state.setdefault("gan.owner", uuid.uuid4().hex)


def train_slice(trainer, steps: int) -> str | None:
    """Train `steps` steps if it is this session's turn; else say where it stands in line."""
    queue = heavy_job_queue()
    ticket = queue.join(owner_id())
    position = queue.position(ticket)
    if position != 0:
        return (f"Waiting for the server: number {position} in line. One heavy job trains at a time, so a "
                "class shares the two cores; yours goes on in a moment.")
    with queue.running(ticket):
        train_for_at_most(trainer, steps, SLICE_SECONDS)
    return None


def train_for_at_most(trainer, steps: int, seconds: float, chunk: int = CHUNK_STEPS) -> int:
    """Train up to `steps` steps, in chunks, stopping after the chunk that passes `seconds`; returns steps taken.

    On a busy server a fixed slice could take seconds, and a click on Pause or
    Reset waits for the slice in progress; the time limit keeps that wait short.
    """
    started, taken = time.perf_counter(), 0
    while taken < steps and (taken == 0 or time.perf_counter() - started < seconds):
        took = trainer.train(min(chunk, steps - taken)).steps
        if took == 0:  # the trainer's own limits stop it
            break
        taken += took
    return taken


def training_fragment(running_key: str, trainer_key: str, slice_steps: int, max_steps: int,
                      draw: Callable[[object], None]) -> None:
    """Redraw with `draw(trainer)`; while the `running_key` toggle is on, train a slice before every redraw."""
    trainer = st.session_state[trainer_key]
    ticking = st.session_state.get(running_key, False) and trainer.step_count < max_steps

    @st.fragment(run_every=TICK_SECONDS if ticking else None)
    def tick() -> None:
        trainer = st.session_state[trainer_key]
        if st.session_state.get(running_key, False):
            if trainer.step_count >= max_steps:
                st.info(f"Stopped at {max_steps:,} steps, the most one run may take. Reset to start again.")
                if ticking:
                    st.rerun(scope="app")  # stop the timer
            else:
                waiting = train_slice(trainer, min(slice_steps, max_steps - trainer.step_count))
                if waiting:
                    st.info(waiting, icon=":material/hourglass_top:")
        draw(trainer)

    tick()
