"""Stage 1, the fast path's expressions: one method per level of the expression grammar of
``grammar.lark``, loosest first, each returning its node with the first and last token of its
extent and the height of the tree Lark would build (see :mod:`mooc.dsl.fast_parser`). Also the
cursor over the tokens that the statements' parser shares.
"""

from __future__ import annotations

from mooc.dsl import ast
from mooc.dsl.fast_lexer import GiveUp, Tokens

#: Expression levels (parentheses, calls, unary chains) followed before giving up, well
#: within Python's recursion limit and Lark's tree depth.
_MAX_LEVELS = 40
_Span = ast.Span
_COMPARE = frozenset({"<=", ">=", "==", "!=", "<", ">"})

Parsed = tuple[object, int, int, int]  # node, first token, last token, tree height


class TokenCursor:
    """A position in the tokens of a source, and the steps over them."""

    def __init__(self, source: ast.SourceFile, tokens: Tokens):
        self.source = source
        self.tokens = tokens
        self.kinds = tokens.kinds
        self.texts = tokens.texts
        self.lines, self.columns = tokens.lines, tokens.columns
        self.at = 0
        self.levels = 0

    def span(self, first: int, last: int) -> ast.Span:
        lines, columns = self.lines, self.columns
        if self.kinds[last] == "array":
            return _Span(self.source, lines[first], columns[first], *self.tokens.end(last))
        return _Span(self.source, lines[first], columns[first], lines[last],
                     columns[last] + len(self.texts[last]))

    def take(self, kind: str) -> int:
        """The current token, which must be of ``kind`` (an operator, or name, string ...)."""
        at = self.at
        if self.kinds[at] != kind:
            raise GiveUp(f"expected {kind}")
        self.at = at + 1
        return at

    def word(self, word: str) -> int:
        """The current token, which must be the keyword ``word``."""
        at = self.at
        if self.kinds[at] != "name" or self.texts[at] != word:
            raise GiveUp(f"expected {word}")
        self.at = at + 1
        return at

    def is_word(self, word: str) -> bool:
        return self.kinds[self.at] == "name" and self.texts[self.at] == word

    def skip_newlines(self) -> None:
        while self.kinds[self.at] == "nl":
            self.at += 1

    def name(self) -> tuple[str, int]:
        at = self.take("name")
        return self.texts[at], at

    def string(self) -> tuple[str, int]:
        at = self.take("string")
        return self.texts[at][1:-1], at


