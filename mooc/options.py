"""The options of a solve, checked in one place before anything runs.

The solver block's settings given on the command line or in Python (``population``,
``timeout``, ``seed`` ...) follow the rules the model file's ``solver`` block follows, and so
do the run's own options (``workers``, ``dask``, ``checkpoint_every``) and the command's
(``--rows``, ``--set``). A bad value raises :class:`~mooc.errors.UsageError` naming the option
as the caller spelled it: ``'timeout'`` in Python, ``--timeout`` on the command line.

>>> check_settings({"population": 100.0, "timeout": 2.5, "seed": 2**127})["population"]
100
>>> check_settings({"timeout": float("nan")})
Traceback (most recent call last):
...
mooc.errors.UsageError: error: 'timeout' takes a positive number, but was given nan
"""

from __future__ import annotations

import math
import numbers
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from mooc.dsl.names import MAX_RANGE
from mooc.dsl.written_numbers import BEYOND_FLOATS, LongInteger, OutOfRangeNumber
from mooc.errors import ParameterError, UsageError

#: Most local worker processes (``workers``, ``dask="local:N"``): more only fork processes
#: that wait for a core.
MAX_WORKERS = 1024


@dataclass(frozen=True)
class Rule:
    """What one numeric option accepts: a whole number or any finite number, at least
    ``least`` (or above it when ``strict``) and at most ``most``."""

    whole: bool
    least: float = 0.0
    most: float = math.inf
    strict: bool = False

    def describe(self) -> str:
        """The rule in words, e.g. "a whole number of at least 2"."""
        noun = "a whole number" if self.whole else "a number"
        if self.strict and self.least == 0:
            noun = "a positive whole number" if self.whole else "a positive number"
        elif self.most < math.inf:
            return f"{noun} from {_plain(self.least)} to {_plain(self.most)}"
        elif self.least:
            return f"{noun} of at least {self.least:g}"
        elif not self.strict:
            noun += " of at least 0"
        return noun

    def accepts(self, value: float) -> bool:
        above = value > self.least if self.strict else value >= self.least
        return above and value <= self.most


#: The rules of the solver block's numeric settings (the model file's block follows the same:
#: no setting negative, a population of 2 up to the language's range limit).
SETTING_RULES = {
    "population": Rule(whole=True, least=2, most=MAX_RANGE),
    "generations": Rule(whole=True),
    "max_evaluations": Rule(whole=True, least=1),
    "timeout": Rule(whole=False, strict=True),
    "seed": Rule(whole=True),
    "crossover_eta": Rule(whole=False),
    "crossover_prob": Rule(whole=False, most=1.0),
    "mutation_eta": Rule(whole=False),
    "mutation_prob": Rule(whole=False, most=1.0),
    "penalty": Rule(whole=False),
    "epsilon": Rule(whole=False),
    "stall_generations": Rule(whole=True, least=1),
    "max_front": Rule(whole=True, least=1),
    "max_subproblems": Rule(whole=True, least=1),
}
#: The run's own options.
RUN_RULES = {
    "workers": Rule(whole=True, least=1, most=MAX_WORKERS),
    "checkpoint_every": Rule(whole=False),
    "rows": Rule(whole=True),
}


#: Settings that are on or off (``polish = false`` in the file, ``--polish off``).
SWITCHES = ("polish", "project")


def checked_switch(value: Any, name: str) -> bool:
    """``value`` as a bool: True or False, or the words on, off, true, false (any case)."""
    from mooc.dsl.names import SWITCH_VALUES

    if type(value).__name__ in ("bool", "bool_"):  # numpy's too
        return bool(value)
    if isinstance(value, str) and value.lower() in SWITCH_VALUES:
        return SWITCH_VALUES[value.lower()]
    raise UsageError(f"{name} takes on or off, but was given {value!r}")


def python_name(key: str) -> str:
    """How Python callers spell an option: ``'timeout'``."""
    return f"'{key}'"


