"""Builds the optional compiled kernel of NSGA-II (solver/_kernel.c, with its non-dominated sort
in solver/_sorting.c; see mooc.solver.kernel).

Everything else is declared in pyproject.toml. The extension is optional: without a C
compiler (or Python's headers) the build skips it and mooc runs its numpy code.
"""

import sys

from setuptools import Extension, setup

# Same arithmetic as numpy's elementwise loops: no fused multiply-adds; sqrt without errno
# (never set here: it is only taken of non-negative numbers) lets loops of it be vectorized.
_FLAGS = [] if sys.platform == "win32" else ["-ffp-contract=off", "-fno-math-errno"]

_SOURCES = ["solver/_kernel.c", "solver/_fronts_two.c", "solver/_sorting.c",
            "solver/_staircase.c", "solver/_dominance_tree.c", "solver/_kd_split.c"]
_HEADERS = ["solver/_buffers.h", "solver/_numpy_like.h", "solver/_staircase.h",
            "solver/_dominance_tree.h", "solver/_kd_split.h"]

setup(ext_modules=[Extension("mooc.solver._kernel", _SOURCES, depends=_HEADERS,
                             extra_compile_args=_FLAGS, optional=True)])
