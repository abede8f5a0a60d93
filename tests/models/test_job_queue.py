"""The heavy-job queue: places in line, capacity, stale tickets, and many session threads at once."""

import threading
import time

import pytest

from models.job_queue import JobQueue, NotYourTurn, heavy_job_queue


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_positions_follow_join_order_and_capacity():
    queue = JobQueue(capacity=2)
    a, b, c, d = (queue.join(owner) for owner in "abcd")
    assert [queue.position(t) for t in (a, b, c, d)] == [0, 0, 1, 2]
    queue.leave(a)
    assert [queue.position(t) for t in (a, b, c, d)] == [None, 0, 0, 1]
    assert queue.state().waiting == 1


def test_joining_twice_keeps_one_place():
    queue = JobQueue()
    first, other = queue.join("session-1"), queue.join("session-2")
    assert queue.join("session-1") == first and queue.position(other) == 1


def test_running_out_of_turn_raises_and_leaving_on_exit_lets_the_next_run():
    queue = JobQueue(capacity=1)
    a, b = queue.join("a"), queue.join("b")
    with pytest.raises(NotYourTurn, match="number 1 in line"):
        with queue.running(b):
            pass
    with queue.running(a):
        assert queue.state().running == 1 and queue.position(b) == 1
    assert queue.position(a) is None and queue.position(b) == 0


def test_a_failing_job_frees_its_place():
    queue = JobQueue()
    a, b = queue.join("a"), queue.join("b")
    with pytest.raises(ZeroDivisionError):
        with queue.running(a):
            1 / 0
    assert queue.position(b) == 0


def test_waiting_tickets_without_heartbeat_go_stale_but_running_ones_do_not():
    clock = FakeClock()
    queue = JobQueue(capacity=1, stale_after_s=10, clock=clock)
    a, b, c = queue.join("a"), queue.join("b"), queue.join("c")
    with queue.running(a):
        clock.now = 8
        assert queue.heartbeat(c)
        clock.now = 15  # b silent for 15 s, c for 7 s; a runs, silent too
        assert queue.position(b) is None and not queue.heartbeat(b)
        assert queue.position(a) == 0 and queue.position(c) == 1
    assert queue.position(c) == 0


def test_a_stale_first_place_lets_the_next_ticket_run():
    clock = FakeClock()
    queue = JobQueue(capacity=1, stale_after_s=5, clock=clock)
    gone, waiting = queue.join("closed tab"), queue.join("waiting")
    clock.now = 4
    queue.heartbeat(waiting)
    clock.now = 6
    assert queue.position(waiting) == 0 and queue.position(gone) is None
    with pytest.raises(NotYourTurn, match="no longer queued"):
        with queue.running(gone):
            pass


def test_wait_for_turn_reports_positions_and_can_be_cancelled():
    queue = JobQueue(capacity=1)
    first, second = queue.join("first"), queue.join("second")
    seen = []
    assert not queue.wait_for_turn(second, on_wait=lambda place: seen.append(place) or len(seen) < 3, poll_s=0.01)
    assert seen == [1, 1, 1] and queue.position(second) is None
    assert queue.wait_for_turn(first)
    third = queue.join("third")
    assert not queue.wait_for_turn(third, timeout_s=0.05, poll_s=0.01) and queue.position(third) is None


def test_many_threads_never_exceed_capacity_and_all_finish():
    queue = JobQueue(capacity=2, stale_after_s=60)
    lock, running, most, done = threading.Lock(), [0], [0], []

    def session(name):
        ticket = queue.join(name)
        assert queue.wait_for_turn(ticket, poll_s=0.005, timeout_s=30)
        with queue.running(ticket):
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
            time.sleep(0.01)
            with lock:
                running[0] -= 1
        done.append(name)

    threads = [threading.Thread(target=session, args=(f"s{i}",)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(done) == sorted(f"s{i}" for i in range(12))
    assert most[0] == 2  # both places used, never a third
    assert queue.state() == queue.state().__class__(running=0, waiting=0, capacity=2)


def test_shared_queue_is_one_object_and_capacity_must_be_positive():
    assert heavy_job_queue() is heavy_job_queue() and heavy_job_queue().capacity == 1
    with pytest.raises(ValueError):
        JobQueue(capacity=0)
