"""The code an extern runs is the code its model names, as it is: each model gets the module
file of its own folder, a model loaded again after an edit runs the new code, every worker
runs the code the main process loaded, and a resume refuses code changed since its checkpoint
(see mooc/extern_code.py)."""

from __future__ import annotations

import hashlib
import multiprocessing
import pickle
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import mooc
from mooc.cli import main
from mooc.errors import MooWarning, UsageError
from mooc.extern_calls import call_point, load_function
from mooc.solver.checkpoint import load_checkpoint, save_checkpoint

# a module name no other test imports: an imported module stays in sys.modules
MODULE = '''
class Values(dict):
    """A result of the module's own type: pickled back from workers by its module's name."""

def evaluate(x):
    return Values(a=x + {offset}, b=1 - x)
'''

MODEL = '''
var x in [0, 1]
extern sim(x) = python "{module}:evaluate" returns {{a, b}} {options}
minimize a: sim.a
minimize b: sim.b
'''

PROGRAM = '''
import json, sys
x = json.load(sys.stdin)["x"]
print(json.dumps([x + {offset}, 1 - x]))
'''


def _model(folder: Path, offset: float, options: str = "", module: str = "twinsim") -> Path:
    folder.mkdir(exist_ok=True)
    (folder / f"{module}.py").write_text(MODULE.format(offset=offset))
    path = folder / "twin.moo"
    path.write_text(MODEL.format(options=options, module=module))
    return path


def _a(problem: mooc.Problem, x: float = 0.5) -> float:
    return float(problem.evaluate(np.array([[x]])).F[0, 0])


def test_each_model_gets_the_module_of_its_own_folder(tmp_path) -> None:
    first = mooc.load(_model(tmp_path / "one", 10), allow_extern=True)
    second = mooc.load(_model(tmp_path / "two", 20), allow_extern=True)
    assert _a(first) == 10.5
    assert _a(second) == 20.5
    assert _a(first) == 10.5
    assert load_function(second.externs[0]).__module__.startswith("twinsim__mooc_")


def test_a_model_loaded_again_after_an_edit_runs_the_new_code(tmp_path) -> None:
    path = _model(tmp_path, 1)
    before = mooc.load(path, allow_extern=True)
    assert _a(before) == 1.5
    (tmp_path / "twinsim.py").write_text(MODULE.format(offset=2))
    assert _a(mooc.load(path, allow_extern=True)) == 2.5
    assert _a(before) == 1.5  # a problem keeps the code it loaded


def test_a_file_edited_after_the_load_is_refused_before_the_run(tmp_path) -> None:
    path = _model(tmp_path, 1)
    problem = mooc.load(path, allow_extern=True)
    (tmp_path / "twinsim.py").write_text(MODULE.format(offset=2))
    with pytest.raises(mooc.MooError) as caught:
        problem.solve(population=8, generations=1)
    assert str(caught.value).splitlines()[0] == (
        f"{path}:3:1: error: extern 'sim' cannot load 'twinsim:evaluate': CodeChanged: "
        f"'{tmp_path / 'twinsim.py'}' changed since the model was loaded; load the model again "
        "to run the new code")


@pytest.mark.parametrize("spread", [{"workers": 2}, {"workers": 2, "options": "timeout 20"},
                                    {"dask": "local:2"}], ids=["pool", "timed", "dask"])
def test_workers_run_the_code_the_model_loaded(tmp_path, spread) -> None:
    spread = dict(spread)
    if "dask" in spread:
        pytest.importorskip("dask.distributed", reason="the test extra installs dask")
    options = spread.pop("options", "")
    assert _a(mooc.load(_model(tmp_path / "one", 10, options), allow_extern=True)) == 10.5
    second = mooc.load(_model(tmp_path / "two", 20, options), allow_extern=True)
    result = second.solve(population=8, generations=1, seed=1, **spread)
    assert len(result.failures) == 0
    np.testing.assert_allclose(result.F[:, 0], result.X[:, 0] + 20)


def test_a_spawned_worker_runs_the_loaded_code_or_refuses_a_changed_file(tmp_path) -> None:
    problem = mooc.load(_model(tmp_path, 10), allow_extern=True)
    (spec,) = problem.externs
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=spawn) as pool:
        assert pool.submit(call_point, spec, {"x": 0.5}).result() == ([10.5, 0.5], "")
    (tmp_path / "twinsim.py").write_text(MODULE.format(offset=30))
    with ProcessPoolExecutor(1, mp_context=spawn) as pool:
        values, reason = pool.submit(call_point, spec, {"x": 0.5}).result()
    assert values is None
    assert reason == (f"CodeChanged: '{tmp_path / 'twinsim.py'}' changed since the model was "
                      "loaded; load the model again to run the new code")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _checkpoint(model: Path) -> str:
    checkpoint = str(model.parent / "run.ckpt")
    mooc.load(model, allow_extern=True).solve(population=8, generations=1, seed=1,
                                              checkpoint=checkpoint)
    return checkpoint


