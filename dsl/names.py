"""The language's built-in names: functions, constants, reductions, solver settings."""

from __future__ import annotations

from collections.abc import Iterable

#: Functions of one argument, by their name in the language.
UNARY_FUNCTIONS = (
    "sqrt", "exp", "log", "log10", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh",
    "tanh", "abs", "floor", "ceil",
)
#: Functions of two or more arguments.
VARIADIC_FUNCTIONS = ("min", "max")
#: Functions that take a generator: ``sum(E for i in A..B)``.
REDUCTIONS = ("sum", "prod", "min", "max")
CONSTANTS = ("pi", "e")
BUILTINS = frozenset(UNARY_FUNCTIONS + VARIADIC_FUNCTIONS + REDUCTIONS + CONSTANTS)

#: Settings a ``solver METHOD { ... }`` block accepts, and whether each takes a number.
SOLVER_SETTINGS = {
    "population": "integer", "generations": "integer", "max_evaluations": "integer",
    "timeout": "number", "seed": "integer", "constraints": "mode", "crossover_eta": "number",
    "crossover_prob": "number", "mutation_eta": "number", "mutation_prob": "number",
    "penalty": "number", "epsilon": "number", "stall_generations": "integer",
    "max_front": "integer", "max_subproblems": "integer", "directions": "integer",
    "polish": "switch", "project": "switch",
}
#: How a switch setting (``polish = false``) is written: a name of a truth value.
SWITCH_VALUES = {"true": True, "false": False, "on": True, "off": False}
#: The settings each method takes. ``auto`` takes them all and passes each method its own.
#: A new method is one more entry here (and one in mooc/chain.py's METHODS).
METHOD_SETTINGS = {
    "nsga2": ("population", "generations", "max_evaluations", "timeout", "seed", "constraints",
              "crossover_eta", "crossover_prob", "mutation_eta", "mutation_prob", "penalty",
              "epsilon", "stall_generations", "max_front", "polish", "project"),
    "exact": ("timeout", "max_subproblems"),
}
#: NSGA-III takes NSGA-II's settings and the number of reference directions.
METHOD_SETTINGS["nsga3"] = (*METHOD_SETTINGS["nsga2"], "directions")
#: ``solver NAME { ... }``: ``auto`` picks the method by the model's structure.
ALGORITHMS = ("auto", *METHOD_SETTINGS)
CONSTRAINT_MODES = ("feasibility", "penalty", "epsilon", "ignore")

#: Largest number of elements in any one range (declaration or reduction).
MAX_RANGE = 10_000_000


#: Most candidates a suggestion looks at (a set from data may have millions of labels).
MAX_SUGGESTION_CANDIDATES = 10_000


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """``; did you mean 'x'?`` for the closest of ``candidates`` to ``name`` (among the first
    :data:`MAX_SUGGESTION_CANDIDATES`), or nothing."""
    import difflib
    from itertools import islice

    matches = difflib.get_close_matches(
        name, list(islice(candidates, MAX_SUGGESTION_CANDIDATES)), n=1)
    return f"; did you mean '{matches[0]}'?" if matches else ""
