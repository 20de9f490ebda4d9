"""mooc: multi-objective optimization from a model file.

>>> import mooc
>>> problem = mooc.compile("var x in [0, 1]\\nminimize f: x\\nminimize g: 1 - x")
>>> problem.objective_names
('f', 'g')
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from mooc.errors import MooError

# In a source checkout the subpackages are the sibling folders dsl/, solver/ and stdlib/
# (installed, pyproject.toml maps them under mooc/). Let `python -m mooc` run from the
# checkout too, where the current folder's mooc/ comes first on sys.path.
_checkout = Path(__file__).resolve().parent.parent
if (_checkout / "pyproject.toml").is_file() and (_checkout / "dsl" / "grammar.lark").is_file():
    __path__.append(str(_checkout))  # noqa: F821 - the package's own __path__

__version__ = "0.1.0"
__all__ = ["MooError", "Problem", "Result", "compile", "load", "resume", "__version__"]

if TYPE_CHECKING:
    from mooc.api import compile, load, resume
    from mooc.problem import Problem
    from mooc.result import Result


def __getattr__(name: str) -> Any:
    # Imported on first use so that `mooc --help` does not pay for sympy and lark.
    if name in ("compile", "load", "resume"):
        from mooc import api

        return getattr(api, name)
    if name == "Problem":
        from mooc.problem import Problem

        return Problem
    if name == "Result":
        from mooc.result import Result

        return Result
    raise AttributeError(f"module 'mooc' has no attribute {name!r}")
