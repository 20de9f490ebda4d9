"""moocore imported without its dataset downloader, and whole again on first use of the rest."""

import subprocess
import sys
import textwrap

import numpy as np

from mooc.solver.moocore_import import CORE_NAMES, import_moocore


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_solve_loads_no_downloader_and_moocore_is_whole_afterwards():
    out = _run("""
        import sys
        import numpy as np
        from mooc.solver import FunctionProblem, nsga2
        problem = FunctionProblem(lambda X: np.c_[X[:, 0], 1 - X[:, 0] ** 0.5],
                                  lower=[0.0], upper=[1.0], n_obj=2)
        nsga2(problem, population=20, generations=5, seed=0)
        print("before", "urllib.request" in sys.modules, "importlib.metadata" in sys.modules)
        import moocore
        print("version", moocore.__version__)
        print("dataset", moocore.get_dataset("input1.dat").shape[1])
        print("all", all(hasattr(moocore, name) for name in moocore.__all__))
        print("after", "urllib.request" in sys.modules)
    """).split("\n")
    assert out[0] == "before False False"
    assert out[1].startswith("version 0.") or out[1].startswith("version ")
    assert out[2] == "dataset 3"
    assert out[3:5] == ["all True", "after True"]


def test_the_lean_package_is_the_one_a_plain_import_gives():
    out = _run("""
        from mooc.solver.moocore_import import import_moocore
        lean = import_moocore()
        import moocore, moocore._moocore as core
        print(lean is moocore, moocore.pareto_rank is core.pareto_rank)
        try:
            moocore.no_such_name
        except AttributeError as error:
            print(error)
    """).split("\n")
    assert out[0] == "True True"
    assert out[1] == "module 'moocore' has no attribute 'no_such_name'"


def test_an_imported_moocore_is_used_as_it_is():
    out = _run("""
        import moocore
        from mooc.solver.moocore_import import import_moocore
        print(import_moocore() is moocore)
    """)
    assert out.strip() == "True"


def test_a_package_of_another_layout_is_imported_the_plain_way():
    out = _run("""
        import sys
        from mooc.solver.moocore_import import import_moocore
        package = import_moocore("xmlrpc")  # a package without _moocore
        import xmlrpc.client
        print(package is sys.modules["xmlrpc"], "__getattr__" in vars(package),
              "xmlrpc._moocore" in sys.modules)
    """)
    assert out.strip() == "True False False"


def test_the_core_names_exist_and_work():
    moocore = import_moocore()
    for name in CORE_NAMES:
        assert callable(getattr(moocore, name))
    assert moocore.pareto_rank(np.array([[1.0, 2.0], [2.0, 3.0]])).tolist() == [0, 1]
