"""Which schema patterns are safe to run: the rule that keeps every regular expression engine
that reads the schemas within bounded time.

Our own checks run patterns on Polars (Rust's regex crate: linear time, whatever the pattern).
Frictionless (`make frictionless`, `validate.py --frictionless`) runs them with Python's `re`,
a backtracking engine, where a pattern such as `(a+)+$` takes exponential time on a 30-character
cell. So a pattern is accepted only if both engines compile it and it has none of the shapes that
make a backtracking engine explode. The rule, on the parsed pattern:

1. No repeat of something that can match the empty string: `(a*)*`, `(a?)+`.
2. A repeat (`*`, `+`, `{m,n}` with n > 1) may contain another repeat only when each of its
   rounds starts with one fixed character class that nothing else in the round can match, so
   the rounds cannot be split two ways: `(-[a-z0-9]+)*` is safe, `(a+)+`, `(\\w+\\s?)+` are not.
3. Inside a repeat, no alternatives that can start with the same character: `(a|ab)*`.
4. Two repeats that can match the same character may not follow each other with only optional
   items between them: `\\w+\\s*\\w+`, `a*a*` (polynomial backtracking on long cells).

The rule is conservative: it may refuse a harmless pattern (rewrite it in the delimited form of
rule 2), never accept an explosive one of these shapes.
"""

from __future__ import annotations

import re
import re._constants as C  # noqa: N812 - the parser's opcodes
import re._parser as parser
from functools import lru_cache

