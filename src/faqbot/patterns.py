"""What a regular expression needs in a text before it can match: a pre-filter derived from the
expression itself.

Triage runs every emergency rule over every sentence of every message, and most sentences hold
none of a rule's words. ``required_literals`` reads an expression's syntax tree and returns a set
of strings of which every match must contain at least one ("seizure", "fit", "convuls"...), or
None when it cannot say (a rule that could match anything). ``Prefilter.may_match`` is then a
handful of substring tests, and a rule whose words are absent is never run. Nothing is written by
hand: a rule added or changed in the data is covered by the same derivation, and when the
derivation meets syntax it does not know it answers None, which only means "always run".

Only the standard library: the parser is Python's own (``re._parser``, ``sre_parse`` before 3.11).
"""

from __future__ import annotations

import re

try:                                            # Python 3.11+
    from re import _constants as _c, _parser as _p
except ImportError:                             # pragma: no cover - Python 3.10
    import sre_constants as _c                  # type: ignore[no-redef]
    import sre_parse as _p                      # type: ignore[no-redef]

# A concatenation of alternatives is expanded into its strings up to this many ("take|took" then
# " " then "10|20" gives four); beyond it each part stands on its own.
MAX_EXPANSION = 64
# A character class of at most this many characters counts as that many one-character strings.
MAX_CLASS = 8

_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT} | ({getattr(_c, "POSSESSIVE_REPEAT")} if hasattr(_c, "POSSESSIVE_REPEAT") else set())
_ZERO_WIDTH = {_c.AT, _c.ASSERT, _c.ASSERT_NOT}
_GROUPS = {_c.SUBPATTERN} | ({getattr(_c, "ATOMIC_GROUP")} if hasattr(_c, "ATOMIC_GROUP") else set())
_CASE_FLAGS = _p.SRE_FLAG_IGNORECASE | getattr(_p, "SRE_FLAG_LOCALE", 0)


class _Unknown(Exception):
    """Syntax the derivation does not model: the expression gets no pre-filter."""


def required_literals(expression: str, flags: int = 0) -> frozenset[str] | None:
    """Strings of which every match of ``expression`` contains one, or None when no such set was
    found (the expression may match without any literal text, or uses syntax not modelled here).
    Strings that contain another of the set are dropped (that other one is found anyway)."""
    if flags & _CASE_FLAGS:
        return None
    try:
        tree = _p.parse(expression, flags)
        if tree.state.flags & _CASE_FLAGS:
            return None
        _exact, needed = _sequence(list(tree))
    except (_Unknown, RecursionError, _c.error):
        return None
    return _minimal(needed) if needed else None


def _node(op, av) -> tuple[set[str] | None, set[str] | None]:
    """(exact, needed) of one node: every string it can match when few enough to list, and a set
    of strings one of which each match contains (None: no constraint)."""
    if op is _c.LITERAL:
        return {chr(av)}, {chr(av)}
    if op in _ZERO_WIDTH:
        return {""}, None                       # consumes nothing: neutral in a concatenation
    if op is _c.IN:
        chars = _class_chars(av)
        return (chars, chars) if chars else (None, None)
    if op is _c.BRANCH:
        results = [_sequence(list(branch)) for branch in av[1]]
        exact = set().union(*(e for e, _ in results)) if all(e is not None for e, _ in results) else None
        if exact is not None and len(exact) > MAX_EXPANSION:
            exact = None
        needed = set().union(*(n for _, n in results)) if all(n for _, n in results) else None
        return exact, needed
    if op in _GROUPS:
        if op is _c.SUBPATTERN:
            _group, add_flags, _del_flags, pattern = av
            if add_flags & _CASE_FLAGS:
                raise _Unknown
        else:
            pattern = av
        return _sequence(list(pattern))
    if op in _REPEATS:
        low, high, pattern = av
        exact, needed = _sequence(list(pattern))
        if low == 0:
            return None, None
        if low == high == 1:
            return exact, needed
        return None, needed                     # at least one copy of the repeated part
    if op in (_c.ANY, _c.NOT_LITERAL, _c.GROUPREF, _c.GROUPREF_EXISTS, _c.CATEGORY):
        return None, None
    raise _Unknown


