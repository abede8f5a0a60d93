"""Background jobs: one at a time through the queue, stoppable, and abandoned when nobody polls."""

import threading
import time

from models.background_job import BackgroundJob
from models.job_queue import JobQueue


def counting_work(steps, gate=None):
    def work(on_step):
        done = 0
        for step in range(steps):
            if gate is not None:
                gate.wait(5)
            done += 1
            if on_step(step) is False:
                break
        return done
    return work


def wait_until(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return condition()


def test_a_job_runs_and_reports_every_step():
    job = BackgroundJob(counting_work(5), JobQueue(), "a")
    job.join(5)
    progress = job.progress()
    assert progress.state == "done" and progress.result == 5 and progress.reports == [0, 1, 2, 3, 4]


def test_jobs_run_one_at_a_time_and_the_second_waits_its_turn():
    queue, gate = JobQueue(capacity=1), threading.Event()
    first = BackgroundJob(counting_work(3, gate), queue, "a")
    second = BackgroundJob(counting_work(3), queue, "b")
    assert wait_until(lambda: second.progress().position == 1)
    assert first.progress().state == "running" and second.progress().state == "queued"
    gate.set()
    first.join(5), second.join(5)
    assert first.progress().result == 3 and second.progress().result == 3


def test_cancel_stops_at_the_next_step_and_keeps_the_result():
    gate = threading.Event()
    job = BackgroundJob(counting_work(100, gate), JobQueue(), "a")
    job.cancel()
    gate.set()
    job.join(5)
    assert job.progress().state == "done" and job.progress().result == 1


def test_a_waiting_job_whose_session_went_away_gives_up_its_place():
    queue, gate, session = JobQueue(), threading.Event(), {"b": True}
    first = BackgroundJob(counting_work(2, gate), queue, "a")
    second = BackgroundJob(counting_work(2), queue, "b", alive=lambda: session["b"])
    assert wait_until(lambda: second.progress().position == 1)
    session["b"] = False  # the tab was closed
    assert wait_until(lambda: not second.active)
    assert second.progress().state == "stopped" and queue.state().waiting == 0
    gate.set()
    first.join(5)
    assert first.progress().result == 2


def test_a_running_job_whose_session_went_away_stops():
    gate, session = threading.Event(), {"open": True}
    job = BackgroundJob(counting_work(100, gate), JobQueue(), "a", alive=lambda: session["open"])
    assert wait_until(lambda: job.progress().state == "running")
    session["open"] = False
    gate.set()
    job.join(5)
    assert job.progress().result == 1


def test_failures_are_reported_as_text():
    def broken(on_step):
        raise ValueError("bad data")

    job = BackgroundJob(broken, JobQueue(), "a")
    job.join(5)
    assert job.progress().state == "failed" and "bad data" in job.progress().error


def test_a_snapshot_that_says_the_job_ended_holds_its_result():
    # The page finishes a job on the first snapshot that is not active: that snapshot must hold the
    # result even when the thread ends just while the snapshot is taken.
    gate = threading.Event()
    job = BackgroundJob(counting_work(3, gate), JobQueue(), "a")
    thread = job._thread

    class EndsWhileAsked:  # the thread ends at the moment progress() asks whether it is alive
        def is_alive(self):
            gate.set()
            thread.join(5)
            return thread.is_alive()

    job._thread = EndsWhileAsked()
    progress = job.progress()
    assert not progress.active and progress.state == "done" and progress.result == 3


def test_a_running_job_says_it_is_active():
    gate = threading.Event()
    job = BackgroundJob(counting_work(3, gate), JobQueue(), "a")
    assert job.progress().active
    gate.set()
    job.join(5)
    assert not job.progress().active