UNICODE_MAX = 0x10FFFF
# Character categories, approximated from above: their ASCII members plus all of non-ASCII.
NON_ASCII = [(0x80, UNICODE_MAX)]
CATEGORIES = {
    C.CATEGORY_DIGIT: [(0x30, 0x39)] + NON_ASCII,
    C.CATEGORY_WORD: [(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)] + NON_ASCII,
    C.CATEGORY_SPACE: [(0x09, 0x0D), (0x20, 0x20)] + NON_ASCII,
}
REPEATS = {C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", C.MAX_REPEAT)}
ALL = [(0, UNICODE_MAX)]


class Unsafe(Exception):
    pass


def _complement(ranges):
    out, start = [], 0
    for lo, hi in sorted(ranges):
        if lo > start:
            out.append((start, lo - 1))
        start = max(start, hi + 1)
    if start <= UNICODE_MAX:
        out.append((start, UNICODE_MAX))
    return out


def _category(code):
    for positive, ranges in CATEGORIES.items():
        if code == positive:
            return ranges
    negated = {
        C.CATEGORY_NOT_DIGIT: C.CATEGORY_DIGIT,
        C.CATEGORY_NOT_WORD: C.CATEGORY_WORD,
        C.CATEGORY_NOT_SPACE: C.CATEGORY_SPACE,
    }
    if code in negated:
        return _complement([r for r in CATEGORIES[negated[code]] if r[1] < 0x80])
    return ALL


def _overlap(a, b) -> bool:
    return any(lo1 <= hi2 and lo2 <= hi1 for lo1, hi1 in a for lo2, hi2 in b)


class Node:
    """What the rule needs to know of a piece of pattern."""

    def __init__(self, first, chars, nullable, repeats, single=False):
        self.first = first  # characters it can start with
        self.chars = chars  # characters it can consume anywhere
        self.nullable = nullable  # can match the empty string
        self.repeats = repeats  # contains a repeat with more than one round
        self.single = single  # exactly one character from a class


def _class(op, av) -> list:
    if op == C.LITERAL:
        return [(av, av)]
    if op == C.NOT_LITERAL:
        return _complement([(av, av)])
    if op == C.ANY:
        return ALL
    if op == C.IN:
        ranges, negate = [], False
        for item_op, item in av:
            if item_op == C.NEGATE:
                negate = True
            elif item_op == C.LITERAL:
                ranges.append((item, item))
            elif item_op == C.RANGE:
                ranges.append(item)
            elif item_op == C.CATEGORY:
                ranges += _category(item)
            else:
                ranges += ALL
        return _complement(ranges) if negate else ranges
    if op == C.CATEGORY:
        return _category(av)
    return ALL


def _sequence(items, inside_repeat: bool) -> Node:
    nodes = [_item(op, av, inside_repeat) for op, av in items]
    # Rule 4: a repeat followed, past optional items only, by another repeat on the same characters.
    for i, node in enumerate(nodes):
        if not node.repeats:
            continue
        for later in nodes[i + 1 :]:
            if later.repeats and _overlap(node.chars, later.first):
                raise Unsafe("two repeats that can match the same characters follow each other")
            if not later.nullable and not _overlap(node.chars, later.first):
                break  # a character the first repeat cannot take: the boundary between them is fixed
    first, nullable = [], True
    for node in nodes:
        if nullable:
            first += node.first
        nullable = nullable and node.nullable
    chars = [r for node in nodes for r in node.chars]
    return Node(first, chars, nullable, any(n.repeats for n in nodes), single=len(nodes) == 1 and nodes[0].single)


def _delimited(body) -> bool:
    """Rule 2's exception: the round starts with one character class nothing else in it can match."""
    while len(body) == 1 and body[0][0] == C.SUBPATTERN:
        body = list(body[0][1][-1])
    if not body or body[0][0] not in (C.LITERAL, C.NOT_LITERAL, C.IN, C.ANY, C.CATEGORY):
        return False
    head = _class(*body[0])
    rest = _sequence(body[1:], inside_repeat=True)
    return not _overlap(head, rest.chars)


def _item(op, av, inside_repeat: bool) -> Node:
    if op in (C.LITERAL, C.NOT_LITERAL, C.IN, C.ANY, C.CATEGORY):
        chars = _class(op, av)
        return Node(chars, chars, False, False, single=True)
    if op == C.AT:
        return Node([], [], True, False)
    if op == C.SUBPATTERN:
        return _sequence(av[-1], inside_repeat)
    if op == C.BRANCH:
        branches = [_sequence(b, inside_repeat) for b in av[1]]
        if inside_repeat:  # rule 3
            for i, a in enumerate(branches):
                for b in branches[i + 1 :]:
                    if _overlap(a.first, b.first) or (a.nullable or b.nullable):
                        raise Unsafe("alternatives inside a repeat can match the same text")
        return Node(
            [r for b in branches for r in b.first],
            [r for b in branches for r in b.chars],
            any(b.nullable for b in branches),
            any(b.repeats for b in branches),
        )
    if op in REPEATS:
        low, high, body = av
        inner = _sequence(body, inside_repeat=inside_repeat or high > 1)
        if high > 1:
            if inner.nullable:
                raise Unsafe("a repeat of something that can match nothing")  # rule 1
            if inner.repeats and not _delimited(list(body)):
                raise Unsafe(
                    "a repeat contains another repeat, and its rounds can be split more than one way"
                )  # rule 2
        # A fixed count ({4}) leaves the engine no choice; a range, an option or a loop does.
        return Node(inner.first, inner.chars, low == 0 or inner.nullable, inner.repeats or high > low)
    raise Unsafe(f"the construct {op} is not supported")  # backreferences, look-around, conditionals


@lru_cache(maxsize=4096)  # schemas repeat a handful of patterns many times
def problem(pattern: str) -> str | None:
    """Why the pattern is refused, or None if it is safe to run (see the module's rule)."""
    # Imported here, not above: loading a descriptor must not wait for Polars, so that the
    # validator can start Frictionless's process first (dpcheck/descriptor_check.py).
    import polars as pl

    try:
        pl.select(pl.lit("").str.contains(pattern))
    except pl.exceptions.PolarsError:
        return "is not a regular expression the checks can run (Rust syntax: no look-around, no backreferences)"
    try:
        parsed = parser.parse(pattern)
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError):
        return "is not a regular expression Python can compile (Frictionless runs it with Python's re)"
    try:
        _sequence(list(parsed), inside_repeat=False)
    except Unsafe as exc:
        return f"could backtrack catastrophically: {exc} (see the pattern rule in scripts/lib/dpmodel/patterns.py)"
    except RecursionError:
        return "is nested too deeply to be checked"
    return None