def test_a_resume_refuses_a_module_changed_since_the_checkpoint(tmp_path, capsys) -> None:
    module = tmp_path / "twinsim.py"
    checkpoint = _checkpoint(_model(tmp_path, 1))
    old, original = _sha(module), module.read_text()
    module.write_text(MODULE.format(offset=2))
    _refused_until_restored(checkpoint, capsys, f"runs '{module}'", old, module, original)


def _refused_until_restored(checkpoint: str, capsys: Any, how: str, old: str, changed: Path,
                            original: str) -> None:
    """A resume from ``checkpoint`` is refused, naming ``changed`` (``how`` the extern uses
    it), on the command line and in Python, and goes on once the file is as it was."""
    expected = (f"cannot resume from '{checkpoint}': extern 'sim' {how}, which "
                f"changed since the checkpoint (sha256 {old}, now {_sha(changed)}); the calls "
                "the checkpoint holds were made by the old code. Restore the file as it was to "
                "resume, or start the run afresh (without --resume)")
    assert main(["solve", "--resume", checkpoint, "--allow-extern", "--quiet"]) == 2
    assert capsys.readouterr().err == f"error: {expected}\n"
    with pytest.raises(UsageError) as caught:
        mooc.resume(checkpoint, allow_extern=True)
    assert caught.value.message == expected
    changed.write_text(original)
    assert mooc.resume(checkpoint, allow_extern=True, generations=2).n_generations == 2