def flag_name(key: str) -> str:
    """How the command line spells an option: ``--max-evaluations``."""
    return "--" + key.replace("_", "-")


#: An integer of more digits is shown cut in a message: its first and last digits and how
#: many it has.
SHOWN_DIGITS = 24

def _shown_digits(text: str, note: str = "") -> str:
    """An integer's digits, cut to the first and last when there are more than
    :data:`SHOWN_DIGITS`."""
    digits = len(text.lstrip("+-"))
    if digits <= SHOWN_DIGITS:
        return text
    return f"{text[:12]}...{text[-4:]} ({digits:,} digits{note})"


def shown_number(value: Any) -> str:
    """``value`` as a message shows what was given: its repr, but an integer of more than
    :data:`SHOWN_DIGITS` digits cut (``111111111111...1111 (5,000 digits)``), one of more
    digits than Python converts (a :class:`~mooc.dsl.written_numbers.LongInteger`, as the command
    line reads it) saying so."""
    limit = sys.get_int_max_str_digits()
    if isinstance(value, OutOfRangeNumber):
        text = value.text
        shown = _shown_digits(text) if text.lstrip("+-").isdigit() else cut_text(text)
        return f"{shown}, {value.range_note}"
    if isinstance(value, LongInteger):
        return _shown_digits(value.digits, f"; at most {limit:,} are read")
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        try:
            return _shown_digits(str(int(value)))
        except ValueError:  # more digits than Python writes out
            return f"an integer of more than {limit:,} digits"
    if isinstance(value, float) or (isinstance(value, numbers.Real) and
                                    type(value).__module__ == "numpy"):
        if _float_of(value) is None:  # a numpy longdouble beyond the float range
            return cut_text(str(value))
        return repr(float(value))  # numpy's too: 2.5, not np.float64(2.5)
    return cut_text(repr(value))  # a Fraction as it is: as a float it may be inf or 0


def _float_of(value: Any) -> float | None:
    """``float(value)``; None when ``value`` is finite but no float holds it (a Fraction, an
    int or a numpy longdouble beyond the float range), which as a float would be inf."""
    try:
        number = float(value)
    except OverflowError:
        return None
    if not math.isfinite(number) and value == value and abs(value) != math.inf:
        return None
    return number


def cut_text(text: str) -> str:
    """``text`` as typed, cut short for a message."""
    return text if len(text) <= 40 else text[:30] + "..."


def checked_number(value: Any, rule: Rule, name: str) -> int | float:
    """``value`` as an int (whole rules) or a float; UsageError naming ``name`` when it breaks
    ``rule``. Whole numbers stay exact however large (a seed of any size), up to the digits
    Python converts (the command line reads more as a LongInteger, refused here); other numbers
    must be floats, so one beyond their range is refused as that, not as the inf it becomes."""
    def refused(note: str = "") -> UsageError:
        return UsageError(f"{name} takes {rule.describe()}, but was given "
                          f"{shown_number(value)}{note}")

    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise refused()
    number: int | float
    if isinstance(value, numbers.Integral):
        number = int(value)
        if not rule.whole and _float_of(number) is None:
            raise refused(f", {BEYOND_FLOATS}")
    else:
        as_float = _float_of(value)
        if as_float is None:  # a whole one stays exact; others would be inf
            number = int(cast(Any, value))  # exact: a Fraction's or a longdouble's own
            if not rule.whole or number != value:
                raise refused("" if rule.whole else f", {BEYOND_FLOATS}")
        elif not math.isfinite(as_float) or (rule.whole and not as_float.is_integer()):
            raise refused()
        else:
            number = int(as_float) if rule.whole else as_float
    if not rule.accepts(number):
        raise refused()
    return number


def check_settings(settings: Mapping[str, Any], *,
                   spell: Callable[[str], str] = python_name) -> dict[str, Any]:
    """The numeric solver settings of ``settings`` checked, whole ones as ints; None means
    not given. Other keys are returned as they are."""
    checked = dict(settings)
    for key, rule in SETTING_RULES.items():
        if checked.get(key) is not None:
            checked[key] = checked_number(checked[key], rule, spell(key))
    for key in SWITCHES:
        if checked.get(key) is not None:
            checked[key] = checked_switch(checked[key], spell(key))
    return checked


