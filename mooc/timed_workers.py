"""Worker processes for python externs with a time limit.

A call that may run over its time limit must run in another process, which can be killed.
Starting one per call costs about 10 ms; these workers are started once and reused call after
call: only a worker whose call ran over, or that died (a crash, ``os._exit`` from C code), is
killed and replaced. Each worker takes one call at a time, so a call that runs over fails only
its own point. Workers ignore Ctrl-C (the main process's to handle) and are stopped by
:meth:`TimedWorkers.close`.
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

#: A finished call: its raw result (True, value) or its failure (False, reason).
Reply = tuple[bool, Any]
#: What a worker runs: ``serve(connection)`` answers calls until the connection closes.
Serve = Callable[[Connection], None]


def _context() -> Any:
    """Fork where it exists (a worker starts with the extern's module already imported, in a
    millisecond), spawn elsewhere."""
    return multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")


@dataclass
class _Worker:
    """One worker process and its end of the pipe, with the call it runs (if any)."""

    process: Any
    connection: Connection
    key: str | None = None
    deadline: float = 0.0

    def stop(self) -> None:
        """Kill the process (whatever it is doing) and wait for it."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.connection.close()


class TimedWorkers:
    """Up to ``size`` worker processes running ``serve`` (see :func:`mooc.extern_calls.serve`)."""

    def __init__(self, size: int, serve: Serve):
        self.size = max(1, size)
        self.serve = serve
        self.idle: list[_Worker] = []

    def _start(self) -> _Worker:
        ours, theirs = _context().Pipe(duplex=True)
        process = _context().Process(target=self.serve, args=(theirs,), daemon=True)
        process.start()
        theirs.close()
        return _Worker(process, ours)

    def run(self, calls: dict[str, Any], limit: float) -> Iterator[tuple[str, Reply]]:
        """``(key, reply)`` of each call in ``calls`` (a key and what to send the worker), in
        the order they finish; a call still running ``limit`` seconds after it was sent is
        stopped, its worker replaced, and replies ``(False, None)``."""
        waiting = deque(calls.items())
        busy: dict[Any, _Worker] = {}  # by connection
        try:
            while waiting or busy:
                while waiting and len(busy) < self.size:
                    key, message = waiting.popleft()
                    worker = self.idle.pop() if self.idle else self._start()
                    worker.key, worker.deadline = key, time.monotonic() + limit
                    worker.connection.send(message)
                    busy[worker.connection] = worker
                soonest = min(worker.deadline for worker in busy.values())
                ready = wait(list(busy), timeout=max(0.0, soonest - time.monotonic()))
                for connection in ready:
                    worker = busy.pop(connection)
                    yield from self._answer(worker)
                now = time.monotonic()
                for connection, worker in list(busy.items()):
                    if worker.deadline > now:
                        continue
                    del busy[connection]
                    if connection.poll():  # it finished while the replies were handed out
                        yield from self._answer(worker)
                        continue
                    worker.stop()
                    assert worker.key is not None
                    yield worker.key, (False, None)
        finally:  # also on Ctrl-C, or when the caller stops early: no call outlives its run
            for worker in busy.values():
                worker.stop()

    def _answer(self, worker: _Worker) -> Iterator[tuple[str, Reply]]:
        """The reply of a worker whose connection is ready; a worker that died is dropped."""
        assert worker.key is not None
        try:
            reply: Reply = worker.connection.recv()
        except (EOFError, OSError):  # the process ended without a word
            worker.process.join(1.0)
            code = worker.process.exitcode
            worker.stop()
            yield worker.key, (False, f"the extern's process ended (exit code {code})")
            return
        self.idle.append(worker)
        yield worker.key, reply

    def close(self) -> None:
        """Stop every worker."""
        for worker in self.idle:
            worker.stop()
        self.idle = []
