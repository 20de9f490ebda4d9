"""Numbers as written in data, on the command line and in run records, read so that a
number no float holds keeps its text for messages (a :class:`LongInteger`, an
:class:`OutOfRangeNumber`) instead of standing as the inf or 0 it rounds to.

Kept apart from :mod:`mooc.dsl.data_json` (which reads JSON files and locates values in them)
so that the command line reads its numbers without importing the language's syntax tree.
"""

from __future__ import annotations

import math
import re

#: Why a number is no float.
BEYOND_FLOATS = "beyond the float range: the largest is about 1.8e308"

_SPELLED_OUT = re.compile(r"\s*[+-]?(inf|infinity|nan)\s*", re.IGNORECASE)
_NONZERO_MANTISSA = re.compile(r"[^eE]*[1-9]")


class LongInteger(float):
    """A JSON integer of more digits than Python converts to an int (4,300 unless set
    otherwise; more would take it quadratic time): far beyond floating point, so it stands as
    the infinity it is beyond, refused where a finite number is wanted, and keeps its digits
    for messages and for a set's labels."""

    digits: str

    def __new__(cls, digits: str) -> LongInteger:
        number = super().__new__(cls, digits)
        number.digits = digits
        return number

    def __repr__(self) -> str:
        return self.digits

    __str__ = __repr__


class OutOfRangeNumber(float):
    """A number as written (``1e400`` in a JSON data file, ``--set`` or a command-line option)
    that no float holds: it stands as the float it rounds to (an infinity, or 0 for one too
    close to 0), so it is refused where a finite or a positive number is wanted, and keeps its
    text for messages, which would otherwise say ``inf`` of a number never written as inf."""

    text: str

    def __new__(cls, text: str) -> OutOfRangeNumber:
        number = super().__new__(cls, text)
        number.text = text.strip()
        return number

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__

    @property
    def range_note(self) -> str:
        """Why no float holds it."""
        if math.isinf(self):
            return BEYOND_FLOATS
        return "closer to 0 than a float can be: the smallest is about 5e-324"


def rounds_to_zero(text: str, value: float) -> bool:
    """Whether the number written as ``text`` is not 0 but its float ``value`` is: it is
    closer to 0 than a float can be (``1e-400``)."""
    return value == 0 and _NONZERO_MANTISSA.match(text) is not None


def written_float(text: str) -> float:
    """``float(text)``, but an :class:`OutOfRangeNumber` for a number that overflows to an
    infinity or rounds to 0 without being written as inf or 0; ValueError for no number."""
    number = float(text)
    if _SPELLED_OUT.fullmatch(text):
        return number
    if math.isinf(number) or rounds_to_zero(text, number):
        return OutOfRangeNumber(text)
    return number


def json_int(digits: str) -> int | float:
    """A JSON integer: an int, or a :class:`LongInteger` beyond the digits Python converts
    (Python's own error would name neither the file nor the place)."""
    try:
        return int(digits)
    except ValueError:
        return LongInteger(digits)
