"""extern: refused unless allowed, failures recorded without stopping the run, the same front
serially, over local worker processes and over a Dask LocalCluster on loopback."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import mooc
from mooc.cli import main
from mooc.externs import ExternNotAllowed

MODULE = '''
import math, time

def evaluate(depth, rate, kind):
    if depth == 4:
        raise ValueError("depth 4 is not supported")
    if kind == "slow" and rate > 0.0999:
        time.sleep(30)
    if kind == "odd" and depth == 2 and rate < 0.001:
        return {"loss": "not a number", "cost": 1}
    loss = 1 / depth + abs(math.log10(rate) + 2) / 4
    return {"loss": loss, "cost": depth * (2 if kind == "fast" else 1)}

def batch(depth, rate, kind):
    return {"loss": 1 / depth + np.abs(np.log10(rate) + 2) / 4, "cost": depth * 1.0}

import numpy as np
'''

MODEL = '''
var depth int in [1, 5]
var rate in [1e-4, 1e-1] log
var kind choice {{fast, slow, odd}}
extern net(depth, rate, kind) = python "netlib:{function}" returns {{loss, cost}} {options}
minimize loss: net.loss
minimize cost: net.cost
'''


def _model(folder: Path, function: str = "evaluate", options: str = "timeout 2") -> Path:
    (folder / "netlib.py").write_text(textwrap.dedent(MODULE))
    path = folder / "net.moo"
    path.write_text(MODEL.format(function=function, options=options))
    return path


def test_an_extern_is_refused_unless_allowed(tmp_path, capsys) -> None:
    path = _model(tmp_path)
    with pytest.raises(ExternNotAllowed) as caught:
        mooc.load(path).solve(population=8, generations=1)
    message = str(caught.value)
    assert "extern 'net'" in message and "--allow-extern" in message
    assert "allow_extern=True" in message and f"{path}:5:1" in message
    assert main(["solve", str(path), "--population", "8"]) == 2
    err = capsys.readouterr().err
    assert "--allow-extern" in err and "Traceback" not in err
    assert not (tmp_path / "__pycache__").exists()  # the module was never imported


def test_failing_calls_are_recorded_and_the_run_goes_on(tmp_path) -> None:
    problem = mooc.load(_model(tmp_path, options="timeout 1"), allow_extern=True)
    X = np.array([[4, 0.01, 0], [1, 0.1, 1], [2, 0.0005, 2], [1, 0.01, 0]])
    evaluation = problem.evaluate(X)
    assert np.isnan(evaluation.F[:3]).all() and np.isfinite(evaluation.F[3]).all()
    reasons = [f.reason for f in problem.extern_runner.failures]
    assert reasons[0] == "ValueError: depth 4 is not supported"
    assert reasons[1] == "timed out after 1 s"
    assert reasons[2].startswith("ValueError: expected numbers")
    assert problem.extern_runner.failures[0].point == {"depth": 4, "rate": 0.01, "kind": "fast"}
    result = problem.solve(population=10, generations=3, seed=2)
    assert np.isfinite(result.F).all()  # failed points are worst: never in the front
    assert len(result.failures) > 0 and "evaluations failed" in result.message
    document = json.loads(result.to_json())
    assert len(document["failures"]) == len(result.failures)


def test_a_failing_program_is_recorded(tmp_path) -> None:
    program = tmp_path / "sim.py"
    program.write_text("import json, sys\npoint = json.load(sys.stdin)\n"
                       "if point['x'] < 0.2: sys.exit(3)\n"
                       "print(json.dumps({'f': point['x'], 'g': (1 - point['x']) ** 2}))\n")
    model = tmp_path / "prog.moo"
    model.write_text(f'var x in [0, 1]\nextern sim(x) = program "{sys.executable} sim.py" '
                     'returns {f, g} timeout 10\nminimize f: sim.f\nminimize g: sim.g\n')
    problem = mooc.load(model, allow_extern=True)
    F = problem.evaluate([[0.1], [0.5]]).F
    assert np.isnan(F[0]).all() and F[1].tolist() == [0.5, 0.25]
    assert problem.extern_runner.failures[0].reason == "RuntimeError: exit code 3"


def _front(problem: mooc.Problem, **options) -> np.ndarray:
    return problem.solve(population=12, generations=3, seed=7, **options).F


def test_the_same_front_serially_with_workers_and_with_dask(tmp_path) -> None:
    pytest.importorskip("dask.distributed", reason="the test extra installs dask")
    problem = mooc.load(_model(tmp_path, options=""), allow_extern=True)
    serial = _front(problem)
    assert np.array_equal(serial, _front(problem, workers=2))
    assert np.array_equal(serial, _front(problem, dask="local:2"))


def test_a_local_dask_cluster_starts_when_another_process_holds_port_8787(tmp_path) -> None:
    # the scheduler's HTTP server took Dask's default port 8787 and, finding it held (another
    # cluster, a leftover of an earlier one), warned and moved: a warning the test suite
    # takes for an error, and a line of Dask's on the user's screen
    pytest.importorskip("dask.distributed", reason="the test extra installs dask")
    import socket

    problem = mooc.load(_model(tmp_path, options=""), allow_extern=True)
    with socket.socket() as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            holder.bind(("0.0.0.0", 8787))
            holder.listen()
        except OSError:  # held already: the case itself
            pass
        assert np.array_equal(_front(problem), _front(problem, dask="local:1"))


def test_a_vectorized_extern_gets_whole_arrays(tmp_path) -> None:
    problem = mooc.load(_model(tmp_path, "batch", "vectorized"), allow_extern=True)
    F = problem.evaluate([[1, 0.01, 0], [2, 0.1, 1]]).F
    assert np.allclose(F, [[1.0, 1.0], [0.75, 2.0]])
    assert problem.extern_runner.calls == 1


def test_extern_declaration_errors(tmp_path) -> None:
    with pytest.raises(mooc.MooError, match="returns no 'acuracy'; did you mean 'accuracy'"):
        mooc.compile('var x in [0, 1]\nextern n(x) = python "m:f" returns {accuracy}\n'
                     'minimize f: n.acuracy')
    with pytest.raises(mooc.MooError, match="names 'module:function'"):
        mooc.compile('var x in [0, 1]\nextern n(x) = python "m" returns {a}\nminimize f: n.a')
    with pytest.raises(mooc.MooError, match="say what 'n' returns"):
        mooc.compile('var x in [0, 1]\nextern n(x) = python "m:f"\nminimize f: x')


def test_a_dask_address_that_does_not_work_is_a_clear_error(tmp_path, capsys) -> None:
    pytest.importorskip("dask.distributed", reason="the test extra installs dask")
    path = _model(tmp_path, options="")
    with pytest.raises(mooc.MooError, match="cannot connect to a Dask scheduler at 'nowhere': "
                                            "missing port number"):
        mooc.load(path, allow_extern=True).solve(population=8, generations=1, dask="nowhere")
    assert main(["solve", str(path), "--allow-extern", "--population", "8",
                 "--dask", "nowhere"]) == 2
    err = capsys.readouterr().err
    assert "cannot connect to a Dask scheduler" in err and "Traceback" not in err


@pytest.mark.parametrize(("module", "target", "reason"), [
    ("def evaluate(x:\n", "synlib:evaluate", "SyntaxError: '(' was never closed"),
    ("", "nolib:evaluate", "ModuleNotFoundError: No module named 'nolib'"),
    ("import sys\nsys.exit(2)\n", "exitlib:evaluate", "the extern called sys.exit(2)"),
    ("", "emptylib:evaluat", "AttributeError: module 'emptylib' has no attribute 'evaluat'"),
])
def test_an_extern_that_cannot_be_loaded_stops_the_run_before_it_starts(
        tmp_path, capsys, module, target, reason) -> None:
    # module names no other test imports: an imported module stays in sys.modules
    (tmp_path / f"{target.partition(':')[0]}.py").write_text(module)
    (tmp_path / "nolib.py").unlink(missing_ok=True)
    path = tmp_path / "net.moo"
    path.write_text(MODEL.format(function="x", options="").replace("netlib:x", target))
    with pytest.raises(mooc.MooError) as caught:
        mooc.load(path, allow_extern=True).solve(population=8, generations=1)
    assert str(caught.value).startswith(f"{path}:5:1: error: extern 'net' cannot load "
                                        f"'{target}': {reason}")
    assert main(["solve", str(path), "--allow-extern", "--population", "8"]) == 2
    err = capsys.readouterr().err
    assert "cannot load" in err and "Traceback" not in err
