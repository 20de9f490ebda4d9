"""The language's built-in names: functions, constants, reductions, solver settings."""

from __future__ import annotations

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

#: Settings a ``solver nsga2 { ... }`` block accepts, and whether each takes a number.
SOLVER_SETTINGS = {
    "population": "integer", "generations": "integer", "max_evaluations": "integer",
    "timeout": "number", "seed": "integer", "constraints": "mode", "crossover_eta": "number",
    "crossover_prob": "number", "mutation_eta": "number", "mutation_prob": "number",
    "penalty": "number", "epsilon": "number", "stall_generations": "integer",
    "max_front": "integer", "polish": "switch", "project": "switch",
}
#: How a switch setting (``polish = false``) is written: a name of a truth value.
SWITCH_VALUES = {"true": True, "false": False, "on": True, "off": False}
ALGORITHMS = ("nsga2",)
CONSTRAINT_MODES = ("feasibility", "penalty", "epsilon", "ignore")
