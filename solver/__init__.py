"""The optimizer behind mooc: NSGA-II and NSGA-III on any object following the :class:`Problem`
protocol.

Examples
--------
>>> import numpy as np
>>> from mooc.solver import FunctionProblem, nsga2
>>> problem = FunctionProblem(lambda X: np.c_[X[:, 0], (1 - X[:, 0]) ** 2],
...                           lower=[0.0], upper=[1.0], n_obj=2)
>>> result = nsga2(problem, population=20, generations=10, seed=0)
>>> result.stop_reason
'generations'
"""

from mooc.solver.ask_tell import Search
from mooc.solver.constraints import CONSTRAINT_MODES
from mooc.solver.indicators import hypervolume, igd, igd_plus
from mooc.solver.nsga2 import nsga2
from mooc.solver.nsga3 import nsga3
from mooc.solver.population import Population
from mooc.solver.problem import KINDS, Evaluation, FunctionProblem, Problem
from mooc.solver.progress import GenerationStats
from mooc.solver.result import SolverResult

__all__ = [
    "CONSTRAINT_MODES",
    "KINDS",
    "Evaluation",
    "FunctionProblem",
    "GenerationStats",
    "Population",
    "Problem",
    "Search",
    "SolverResult",
    "hypervolume",
    "igd",
    "igd_plus",
    "nsga2",
    "nsga3",
]