class ExpressionParser(TokenCursor):
    """The expressions (see the module)."""

    def expr(self) -> Parsed:
        self.levels += 1
        if self.levels > _MAX_LEVELS:
            raise GiveUp("deep nesting")
        try:
            if self.is_word("if"):
                return self.ifelse()
            return self.logic("or", self.conjunction)
        finally:
            self.levels -= 1

    def ifelse(self) -> Parsed:
        first = self.at
        self.at += 1
        condition, _, _, h1 = self.expr()
        self.word("then")
        then, _, _, h2 = self.expr()
        self.word("else")
        otherwise, _, last, h3 = self.expr()
        return ast.IfElse(self.span(first, last), condition, then, otherwise), first, last, \
            1 + max(h1, h2, h3)

    def conjunction(self) -> Parsed:
        return self.logic("and", self.negation)

    def logic(self, op: str, operand: object) -> Parsed:
        """``a op b op c``: a Logic node, or the one operand (Lark builds a tree either way)."""
        node, first, last, height = operand()  # type: ignore[operator]
        if not self.is_word(op):
            return node, first, last, 1 + height
        nodes = [node]
        while self.is_word(op):
            self.at += 1
            node, _, last, more = operand()  # type: ignore[operator]
            nodes.append(node)
            height = max(height, more)
        return ast.Logic(self.span(first, last), op, tuple(nodes)), first, last, 1 + height

    def negation(self) -> Parsed:
        if not self.is_word("not"):
            return self.comparison()
        first = self.at
        self.at += 1
        self.levels += 1
        try:
            operand, _, last, height = self.negation()
        finally:
            self.levels -= 1
        return ast.Not(self.span(first, last), operand), first, last, 1 + height

    def comparison(self) -> Parsed:
        left, first, last, height = self.chain(self.term, "+", "-")
        op = self.kinds[self.at]
        if op not in _COMPARE:
            return left, first, last, height
        self.at += 1
        right, _, last, right_height = self.chain(self.term, "+", "-")
        return ast.Compare(self.span(first, last), op, left, right), first, last, \
            1 + max(height, right_height)

    def term(self) -> Parsed:
        return self.chain(self.unary, "*", "/")

    def chain(self, operand: object, op1: str, op2: str) -> Parsed:
        """``a + b - c`` (or ``*`` and ``/``) as one flat Chain."""
        node, first, last, height = operand()  # type: ignore[operator]
        kinds = self.kinds
        if kinds[self.at] != op1 and kinds[self.at] != op2:
            return node, first, last, height
        rest = []
        while kinds[self.at] == op1 or kinds[self.at] == op2:
            op = kinds[self.at]
            self.at += 1
            value, _, last, more = operand()  # type: ignore[operator]
            rest.append((op, value))
            height = max(height, more)
        return ast.Chain(self.span(first, last), node, tuple(rest)), first, last, 1 + height

    def unary(self) -> Parsed:
        kind = self.kinds[self.at]
        if kind != "-" and kind != "+":
            return self.power()
        first = self.at
        self.at += 1
        self.levels += 1
        try:
            operand, _, last, height = self.unary()
        finally:
            self.levels -= 1
        if kind == "+":  # the operand itself, its extent from the sign on
            return operand, first, last, 1 + height
        return ast.Negate(self.span(first, last), operand), first, last, 1 + height

    def power(self) -> Parsed:
        base, first, last, height = self.atom()
        if self.kinds[self.at] != "^" and self.kinds[self.at] != "**":
            return base, first, last, height
        self.at += 1
        self.levels += 1
        try:
            exponent, _, last, more = self.unary()
        finally:
            self.levels -= 1
        return ast.Power(self.span(first, last), base, exponent), first, last, \
            1 + max(height, more)

    def atom(self) -> Parsed:
        at = self.at
        kind = self.kinds[at]
        if kind == "number":
            self.at = at + 1
            text = self.texts[at]
            return ast.Number(self.span(at, at), float(text), text), at, at, 1
        if kind == "(":
            self.at = at + 1
            node, _, _, height = self.expr()
            return node, at, self.take(")"), height
        # Where an operand may stand Lark takes no keyword but 'if' and 'not', and those only
        # where an expression or a negation starts (handled above): any other word is a name.
        if kind != "name" or self.texts[at] in ("if", "not"):
            raise GiveUp("expected an operand")
        name = self.texts[at]
        self.at = at + 1
        following = self.kinds[at + 1]
        if following == "[":
            return self.index(name, at)
        if following == "(":
            return self.call(name, at)
        if following == ".":
            self.at += 1
            field = self.take("name")
            return ast.Member(self.span(at, field), name, self.span(at, at), self.texts[field],
                              self.span(field, field)), at, field, 1
        return ast.Name(self.span(at, at), name), at, at, 1

    def index(self, name: str, at: int) -> Parsed:
        self.at += 1
        indices, height = [], 0
        while True:
            index, _, _, more = self.index_item()
            indices.append(index)
            height = max(height, more)
            if self.kinds[self.at] != ",":
                break
            self.at += 1
        last = self.take("]")
        return ast.Index(self.span(at, last), name, self.span(at, at), tuple(indices)), at, \
            last, 1 + height

    def index_item(self) -> Parsed:
        """An index: an expression, or a label written quoted."""
        if self.kinds[self.at] != "string":
            return self.expr()
        text, at = self.string()
        return ast.Label(self.span(at, at), text), at, at, 1

    def call(self, name: str, at: int) -> Parsed:
        self.at += 1
        args, height = [], 0
        if self.kinds[self.at] != ")":
            while True:
                arg, _, _, more = self.expr()
                args.append(arg)
                height = max(height, more)
                if len(args) == 1 and self.is_word("for"):
                    return self.reduction(name, at, arg, height)
                if self.kinds[self.at] != ",":
                    break
                self.at += 1
        last = self.take(")")
        return ast.Call(self.span(at, last), name, self.span(at, at), tuple(args)), at, last, \
            1 + height

    def reduction(self, name: str, at: int, body: object, height: int) -> Parsed:
        generators = []
        while self.is_word("for"):
            generator, more = self.generator()
            generators.append(generator)
            height = max(height, more)
        last = self.take(")")
        return ast.Reduction(self.span(at, last), name, self.span(at, at), body,  # type: ignore[arg-type]
                             tuple(generators)), at, last, 1 + height

    def generator(self) -> tuple[object, int]:
        first = self.at
        self.at += 1
        index, where = self.name()
        self.word("in")
        at = self.at
        if self.kinds[at] == "name" and self.texts[at] not in ("if", "not") and (
                self.kinds[at + 1] == ")" or (self.kinds[at + 1] == "name"
                                              and self.texts[at + 1] == "for")):
            self.at += 1
            return ast.Generator(self.span(first, at), index, self.span(where, where), None, None,
                                 self.texts[at], self.span(at, at)), 1
        lo, _, _, lo_height = self.expr()
        self.take("..")
        hi, _, last, hi_height = self.expr()
        return ast.Generator(self.span(first, last), index, self.span(where, where), lo, hi), \
            1 + max(lo_height, hi_height)
