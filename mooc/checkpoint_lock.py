"""One run at a time writes a checkpoint: an advisory lock, held for the run's life, on a
hidden lock file next to the checkpoint (``.run.ckpt.lock``).

A checkpoint is written by replacing the file (see :func:`mooc.solver.checkpoint.atomic_path`),
so the lock cannot be on the checkpoint itself. The lock is the operating system's
(``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows): it goes when the process ends, however
it ends, so a lock is never stale. The lock file is removed when the run releases it; one a
killed run leaves behind holds no lock and is reused. On POSIX it is removed while still
locked, and a run that locked a file so removed (it opened it just before) tries again with
the new one, so two runs never both hold the lock.

>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "run.ckpt")
>>> first = CheckpointLock(path)
>>> try:
...     CheckpointLock(path)
... except UsageError as error:
...     print(error.message.replace(path, "run.ckpt"))
the checkpoint 'run.ckpt' is being written by another run (in this process or another): ...
>>> first.release()
>>> CheckpointLock(path).release()
>>> os.listdir(os.path.dirname(path))
[]
"""

from __future__ import annotations

import contextlib
import errno
import os
import weakref
from pathlib import Path
from typing import IO, Any

from mooc.errors import UsageError

#: How often a run tries again when the lock file it locked was removed meanwhile.
_ATTEMPTS = 20

#: The open files whose lock this process holds (see :func:`keep_from_children`).
_LOCKED: weakref.WeakSet[IO[bytes]] = weakref.WeakSet()


def keep_from_children(stream: IO[bytes]) -> None:
    """Close ``stream`` in every process forked from now on. A lock of ``flock`` belongs to
    the open file, which a fork shares: a child that outlived its run (an extern's worker
    when the run was killed) would hold the lock on, and every resume would be refused."""
    _LOCKED.add(stream)


def _close_locked_files() -> None:
    """In a child just forked: close its copies of the locked files (the parent's keep
    their locks)."""
    for stream in list(_LOCKED):
        with contextlib.suppress(OSError, ValueError):
            stream.close()
    _LOCKED.clear()


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_close_locked_files)


class CheckpointLock:
    """The lock of the checkpoint ``path``, taken now (UsageError when another run holds it)
    and held until :meth:`release` (or the process's end). Nothing is locked when the lock
    file cannot be made (a folder that cannot be written): the checkpoint cannot be either."""

    def __init__(self, checkpoint: str | os.PathLike[str]):
        self.stream: IO[bytes] | None = None
        self.released = False  # by release(): the run no longer writes the checkpoint
        self.checkpoint = os.fspath(checkpoint)
        target = Path(checkpoint)
        self.path = target.parent / f".{target.name}.lock"
        for _ in range(_ATTEMPTS):
            try:
                stream = open(self.path, "a+b")  # noqa: SIM115 - held until release
            except OSError:
                return
            locked = _try_lock(stream)
            if locked is None:  # a file system without locks: nothing to hold
                stream.close()
                return
            if not locked:
                stream.close()
                raise UsageError(f"the checkpoint '{self.checkpoint}' is being written by "
                                 "another run (in this process or another): two runs must not "
                                 "share a checkpoint; wait for that run to end, or give this "
                                 "one another checkpoint file")
            if _still_there(stream, self.path):
                self.stream = stream
                keep_from_children(stream)
                return
            stream.close()  # removed by the run that held it: lock the new one

    def release(self) -> None:
        """Remove the lock file and unlock (at once: the end of the run)."""
        stream, self.stream = self.stream, None
        self.released = True
        if stream is None or stream.closed:  # closed: a forked child's copy, not its lock
            return
        if os.name != "nt":  # removed while locked: see the module
            with contextlib.suppress(OSError):
                self.path.unlink()
        stream.close()
        if os.name == "nt":  # Windows removes no open file; another run may hold it by now
            with contextlib.suppress(OSError):
                self.path.unlink()

    def __del__(self) -> None:
        self.release()


def check_not_being_written(checkpoint: str | os.PathLike[str]) -> None:
    """UsageError when another run holds the lock of ``checkpoint`` now (see the module)."""
    CheckpointLock(checkpoint).release()


def _try_lock(stream: IO[bytes]) -> bool | None:
    """Lock ``stream``'s file without waiting: True; False when another holds it; None when
    its file system locks nothing."""
    try:
        if os.name == "nt":
            import msvcrt

            stream.seek(0)
            msvcrt.locking(stream.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl

            fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        held = (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES, errno.EDEADLK)
        return False if error.errno in held else None
    return True


def _still_there(stream: IO[Any], path: Path) -> bool:
    """Whether ``path`` is still the file ``stream`` has open (not removed meanwhile)."""
    try:
        return os.path.samestat(os.fstat(stream.fileno()), os.stat(path))
    except OSError:
        return False
