"""Two runs on one checkpoint, with real processes: the second is refused at its start (the
command line and the API alike), the lock goes with the first run's end however it ends, and no
lock file is left behind by a run that ends."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import mooc
from mooc.checkpoint_lock import CheckpointLock

ROOT = Path(__file__).parents[2]
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and locks")
MODEL = "var x[1..4] in [0, 1]\nminimize f: x[1]\nminimize g: 1 - x[1] + sum(x[i]^2 for i in 2..4)\n"


@pytest.fixture
def first_run(tmp_path):
    """A run writing ``run.ckpt`` (saved after every generation) until it is stopped."""
    model, checkpoint = tmp_path / "m.moo", tmp_path / "run.ckpt"
    model.write_text(MODEL)
    command = [sys.executable, "-m", "mooc", "solve", str(model), "--population", "8",
               "--generations", "10000000", "--timeout", "60", "--quiet",
               "--checkpoint", str(checkpoint), "--checkpoint-every", "0"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not checkpoint.exists():  # its first generation is saved: it holds the lock
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the first run saved no checkpoint"
            time.sleep(0.05)
        yield process, command, model, checkpoint
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()


def test_a_second_run_on_the_same_checkpoint_is_refused_at_its_start(first_run):
    process, command, model, checkpoint = first_run
    second = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    written = (f"the checkpoint '{checkpoint}' is being written by another run (in this "
               "process or another): two runs must not share a checkpoint")
    assert second.returncode == 2
    assert second.stderr.startswith(f"error: {written}") and "Traceback" not in second.stderr
    resume = subprocess.run([sys.executable, "-m", "mooc", "solve", "--resume", str(checkpoint)],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert resume.returncode == 2 and f"error: cannot resume: {written}" in resume.stderr
    problem = mooc.load(model)
    with pytest.raises(mooc.MooError, match="is being written by another run"):
        problem.solve(checkpoint=checkpoint, population=8, generations=2)
    with pytest.raises(mooc.MooError, match="cannot resume: the checkpoint"):
        mooc.resume(checkpoint)
    with pytest.raises(mooc.MooError, match="is being written by another run"):
        problem.optimizer(checkpoint=checkpoint)
    assert process.poll() is None  # the first run goes on, its checkpoint its own
    process.send_signal(signal.SIGTERM)  # stops after saving, and lets go of the file
    assert process.wait(timeout=30) == 143
    assert not (checkpoint.parent / ".run.ckpt.lock").exists()
    result = mooc.resume(checkpoint, generations=_generations(checkpoint) + 1)
    assert result.stop_reason == "generations"
    assert sorted(p.name for p in checkpoint.parent.iterdir()) == ["m.moo", "run.ckpt"]


def _generations(checkpoint: Path) -> int:
    from mooc.checkpoint import read_checkpoint

    state = read_checkpoint(checkpoint).state
    assert state is not None
    return state.generation


def test_a_killed_run_leaves_no_lock(first_run):
    process, command, model, checkpoint = first_run
    process.kill()  # no chance to clean up: its lock file stays, but no lock
    process.wait(timeout=30)
    assert (checkpoint.parent / ".run.ckpt.lock").exists()
    result = mooc.load(model).solve(checkpoint=checkpoint, population=8, generations=2)
    assert result.n_generations == 2
    assert not (checkpoint.parent / ".run.ckpt.lock").exists()


def test_a_lock_file_removed_under_a_starting_run_is_not_shared(tmp_path, monkeypatch):
    """A run that opened the lock file just before its holder ended (removing it) locks the
    removed file: it must notice, and lock the file that is there now."""
    from mooc import checkpoint_lock

    path = tmp_path / "run.ckpt"
    holder = CheckpointLock(path)
    try_lock = checkpoint_lock._try_lock

    def holder_ends_meanwhile(stream):
        holder.release()
        return try_lock(stream)

    monkeypatch.setattr(checkpoint_lock, "_try_lock", holder_ends_meanwhile)
    starting = CheckpointLock(path)
    monkeypatch.setattr(checkpoint_lock, "_try_lock", try_lock)
    assert starting.path.exists()
    with pytest.raises(mooc.MooError, match="is being written by another run"):
        CheckpointLock(path)
    starting.release()
    assert list(tmp_path.iterdir()) == []