def _class_chars(items) -> set[str] | None:
    """The characters of a small positive class ("[5-9]"), else None."""
    chars: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            chars.add(chr(av))
        elif op is _c.RANGE and av[1] - av[0] < MAX_CLASS:
            chars.update(chr(code) for code in range(av[0], av[1] + 1))
        else:
            return None                         # a negated class, a category, a wide range
        if len(chars) > MAX_CLASS:
            return None
    return chars or None


def _sequence(items) -> tuple[set[str] | None, set[str] | None]:
    """(exact, needed) of nodes matched one after another: runs of listable parts are expanded
    into their strings; of the runs and of the other parts' needs, the most selective is kept."""
    choices: list[set[str]] = []
    run: set[str] | None = {""}
    whole_exact = True

    def close(strings: set[str] | None) -> None:
        if strings and "" not in strings:
            choices.append(strings)

    for op, av in items:
        exact, needed = _node(op, av)
        if exact is not None and len(run) * len(exact) <= MAX_EXPANSION:
            run = {a + b for a in run for b in exact}
            continue
        whole_exact = False
        close(run)
        if exact is not None:
            run = set(exact)
        else:
            close(needed)
            run = {""}
    close(run)
    exact = run if whole_exact else None
    if not choices:
        return exact, None
    return exact, max(choices, key=_selectivity)


# Strings this long are rare enough in a sentence; beyond it fewer strings beat longer ones.
SELECTIVE_LENGTH = 4


def _selectivity(strings: set[str]) -> tuple[int, int]:
    """Longer strings are rarer in text (up to SELECTIVE_LENGTH), and fewer are quicker to test."""
    return min(SELECTIVE_LENGTH, min(len(s) for s in strings)), -len(strings)


def _minimal(strings) -> frozenset[str]:
    """The strings without those containing another of them (found whenever that one is)."""
    minimal: list[str] = []
    for literal in sorted(strings, key=len):
        if not any(shorter in literal for shorter in minimal):
            minimal.append(literal)
    return frozenset(minimal)


class Prefilter:
    """``may_match(text)``: False only when the expression cannot match the text (none of its
    required strings is in it). Picklable: a compiled index keeps its rules' pre-filters."""

    __slots__ = ("literals",)

    def __init__(self, literals: frozenset[str] | None):
        self.literals = tuple(sorted(literals)) if literals else None

    @classmethod
    def of(cls, expression: str, flags: int = 0) -> "Prefilter":
        return cls(required_literals(expression, flags))

    @classmethod
    def any_of(cls, filters: list["Prefilter"]) -> "Prefilter":
        """A pre-filter for "one of these expressions matches"."""
        if any(f.literals is None for f in filters) or not filters:
            return cls(None)
        return cls(_minimal(s for f in filters for s in f.literals))

    def may_match(self, text: str) -> bool:
        literals = self.literals
        if literals is None:
            return True
        for literal in literals:
            if literal in text:
                return True
        return False

    def __getstate__(self):
        return self.literals

    def __setstate__(self, state) -> None:
        self.literals = state

    def __repr__(self) -> str:
        return f"Prefilter({self.literals!r})"


class LazyPattern:
    """A regular expression compiled when first used. The built-in emergency rules are large
    (one is 8,000 characters) and compiling them all took most of a cold start; a sentence their
    pre-filter turns away never needs them compiled. Only for expressions known to compile (the
    caller checks new ones eagerly, so a bad one is still an error at load, naming its line)."""

    __slots__ = ("pattern", "_compiled")

    def __init__(self, pattern: str):
        self.pattern = pattern
        self._compiled = None

    @property
    def compiled(self):
        if self._compiled is None:
            self._compiled = re.compile(self.pattern)
        return self._compiled

    def search(self, text: str, *bounds):
        return self.compiled.search(text, *bounds)

    def finditer(self, text: str, *bounds):
        return self.compiled.finditer(text, *bounds)

    def fullmatch(self, text: str, *bounds):
        return self.compiled.fullmatch(text, *bounds)

    def __getstate__(self):
        return self.pattern

    def __setstate__(self, state) -> None:
        self.pattern, self._compiled = state, None

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern[:40]!r}...)"
