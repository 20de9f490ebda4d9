"""mooc: multi-objective optimization from a model file.

>>> import mooc
>>> problem = mooc.compile("var x in [0, 1]\\nminimize f: x\\nminimize g: 1 - x")
>>> problem.objective_names
('f', 'g')
"""

from __future__ import annotations

import os
import sys

#: Set when Ctrl-C reached the command (Ctrl-C during an import can surface as an ImportError
#: that no longer says so: numpy's C extensions replace the KeyboardInterrupt).
_interrupted = False


def _on_interrupt(signum: int, frame: object) -> None:
    global _interrupted
    _interrupted = True
    raise KeyboardInterrupt


def _quiet_interrupt(kind: type[BaseException], value: BaseException, traceback: object) -> None:
    """Ctrl-C before the command's own handler is in place (while modules are still being
    imported) ends the command with a word, not a traceback; so does an import that Ctrl-C
    broke."""
    if not (_interrupted or issubclass(kind, KeyboardInterrupt)):
        sys.__excepthook__(kind, value, traceback)  # type: ignore[arg-type]
        return
    sys.stderr.write("interrupted\n")
    if not issubclass(kind, KeyboardInterrupt):  # else Python ends the process by SIGINT (130)
        sys.stderr.flush()
        os._exit(130)


def _interrupt_lost(unraisable: object) -> None:
    """Ctrl-C (or SIGTERM) that lands in code Python runs where an exception cannot go up --
    a weak reference's callback, a destructor: the import machinery's module locks have such a
    callback -- would be ignored, printed as a traceback, and the command would go on (a run
    of a million generations did). It is raised again in the main program, from a thread of
    its own: raised from here, it would land in this hook, where it is ignored too."""
    if issubclass(getattr(unraisable, "exc_type", type(None)), KeyboardInterrupt):
        import _thread

        _thread.start_new_thread(_thread.interrupt_main, ())
        return
    sys.__unraisablehook__(unraisable)  # type: ignore[arg-type]


# Only when running as the command (`python -m mooc` imports this package with argv[0] set to
# "-m"; the console script is named mooc): a library leaves the process's handlers alone.
_argv = getattr(sys, "argv", None) or [""]
if _argv[0] == "-m" or _argv[0].replace("\\", "/").rsplit("/", 1)[-1] in ("mooc", "mooc.exe"):
    sys.excepthook = _quiet_interrupt
    sys.unraisablehook = _interrupt_lost
    import signal

    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _on_interrupt)

from pathlib import Path  # noqa: E402 - after the hook, so an early Ctrl-C is caught
from typing import TYPE_CHECKING, Any  # noqa: E402

from mooc.errors import MooError  # noqa: E402

# In a source checkout the subpackages are the sibling folders dsl/, solver/ and stdlib/
# (installed, pyproject.toml maps them under mooc/). Let `python -m mooc` run from the
# checkout too, where the current folder's mooc/ comes first on sys.path.
_checkout = Path(__file__).resolve().parent.parent
if (_checkout / "pyproject.toml").is_file() and (_checkout / "dsl" / "grammar.lark").is_file():
    __path__.append(str(_checkout))  # noqa: F821 - the package's own __path__

__version__ = "0.1.0"
__all__ = ["MooError", "Optimizer", "Problem", "Result", "compile", "from_pymoo", "load",
           "read_result", "resume", "__version__"]

if TYPE_CHECKING:
    from mooc.api import compile, load, resume
    from mooc.optimizer import Optimizer
    from mooc.problem import Problem
    from mooc.pymoo_bridge import from_pymoo
    from mooc.result import Result
    from mooc.saved import read_result

#: Where each public name lives; imported on first use so that `mooc --help` does not pay for
#: sympy and lark.
_LAZY = {"compile": "mooc.api", "load": "mooc.api", "resume": "mooc.api",
         "Problem": "mooc.problem", "Result": "mooc.result", "Optimizer": "mooc.optimizer",
         "read_result": "mooc.saved", "from_pymoo": "mooc.pymoo_bridge"}


#: The subpackages, also imported on first use: ``import mooc`` then ``mooc.solver.nsga2``.
_SUBPACKAGES = ("dsl", "solver", "stdlib")


def __getattr__(name: str) -> Any:
    if name in _LAZY or name in _SUBPACKAGES:
        import importlib

        if name in _SUBPACKAGES:
            return importlib.import_module(f"mooc.{name}")
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'mooc' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public names (and the subpackages), for dir() and tab completion."""
    return sorted({*__all__, *_SUBPACKAGES, "errors"})
