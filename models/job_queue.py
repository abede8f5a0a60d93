"""A first-come, first-served queue for CPU-heavy jobs shared by every session of the server.

Streamlit runs each session as a thread of one process, so a queue object
shared between them (`heavy_job_queue()`, or one held in `st.cache_resource`)
is enough to keep, say, one fine-tuning or GAN job running at a time while
others wait and see their place in line.

    ticket = queue.join(session_id)        # joining again with the same owner returns the same ticket
    queue.position(ticket)                 # 0: may run now; 1: next in line; None: no longer queued
    queue.heartbeat(ticket)                # "still here"; waiting tickets silent for stale_after_s are dropped
    if queue.wait_for_turn(ticket, on_wait=show_position):
        with queue.running(ticket):        # NotYourTurn if it is not its turn; leaves the queue on exit
            run_the_job()
    queue.leave(ticket)                    # a cancelled wait gives up its place

Design: the first `capacity` live tickets in join order may run. A waiting
ticket that is not heartbeated for `stale_after_s` (its session was closed or
went away) is dropped, so it frees its place. A running ticket is never dropped
as stale: `running()` releases it in a `finally`, so it is freed when the job
ends, fails or is interrupted, and dropping it earlier would let more than
`capacity` jobs run at once. No imports of any job: the queue only sees owners
and tickets.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache


class NotYourTurn(RuntimeError):
    """`running()` was entered by a ticket that is still waiting or no longer queued."""


@dataclass(frozen=True)
class Ticket:
    id: int
    owner_id: str


@dataclass(frozen=True)
class QueueState:
    running: int  # jobs running now
    waiting: int  # tickets in line behind the ones allowed to run
    capacity: int


@dataclass
class _Entry:
    ticket: Ticket
    last_seen: float
    running: bool = False


class JobQueue:
    def __init__(self, capacity: int = 1, stale_after_s: float = 30.0, clock: Callable[[], float] = time.monotonic):
        if capacity < 1:
            raise ValueError(f"A queue needs room for at least one running job, not {capacity}.")
        self.capacity, self.stale_after_s, self._clock = capacity, stale_after_s, clock
        self._entries: list[_Entry] = []  # in join order
        self._ids = itertools.count(1)
        self._changed = threading.Condition()

    # ---- joining and leaving -------------------------------------------------------

    def join(self, owner_id: str) -> Ticket:
        """A place at the end of the line, or the owner's place if it already has one."""
        with self._changed:
            self._drop_stale()
            for entry in self._entries:
                if entry.ticket.owner_id == owner_id:
                    entry.last_seen = self._clock()
                    return entry.ticket
            ticket = Ticket(next(self._ids), owner_id)
            self._entries.append(_Entry(ticket, self._clock()))
            return ticket

    def leave(self, ticket: Ticket) -> None:
        """Give up the place (no error if it is already gone)."""
        with self._changed:
            self._entries = [entry for entry in self._entries if entry.ticket != ticket]
            self._changed.notify_all()

    def heartbeat(self, ticket: Ticket) -> bool:
        """Keep the place; False if the ticket was already dropped (join again to get a new place)."""
        with self._changed:
            self._drop_stale()
            entry = self._entry(ticket)
            if entry is not None:
                entry.last_seen = self._clock()
            return entry is not None

    # ---- where a ticket stands ----------------------------------------------------------

    def position(self, ticket: Ticket) -> int | None:
        """0 if the ticket may run (or runs) now, k >= 1 if k-1 tickets wait before it, None if not queued."""
        with self._changed:
            self._drop_stale()
            return self._position(ticket)

    def state(self) -> QueueState:
        with self._changed:
            self._drop_stale()
            running = sum(entry.running for entry in self._entries)
            return QueueState(running, max(len(self._entries) - self.capacity, 0), self.capacity)

    def wait_for_turn(self, ticket: Ticket, on_wait: Callable[[int], bool | None] | None = None,
                      poll_s: float = 0.5, timeout_s: float | None = None) -> bool:
        """Block until `ticket` may run, heartbeating it; True when it may run.

        `on_wait(position)` is called on every poll while waiting (a page shows the position);
        returning False gives up the place and returns False, as do a timeout and a dropped ticket.
        """
        deadline = None if timeout_s is None else self._clock() + timeout_s
        with self._changed:
            while True:
                self._drop_stale()
                entry = self._entry(ticket)
                if entry is None:
                    return False
                entry.last_seen = self._clock()
                place = self._position(ticket)
                if place == 0:
                    return True
                if deadline is not None and self._clock() >= deadline:
                    self._remove(ticket)
                    return False
                if on_wait is not None:
                    self._changed.release()  # the callback may draw a page: never hold the lock for it
                    try:
                        keep_waiting = on_wait(place)
                    finally:
                        self._changed.acquire()
                    if keep_waiting is False:
                        self._remove(ticket)
                        return False
                self._changed.wait(poll_s)  # woken early when the line moves

    # ---- running --------------------------------------------------------------------

    @contextmanager
    def running(self, ticket: Ticket) -> Iterator[None]:
        """Run the body as this ticket's job; raises NotYourTurn unless its position is 0.

        The ticket leaves the queue when the body ends, however it ends.
        """
        with self._changed:
            self._drop_stale()
            place = self._position(ticket)
            if place != 0:
                why = "is no longer queued (join again)" if place is None else f"is number {place} in line"
                raise NotYourTurn(f"Ticket {ticket.id} {why}; wait for its turn first.")
            self._entry(ticket).running = True
        try:
            yield
        finally:
            self.leave(ticket)

    # ---- inside the lock ----------------------------------------------------------------

    def _entry(self, ticket: Ticket) -> _Entry | None:
        return next((entry for entry in self._entries if entry.ticket == ticket), None)

    def _position(self, ticket: Ticket) -> int | None:
        for index, entry in enumerate(self._entries):
            if entry.ticket == ticket:
                return 0 if index < self.capacity else index - self.capacity + 1
        return None

    def _remove(self, ticket: Ticket) -> None:
        self._entries = [entry for entry in self._entries if entry.ticket != ticket]
        self._changed.notify_all()

    def _drop_stale(self) -> None:
        now = self._clock()
        kept = [entry for entry in self._entries
                if entry.running or now - entry.last_seen <= self.stale_after_s]
        if len(kept) != len(self._entries):
            self._entries = kept
            self._changed.notify_all()


@lru_cache(maxsize=1)
def heavy_job_queue() -> JobQueue:
    """The server-wide queue of CPU-heavy jobs (fine-tuning, GAN training): one at a time."""
    return JobQueue(capacity=1, stale_after_s=30.0)
