"""Where text comes from: a model's source file and spans in it. Kept apart from the AST's
nodes so that a compiled model loaded from the cache can point at its text without importing
the parser's vocabulary."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SourceFile:
    """A model's text and the name it is reported under."""

    name: str
    text: str = field(repr=False)
    #: ``file:line:col`` of each include that led here, innermost first.
    included_from: tuple[str, ...] = ()

    def line(self, number: int) -> str:
        """Line ``number`` (1-based) as the parser counts lines: by newline characters only."""
        lines = self.text.split("\n")
        return lines[number - 1].rstrip("\r") if 0 < number <= len(lines) else ""


@dataclass(frozen=True)
class Span:
    """Where a node stands in its source: 1-based lines and columns, end exclusive."""

    source: SourceFile = field(repr=False, compare=False)
    line: int
    column: int
    end_line: int
    end_column: int