def check_run_options(*, workers: Any = None, dask: Any = None, checkpoint_every: Any = None,
                      checkpoint: Any = None, callback: Any = None, evaluations: Any = None,
                      spell: Callable[[str], str] = python_name) -> None:
    """Check the run's own options (None: not given); a checkpoint or evaluations file is
    tried the way it will be written, so a run is not spent before it is found unwritable."""
    for key, value in (("workers", workers), ("checkpoint_every", checkpoint_every)):
        if value is not None:
            checked_number(value, RUN_RULES[key], spell(key))
    if isinstance(dask, str):
        check_dask_address(dask, spell("dask"))
    if callback is not None and not callable(callback):
        raise UsageError(f"{spell('callback')} takes a function, but was given {callback!r}")
    from mooc.outputs import check_writable

    if checkpoint is not None and not isinstance(checkpoint, (str, os.PathLike)):
        raise UsageError(f"{spell('checkpoint')} takes a file's path, but was given "
                         f"{checkpoint!r}")
    if evaluations is not None and not isinstance(evaluations, (bool, str, os.PathLike)):
        raise UsageError(f"{spell('evaluations')} takes True (kept in memory) or a .csv or "
                         f".parquet file's path, but was given {evaluations!r}")
    if checkpoint is not None:
        from mooc.checkpoint_lock import check_not_being_written

        check_writable(os.fspath(checkpoint), spell("checkpoint"))
        check_not_being_written(checkpoint)  # refused before a run is spent
    if isinstance(evaluations, (str, os.PathLike)):  # True keeps them in memory
        check_writable(os.fspath(evaluations), spell("evaluations"))


def check_dask_address(address: str, name: str) -> None:
    """A scheduler address, or ``local:N`` with N local workers."""
    if address.startswith("local:"):
        count = address.partition(":")[2]
        if not count.isdigit() or not 1 <= int(count) <= MAX_WORKERS:
            raise UsageError(f"{name} local:N takes a whole number of workers from 1 to "
                             f"{MAX_WORKERS}, but was given '{address}'")
    elif not address.strip():
        raise UsageError(f"{name} takes a scheduler address or local:N, but was given ''")


def check_param_value(name: str, value: Any, text: str, flag: str = "--set") -> None:
    """A ``--set`` value (``text`` as typed, parsed into ``value``): a finite number or a
    (nested) list of them, as a model file's params must be; ParameterError naming ``flag``
    otherwise. A number written beyond the float range is said to be, not taken for inf."""
    for number in _leaves(value):
        if isinstance(number, bool) or not isinstance(number, numbers.Real):
            raise ParameterError(f"{flag} {name}: '{text}' is not a number or a list of numbers")
        try:
            finite = math.isfinite(number)
        except OverflowError:  # an int beyond the float range
            finite = False
        if finite:
            continue
        given = f"{flag} {name}: '{cut_text(text)}'"
        rule = "params take finite numbers, as in the model file"
        if not isinstance(number, (OutOfRangeNumber, LongInteger, numbers.Integral)):  # NaN
            raise ParameterError(f"{given} is not a finite number: {rule}")
        note = number.range_note if isinstance(number, OutOfRangeNumber) else BEYOND_FLOATS
        if isinstance(value, (list, dict)):
            shown = shown_number(number)
            shown = shown if isinstance(number, OutOfRangeNumber) else f"{shown}, {note}"
            raise ParameterError(f"{given} holds {shown}; {rule}")
        raise ParameterError(f"{given} is {note}; {rule}")


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    if isinstance(value, dict):  # a table by label
        return [leaf for item in value.values() for leaf in _leaves(item)]
    return [value]


def _plain(number: float) -> str:
    return f"{int(number):,}" if float(number).is_integer() else f"{number:g}"
