"""Formula datasets, part 1: reading an inequality over ``x1``, ``x2`` into a tree.

A formula such as ``x2 > 1.23*x1 + 3.23`` labels a point class 1 when the inequality holds.
This module turns the text into a small tree of ``Num``, ``Var``, ``Neg``, ``Bin`` and ``Call``
nodes under one ``Comparison``; ``neuron_core.data.formula_data`` evaluates it with NumPy.
Pure Python (no NumPy), so the configs can check a formula without loading NumPy.

The language, and nothing else:

* numbers (``3``, ``1.23``, ``.5``, ``1e-3``), the variables ``x1`` and ``x2``;
* ``+ - * /``, ``^`` (power, right-associative: ``2^3^2`` is ``2^(3^2)``), unary minus and plus
  (``-x1^2`` is ``-(x1^2)``, as in mathematics), parentheses;
* the functions ``sin cos tan exp log abs sqrt`` of one argument (``log`` is the natural log);
* exactly one comparison ``<``, ``<=``, ``>`` or ``>=`` between two expressions.

The text is read by a tokenizer and a recursive-descent parser of our own: no ``eval``,
``exec``, ``compile`` or ``ast``, and no name is ever looked up anywhere but in the fixed table
of the seven functions. Bounds are checked before parsing (length, then token count and
parenthesis depth), so the parser's recursion stays shallow whatever the input. Anything else
raises ``FormulaError`` (a ``ValueError``) with one line saying what is wrong and at which
column (counted from 1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_LENGTH = 200
MAX_TOKENS = 120
MAX_DEPTH = 12
FUNCTIONS: tuple[str, ...] = ("sin", "cos", "tan", "exp", "log", "abs", "sqrt")
VARIABLES: tuple[str, ...] = ("x1", "x2")
COMPARISONS: tuple[str, ...] = ("<", "<=", ">", ">=")
# What a formula may hold, for the messages.
LANGUAGE = "x1, x2, numbers, + - * / ^, ( ), sin cos tan exp log abs sqrt, and one of < <= > >="

# A number: digits with an optional fraction, or a fraction alone, then an optional exponent.
_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPERATORS = ("<=", ">=", "<", ">", "+", "-", "*", "/", "^", "(", ")")


class FormulaError(ValueError):
    """A formula that cannot be read: the message is one line naming what and where."""


@dataclass(frozen=True)
class Token:
    """One token: ``kind`` is "num", "name" or "op"; ``text`` as written; ``column`` from 1."""

    kind: str
    text: str
    column: int


@dataclass(frozen=True)
class Num:
    """A number."""

    value: float


@dataclass(frozen=True)
class Var:
    """``x1`` (``index`` 0) or ``x2`` (``index`` 1)."""

    index: int


@dataclass(frozen=True)
class Neg:
    """``-operand``."""

    operand: Node


@dataclass(frozen=True)
class Bin:
    """``left op right`` for ``op`` one of ``+ - * / ^``."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    """``function(argument)`` for a name of ``FUNCTIONS``."""

    function: str
    argument: Node


Node = Num | Var | Neg | Bin | Call


@dataclass(frozen=True)
class Comparison:
    """The whole formula: ``left op right``, ``op`` one of ``COMPARISONS``."""

    op: str
    left: Node
    right: Node


def _shown(ch: str) -> str:
    """A character as a message shows it: quoted, escaped when not plain ASCII."""
    return repr(ch) if ch.isascii() and ch.isprintable() else ascii(ch)


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text`` (blanks between them skipped); raises ``FormulaError`` on a
    character outside the language, too many tokens or parentheses nested too deeply."""
    tokens: list[Token] = []
    depth = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in " \t":
            i += 1
            continue
        column = i + 1
        number = _NUMBER.match(text, i)
        name = _NAME.match(text, i) if number is None else None
        if number is not None:
            tokens.append(Token("num", number.group(), column))
            i = number.end()
        elif name is not None:
            # Names are checked as they are read: an unknown one is refused before anything
            # after it is looked at (``__import__('os')`` is an unknown name, not a quote).
            if name.group() not in VARIABLES + FUNCTIONS:
                raise FormulaError(
                    f"unknown name {name.group()!r} at column {column}; use x1, x2 or "
                    f"{' '.join(FUNCTIONS)}"
                )
            tokens.append(Token("name", name.group(), column))
            i = name.end()
        else:
            op = next((o for o in _OPERATORS if text.startswith(o, i)), None)
            if op is None:
                raise FormulaError(_bad_character(text, i))
            depth += {"(": 1, ")": -1}.get(op, 0)
            if depth > MAX_DEPTH:
                raise FormulaError(
                    f"parentheses nested more than {MAX_DEPTH} deep at column {column}"
                )
            tokens.append(Token("op", op, column))
            i += len(op)
        if len(tokens) > MAX_TOKENS:
            raise FormulaError(f"too long: more than {MAX_TOKENS} tokens (at column {column})")
    return tokens