def test_a_resume_refuses_a_program_changed_since_the_checkpoint(tmp_path, capsys) -> None:
    program = tmp_path / "prog.py"
    program.write_text(PROGRAM.format(offset=1))
    model = tmp_path / "prog.moo"
    model.write_text(MODEL.replace('python "{module}:evaluate"', f'program "{sys.executable} '
                                   'prog.py"').format(options=""))
    checkpoint = _checkpoint(model)
    old = _sha(program)
    program.write_text(PROGRAM.format(offset=2))
    assert main(["solve", "--resume", checkpoint, "--allow-extern", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err == (f"error: cannot resume from '{checkpoint}': extern 'sim' runs '{program}', "
                   f"which changed since the checkpoint (sha256 {old}, now {_sha(program)}); "
                   "the calls the checkpoint holds were made by the old code. Restore the file "
                   "as it was to resume, or start the run afresh (without --resume)\n")


def _as_older_mooc_saved_it(checkpoint: str) -> None:
    state, extra = load_checkpoint(checkpoint)
    del extra["code"]
    save_checkpoint(checkpoint, state, extra)


def test_an_older_checkpoint_without_the_code_resumes_with_a_warning(tmp_path, capsys) -> None:
    module = tmp_path / "twinsim.py"
    checkpoint = _checkpoint(_model(tmp_path, 1))
    warning = (f"the checkpoint '{checkpoint}' was saved by an older mooc, which did not "
               f"record the externs' code: a change to '{module}' since then cannot be "
               "noticed, and the finished calls are answered from the checkpoint")
    _as_older_mooc_saved_it(checkpoint)
    with pytest.warns(MooWarning) as warned:
        mooc.resume(checkpoint, allow_extern=True)
    assert [str(w.message) for w in warned] == [warning]
    _as_older_mooc_saved_it(checkpoint)
    assert main(["solve", "--resume", checkpoint, "--allow-extern", "--quiet"]) == 0
    assert capsys.readouterr().err.count(f"warning: {warning}\n") == 1
    # the resumed run saved the checkpoint again, with its code: checked from now on
    module.write_text(MODULE.format(offset=2))
    with pytest.raises(UsageError, match="which changed since the checkpoint"):
        mooc.resume(checkpoint, allow_extern=True)


def test_a_lone_module_keeps_its_name_so_other_processes_find_its_functions(tmp_path) -> None:
    problem = mooc.load(_model(tmp_path / "lone", 5, module="lonesim"), allow_extern=True)
    function = load_function(problem.externs[0])
    assert function.__module__ == "lonesim"  # unless another model's module has the name
    # a process the extern starts itself (a spawned pool) is given its functions by name
    child = subprocess.run([sys.executable, "-c", "import pickle, sys; "
                            "print(pickle.loads(sys.stdin.buffer.read())(x=0.5))"],
                           input=pickle.dumps(function), capture_output=True,
                           cwd=tmp_path / "lone", timeout=60)
    assert child.stdout.decode().strip() == "{'a': 5.5, 'b': 0.5}", child.stderr


HELPED = '''
import colorsys
import importlib
{imports}

def evaluate(x):
    {lazy}
    return [x + {call}, 1 - x]
'''

#: How the extern module reaches a helper of the model's folder: (its imports, an import
#: inside the function, the call, the helper files it writes).
HELPERS = {
    "import": ("import {m}_helper", "", "{m}_helper.offset()",
               {"{m}_helper.py": "def offset():\n    return {offset}\n"}),
    "from_package": ("from {m}_tools import shift", "", "shift.offset()",
                     {"{m}_tools/__init__.py": "", "{m}_tools/shift.py":
                      "def offset():\n    return {offset}\n"}),
    "lazy": ("", "import {m}_helper", "{m}_helper.offset()",
             {"{m}_helper.py": "def offset():\n    return {offset}\n"}),
    "import_module": ("", "helper = importlib.import_module('{m}_helper')", "helper.offset()",
                      {"{m}_helper.py": "def offset():\n    return {offset}\n"}),
    "through_another": ("import {m}_helper", "", "{m}_helper.offset()",
                        {"{m}_helper.py": "from {m}_deep import offset\n",
                         "{m}_deep.py": "def offset():\n    return {offset}\n"}),
}


def _helped_model(folder: Path, how: str, offset: float) -> tuple[Path, Path]:
    """A model whose extern module reaches its value through a helper module; the helper file
    that holds the value."""
    imports, lazy, call, files = HELPERS[how]
    m = f"helped_{how}"  # names no other test imports: an imported module stays imported
    (folder / f"{m}.py").write_text(HELPED.format(imports=imports.format(m=m),
                                                  lazy=lazy.format(m=m) or "pass",
                                                  call=call.format(m=m)))
    for name, text in files.items():
        path = folder / name.format(m=m)
        path.parent.mkdir(exist_ok=True)
        path.write_text(text.format(offset=offset, m=m))
    model = folder / "helped.moo"
    model.write_text(MODEL.format(options="", module=m))
    return model, (folder / list(files)[-1].format(m=m)).resolve()


@pytest.mark.parametrize("how", sorted(HELPERS))
def test_a_resume_refuses_a_module_the_extern_imports_changed_since(tmp_path, capsys, how):
    model, helper = _helped_model(tmp_path, how, 1)
    assert _a(mooc.load(model, allow_extern=True)) == 1.5
    checkpoint = _checkpoint(model)
    old, original = _sha(helper), helper.read_text()
    helper.write_text(original.replace("return 1", "return 2"))
    _refused_until_restored(checkpoint, capsys, f"imports '{helper}'", old, helper, original)


def test_a_resume_refuses_a_helper_gone_or_new(tmp_path) -> None:
    model, helper = _helped_model(tmp_path, "import", 1)
    checkpoint = _checkpoint(model)
    helper.rename(tmp_path / "elsewhere.py")
    with pytest.raises(UsageError, match=f"extern 'sim' imported '{helper}' when the checkpoint "
                                         "was saved, and now does not"):
        mooc.resume(checkpoint, allow_extern=True)
    (tmp_path / "elsewhere.py").rename(helper)
    shadow = tmp_path / "colorsys.py"  # now found in the model's folder before the library's
    shadow.write_text("")
    with pytest.raises(UsageError, match=f"extern 'sim' now imports '{shadow}', which it did "
                                         "not when the checkpoint was saved"):
        mooc.resume(checkpoint, allow_extern=True)
    shadow.unlink()  # the folder stays on sys.path: no other test is to import it


def test_a_python_script_a_program_runs_is_followed_into_its_imports(tmp_path) -> None:
    (tmp_path / "proghelper.py").write_text("OFFSET = 1\n")
    (tmp_path / "prog.py").write_text("import proghelper\n" + PROGRAM.replace(
        "{offset}", "proghelper.OFFSET"))
    model = tmp_path / "prog.moo"
    model.write_text(MODEL.replace('python "{module}:evaluate"', f'program "{sys.executable} '
                                   'prog.py"').format(options=""))
    checkpoint = _checkpoint(model)
    (tmp_path / "proghelper.py").write_text("OFFSET = 2\n")
    with pytest.raises(UsageError, match=f"extern 'sim' imports '{tmp_path / 'proghelper.py'}', "
                                         "which changed since the checkpoint"):
        mooc.resume(checkpoint, allow_extern=True)


def test_an_older_checkpoint_without_the_imports_resumes_with_a_warning(tmp_path) -> None:
    model, helper = _helped_model(tmp_path, "import", 1)
    checkpoint = _checkpoint(model)
    state, extra = load_checkpoint(checkpoint)
    del extra["imported"]
    save_checkpoint(checkpoint, state, extra)
    with pytest.warns(MooWarning) as warned:
        mooc.resume(checkpoint, allow_extern=True)
    assert [str(w.message) for w in warned] == [
        f"the checkpoint '{checkpoint}' was saved by an older mooc, which did not record the "
        f"modules the externs import: a change to '{helper}' since then cannot be noticed, and "
        "the finished calls are answered from the checkpoint"]
