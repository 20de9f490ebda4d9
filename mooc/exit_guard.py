"""An extern must not end mooc: while one runs, ``os._exit`` called from its thread raises
:class:`ExternExited` instead, so its point fails and the run goes on (``sys.exit`` raises
SystemExit, which the caller catches)."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any


class ExternExited(Exception):
    """An extern called ``os._exit``: its point fails; the process goes on."""


class _ExitGuard:
    """``os._exit`` replaced while some extern runs: called from a guarded thread of this
    process it raises; any other caller (another thread, a process forked meanwhile) gets the
    real ``os._exit``."""

    lock = threading.Lock()
    active = 0
    real: Callable[[int], Any] = os._exit
    local = threading.local()

    @classmethod
    def exit(cls, code: int) -> None:
        if getattr(cls.local, "pid", None) == os.getpid():
            raise ExternExited(f"the extern called os._exit({code})")
        cls.real(code)


@contextlib.contextmanager
def exits_refused() -> Iterator[None]:
    """Meanwhile, ``os._exit`` in this thread raises :class:`ExternExited`."""
    guard = _ExitGuard
    with guard.lock:
        if guard.active == 0:
            guard.real = os._exit
            os._exit = guard.exit  # type: ignore[assignment]
        guard.active += 1
    outer, guard.local.pid = getattr(guard.local, "pid", None), os.getpid()
    try:
        yield
    finally:
        guard.local.pid = outer
        with guard.lock:
            guard.active -= 1
            if guard.active == 0:
                os._exit = guard.real  # type: ignore[assignment]