def _bad_character(text: str, i: int) -> str:
    """Why the character at ``text[i]`` is refused, naming the usual mistakes."""
    ch, column = text[i], i + 1
    if ch == "." and i > 0 and (text[i - 1].isalnum() or text[i - 1] in "_)"):
        return f"attribute access ('.') is not allowed, at column {column}"
    if ch == "=":
        return f"'=' at column {column}: compare with one of < <= > >="
    if ch == ",":
        return f"',' at column {column}: each function takes one argument"
    return f"unexpected character {_shown(ch)} at column {column}; a formula holds {LANGUAGE}"


class _Parser:
    """Recursive descent over the tokens; one method per level of precedence, lowest first."""

    def __init__(self, tokens: list[Token], length: int) -> None:
        self.tokens = tokens
        self.at = 0
        self.end = length + 1  # the column just past the text, for "ended early" messages

    def peek(self) -> Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def expect_op(self, op: str) -> None:
        token = self.peek()
        if token is None:
            raise FormulaError(f"missing {op!r} at the end (column {self.end})")
        if token.text != op:
            raise FormulaError(f"expected {op!r} at column {token.column}, found {token.text!r}")
        self.at += 1

    def formula(self) -> Comparison:
        left = self.expression()
        token = self.peek()
        if token is None:
            raise FormulaError(
                "missing comparison: a formula is an inequality such as x2 > 1.23*x1 + 3.23"
            )
        if token.text not in COMPARISONS:
            raise FormulaError(
                f"expected an operator or a comparison at column {token.column}, "
                f"found {token.text!r}"
            )
        self.at += 1
        op = token.text
        right = self.expression()
        token = self.peek()
        if token is not None:
            if token.text in COMPARISONS:
                raise FormulaError(
                    f"a second comparison at column {token.column}: a formula has exactly one"
                )
            raise FormulaError(
                f"expected an operator at column {token.column}, found {token.text!r}"
            )
        return Comparison(op, left, right)

    def expression(self) -> Node:
        node = self.term()
        while (token := self.peek()) is not None and token.text in ("+", "-"):
            self.at += 1
            node = Bin(token.text, node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while (token := self.peek()) is not None and token.text in ("*", "/"):
            self.at += 1
            node = Bin(token.text, node, self.unary())
        return node

    def unary(self) -> Node:
        token = self.peek()
        if token is not None and token.text in ("-", "+"):
            self.at += 1
            operand = self.unary()
            return Neg(operand) if token.text == "-" else operand
        return self.power()

    def power(self) -> Node:
        base = self.atom()
        token = self.peek()
        if token is not None and token.text == "^":
            self.at += 1
            # Right-associative, and the exponent may carry a sign: 2^-1, 2^3^2 = 2^(3^2).
            return Bin("^", base, self.unary())
        return base

    def atom(self) -> Node:
        token = self.peek()
        if token is None:
            raise FormulaError(f"the formula ends early: a value is missing at column {self.end}")
        self.at += 1
        if token.kind == "num":
            value = float(token.text)
            if value == float("inf"):
                raise FormulaError(f"number too large at column {token.column}")
            return Num(value)
        if token.kind == "name":  # x1, x2 or a function: the tokenizer refused other names
            if token.text in VARIABLES:
                return Var(VARIABLES.index(token.text))
            self.expect_op("(")
            argument = self.expression()
            self.expect_op(")")
            return Call(token.text, argument)
        if token.text == "(":
            inner = self.expression()
            self.expect_op(")")
            return inner
        if token.text == "*" and self.at > 1 and self.tokens[self.at - 2].text == "*":
            raise FormulaError(f"'**' at column {token.column - 1}: write a power with ^")
        raise FormulaError(f"expected a value at column {token.column}, found {token.text!r}")


def parse(text: str) -> Comparison:
    """The tree of the inequality ``text``; raises ``FormulaError`` (one line) when ``text`` is
    not a formula of the language in the module docstring.

    The length is checked first (at most ``MAX_LENGTH`` characters), then the tokens (at most
    ``MAX_TOKENS``, parentheses at most ``MAX_DEPTH`` deep), before any parsing.
    """
    if not isinstance(text, str):
        raise FormulaError(f"a formula is text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"too long: {len(text):,} characters (at most {MAX_LENGTH})")
    if not text.strip():
        raise FormulaError("empty: write an inequality such as x2 > 1.23*x1 + 3.23")
    for i, ch in enumerate(text):
        # Look-alike letters and digits, invisible and bidi characters: named, not guessed at.
        if not ch.isascii():
            raise FormulaError(
                f"non-ASCII character {_shown(ch)} at column {i + 1}; a formula holds {LANGUAGE}"
            )
    tokens = tokenize(text)
    return _Parser(tokens, len(text)).formula()
