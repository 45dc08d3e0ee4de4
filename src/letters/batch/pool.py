"""A small process pool for long batches.

Why not :mod:`concurrent.futures`: a batch of 10,000 letters must not read all
its cases into a queue, must know which case a dead worker was rendering, and
should replace workers now and then (insurance: a library whose caches grow
cannot make a long batch run out of memory). Here each worker has its own pipe
and at most ``depth`` tasks in flight, so the parent pulls the next task only
when a worker can take it (memory stays flat); a worker that dies takes exactly
its own tasks with it (the one it was working on is retried once, then
reported; the others are simply sent elsewhere); and a worker that has done
``tasks_per_worker`` tasks is told to finish and is replaced.

Workers ignore Ctrl-C: the parent decides. On KeyboardInterrupt it stops
handing out tasks, collects what the workers are finishing (a second Ctrl-C
stops waiting), stops them and re-raises.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Generic, Protocol, TypeVar

from letters.errors import LettersError

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")
_Task = TypeVar("_Task", contravariant=True)
_Result = TypeVar("_Result", covariant=True)

# A worker process that dies while rendering the same task twice gives up on it.
MAX_ATTEMPTS = 2
# Workers that fail to start this many times in a row mean a broken set-up.
MAX_START_FAILURES = 3


class WorkerSetup(Protocol[S, _Task, _Result]):
    """What a worker process runs; must be picklable (it is sent to the worker)."""

    def start(self) -> S: ...

    def work(self, state: S, task: _Task) -> _Result: ...

    def stop(self, state: S) -> None: ...


@dataclass
class _Worker(Generic[T]):
    process: BaseProcess
    connection: Connection
    ready: bool = False
    sent: int = 0
    stopping: bool = False
    in_flight: deque[tuple[int, T]] = field(default_factory=deque)


def _context() -> multiprocessing.context.BaseContext:
    # forkserver: workers fork from a clean, single-threaded process that has
    # already imported the renderers (fast to start, nothing inherited from
    # the parent's threads); spawn where fork does not exist.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _worker_main(connection: Connection, setup: WorkerSetup[Any, Any, Any]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    try:
        state = setup.start()
    except BaseException as error:  # reported to the parent, which stops the batch
        message = error.message if isinstance(error, LettersError) else repr(error)
        hint = error.hint if isinstance(error, LettersError) else None
        with contextlib.suppress(OSError):
            connection.send(("failed", message, hint))
        return
    connection.send(("ready", os.getpid()))
    try:
        while True:
            try:
                message = connection.recv()
            except (EOFError, OSError):
                return  # the parent is gone
            if message is None:
                return
            number, task = message
            connection.send(("done", number, setup.work(state, task)))
    finally:
        setup.stop(state)  # the process ends with os._exit: nothing else cleans up


def _death(process: BaseProcess) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        why = " (out of memory?)" if name == "SIGKILL" else ""
        return f"the rendering process was killed by {name}{why}"
    return f"the rendering process exited with status {code}"


@dataclass
class PoolSettings:
    jobs: int
    tasks_per_worker: int = 2000
    depth: int = 2
    preload: tuple[str, ...] = ()


class Pool(Generic[S, T, R]):
    """Run ``setup.work`` over ``tasks`` in worker processes; see the module docstring.

    ``on_result(number, task, result)`` is called in the parent as results
    arrive (not in task order); ``on_lost(task, reason)`` makes the result of a
    task whose worker died with it twice.
    """

    def __init__(
        self,
        setup: WorkerSetup[S, T, R],
        settings: PoolSettings,
        *,
        on_result: Callable[[int, T, R], None],
        on_lost: Callable[[T, str], R],
    ) -> None:
        self.setup = setup
        self.settings = settings
        self.on_result = on_result
        self.on_lost = on_lost
        self.context = _context()
        if settings.preload and self.context.get_start_method() == "forkserver":
            self.context.set_forkserver_preload(list(settings.preload))
        self.workers: list[_Worker[T]] = []
        self.retry: deque[tuple[int, T]] = deque()
        self.attempts: dict[int, int] = {}
        self.start_failures = 0

    # ------------------------------------------------------------ workers

    def _start_worker(self) -> None:
        parent_end, child_end = self.context.Pipe()
        process = self.context.Process(  # type: ignore[attr-defined]
            target=_worker_main, args=(child_end, self.setup), daemon=True
        )
        process.start()
        child_end.close()
        self.workers.append(_Worker(process, parent_end))

    def _retire(self, worker: _Worker[T]) -> None:
        """Handle a worker whose process has ended."""
        worker.process.join()
        worker.connection.close()
        self.workers.remove(worker)
        if worker.in_flight:
            # It died while working: the first task is the one it was rendering.
            number, task = worker.in_flight.popleft()
            self.attempts[number] = self.attempts.get(number, 0) + 1
            rest = list(worker.in_flight)
            if self.attempts[number] >= MAX_ATTEMPTS:
                self.on_result(number, task, self.on_lost(task, _death(worker.process)))
            else:
                rest.insert(0, (number, task))
            self.retry.extendleft(reversed(rest))
        if not worker.ready:
            self.start_failures += 1
            if self.start_failures >= MAX_START_FAILURES:
                raise LettersError(
                    f"the rendering processes cannot start: {_death(worker.process)}"
                )

    def _receive(self, worker: _Worker[T]) -> None:
        """Handle one message from ``worker``, or its end when the pipe is closed."""
        try:
            message = worker.connection.recv()
        except (EOFError, OSError):
            self._retire(worker)
            return
        kind = message[0]
        if kind == "ready":
            worker.ready = True
            self.start_failures = 0
        elif kind == "failed":
            raise LettersError(message[1], message[2])
        elif kind == "done":
            number, task = worker.in_flight.popleft()
            assert number == message[1]
            self.on_result(number, task, message[2])

    def _stop(self, worker: _Worker[T]) -> None:
        if not worker.stopping:
            worker.stopping = True
            with contextlib.suppress(OSError):
                worker.connection.send(None)

    # ------------------------------------------------------------ the loop

    def _next(self, tasks: Iterator[tuple[int, T]]) -> tuple[int, T] | None:
        if self.retry:
            return self.retry.popleft()
        return next(tasks, None)

    def _dispatch(self, tasks: Iterator[tuple[int, T]]) -> bool:
        """Give tasks to ready workers with room; False once there are no more tasks."""
        more = True
        for worker in self.workers:
            while (
                more
                and worker.ready
                and not worker.stopping
                and len(worker.in_flight) < self.settings.depth
            ):
                item = self._next(tasks)
                if item is None:
                    more = False
                    break
                worker.connection.send(item)
                worker.in_flight.append(item)
                worker.sent += 1
                if worker.sent >= self.settings.tasks_per_worker:
                    self._stop(worker)  # finishes what it has, then exits; replaced below
        return more

    def _wait(self) -> None:
        """Wait for a message or a process ending, and handle whatever happened."""
        by_handle: dict[Any, _Worker[T]] = {}
        for worker in self.workers:
            by_handle[worker.connection] = worker
            by_handle[worker.process.sentinel] = worker
        for handle in wait(list(by_handle)):
            worker = by_handle[handle]
            # Read everything it sent before it ended; a closed pipe retires it.
            while worker in self.workers and worker.connection.poll():
                self._receive(worker)
            if worker in self.workers and not worker.process.is_alive():
                self._retire(worker)

    def run(self, tasks: Iterator[tuple[int, T]]) -> None:
        """Process every (number, task) pair; numbers identify tasks across retries."""
        more = True
        try:
            while True:
                if more or self.retry:
                    while len(self.workers) < self.settings.jobs:
                        self._start_worker()
                if not self._dispatch(tasks):
                    more = False
                busy = any(w.in_flight for w in self.workers)
                if not more and not self.retry and not busy:
                    break
                self._wait()
        except KeyboardInterrupt:
            self._drain()
            raise
        finally:
            self._shutdown()

    def _drain(self) -> None:
        """After Ctrl-C: collect the letters being finished; a second Ctrl-C stops waiting."""
        with contextlib.suppress(KeyboardInterrupt):
            for worker in self.workers:
                self._stop(worker)
            while any(w.in_flight for w in self.workers):
                self._wait()

    def _shutdown(self) -> None:
        for worker in self.workers:
            self._stop(worker)
        deadline = time.monotonic() + 5
        for worker in self.workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.terminate()
                worker.process.join()
            worker.connection.close()
        self.workers.clear()


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
