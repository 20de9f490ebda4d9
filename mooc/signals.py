"""How the command meets the outside world stopping it: SIGTERM is taken as Ctrl-C (the run
stops at its last finished generation, its outputs and checkpoint are written), and a reader
that closes the pipe (``mooc show zdt1 | head -1``) ends what goes to that stream, nothing
else.

Exit codes follow the shell's 128 + signal: 130 after Ctrl-C (SIGINT), 143 after SIGTERM.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from typing import Any, TextIO

#: Exit code after Ctrl-C, and after SIGTERM.
INTERRUPTED, TERMINATED = 130, 143


class Stopping:
    """Which signal stopped the command, if any."""

    terminated = False

    @classmethod
    def exit_code(cls) -> int:
        """The exit code of a command stopped by KeyboardInterrupt."""
        return TERMINATED if cls.terminated else INTERRUPTED

    @classmethod
    def word(cls) -> str:
        return "terminated" if cls.terminated else "interrupted"


def caused_by_interrupt(error: BaseException) -> bool:
    """Whether ``error`` may be Ctrl-C's doing: it is, or came from, a KeyboardInterrupt, or
    Ctrl-C reached the command (an import that Ctrl-C broke raises ImportError)."""
    import mooc

    cause: BaseException | None = error
    for _ in range(8):
        if cause is None or isinstance(cause, KeyboardInterrupt):
            break
        cause = cause.__cause__ or cause.__context__
    return isinstance(cause, KeyboardInterrupt) or mooc._interrupted


class Terminated(KeyboardInterrupt):
    """What SIGTERM raises: every ``except KeyboardInterrupt`` takes it as Ctrl-C.

    Not KeyboardInterrupt itself, because CPython remembers a KeyboardInterrupt (that exact
    class) leaving any ``exec`` or ``eval`` of a string (namedtuple and dataclass make their
    methods so), even when the caller catches it; ``python -m mooc`` then ends by SIGINT
    after the command has returned 143. A subclass is not remembered."""


def _terminate_as_interrupt(signum: int, frame: Any) -> None:
    Stopping.terminated = True
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends the process at once
    raise Terminated


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Meanwhile, SIGTERM raises :class:`Terminated`, a KeyboardInterrupt, in the main thread
    (as Ctrl-C does), and :class:`Stopping` remembers it. Nothing changes outside the main
    thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate_as_interrupt)
    try:
        yield
    finally:
        if signal.getsignal(signal.SIGTERM) is _terminate_as_interrupt:
            signal.signal(signal.SIGTERM, previous)


def silence(stream: TextIO) -> None:
    """Send whatever else is written to ``stream`` (whose reader has gone) nowhere, so neither
    later writes nor the flush at exit fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # not a real file (a test's capture): nothing to redirect
        pass


class GuardedStream:
    """A text stream whose writes stop, silently, once its reader has gone (the progress
    display writes through one, so a closed stderr never stops a run)."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.closed = False

    def write(self, text: str) -> int:
        if self.closed:
            return len(text)
        try:
            return self.stream.write(text)
        except (OSError, ValueError):
            self._close()
            return len(text)

    def flush(self) -> None:
        if not self.closed:
            try:
                self.stream.flush()
            except (OSError, ValueError):
                self._close()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def _close(self) -> None:
        self.closed = True
        silence(self.stream)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)
