"""What a regular expression needs in a text before it can match: a pre-filter derived from the
expression itself.

Triage runs every emergency rule over every sentence of every message, and most sentences hold
none of a rule's words. ``required_literals`` reads an expression's syntax tree and returns a set
of strings of which every match must contain at least one ("seizure", "fit", "convuls"...), or
None when it cannot say (a rule that could match anything). ``Prefilter.may_match`` is then a
handful of substring tests, and a rule whose words are absent is never run. Nothing is written by
hand: a rule added or changed in the data is covered by the same derivation, and when the
derivation meets syntax it does not know it answers None, which only means "always run".

A string the expression can only meet at the start of a word (right after a lookbehind such as
``(?<![a-z0-9])``, which every triage rule begins with) is kept with ``WORD_START`` in front:
"ate " of "ate 20 pills" is then not found inside "valproate 200 mg".

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
# In front of a required string: the string is needed where no letter or digit comes before it.
# (An expression holding this character itself gets no pre-filter, so the two never meet.)
WORD_START = "\x00"
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


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


def _node(op, av, word_start: bool = False) -> tuple[set[str] | None, set[str] | None]:
    """(exact, needed) of one node: every string it can match when few enough to list, and a set
    of strings one of which each match contains (None: no constraint). ``word_start``: the node
    is met at the start of a word (its strings that begin the match get WORD_START in front)."""
    if op is _c.LITERAL:
        if av == 0:
            raise _Unknown                      # WORD_START itself, in the expression
        return {chr(av)}, {chr(av)}
    if op in _ZERO_WIDTH:
        return {""}, None                       # consumes nothing: neutral in a concatenation
    if op is _c.IN:
        chars = _class_chars(av)
        return (chars, chars) if chars else (None, None)
    if op is _c.BRANCH:
        results = [_sequence(list(branch), word_start) for branch in av[1]]
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
        return _sequence(list(pattern), word_start)
    if op in _REPEATS:
        low, high, pattern = av
        exact, needed = _sequence(list(pattern), word_start)   # the first copy starts where the repeat does
        if low == 0:
            return None, None
        if low == high == 1:
            return exact, needed
        return None, needed                     # at least one copy of the repeated part
    if op in (_c.ANY, _c.NOT_LITERAL, _c.GROUPREF, _c.GROUPREF_EXISTS, _c.CATEGORY):
        return None, None
    raise _Unknown


def _is_word_start(op, av) -> bool:
    """A lookbehind that no letter or digit may precede (``(?<![a-z0-9])``, ``(?<!\\w)``)."""
    if op is not _c.ASSERT_NOT or av[0] >= 0:
        return False
    body = list(av[1])
    if len(body) != 1:
        return False
    op, items = body[0]
    if op is _c.LITERAL:
        return _WORD_CHARS <= {chr(items)}
    if op is not _c.IN:
        return False
    covered: set[str] = set()
    for kind, value in items:
        if kind is _c.NEGATE:
            return False
        if kind is _c.LITERAL:
            covered.add(chr(value))
        elif kind is _c.RANGE:
            covered.update(c for c in _WORD_CHARS if value[0] <= ord(c) <= value[1])
        elif kind is _c.CATEGORY and value in (_c.CATEGORY_WORD, _c.CATEGORY_UNI_WORD):
            covered |= _WORD_CHARS
        elif kind is _c.CATEGORY and value in (_c.CATEGORY_DIGIT, _c.CATEGORY_UNI_DIGIT):
            covered.update("0123456789")
    return _WORD_CHARS <= covered


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


def _sequence(items, word_start: bool = False) -> tuple[set[str] | None, set[str] | None]:
    """(exact, needed) of nodes matched one after another: runs of listable parts are expanded
    into their strings; of the runs and of the other parts' needs, the most selective is kept.
    ``word_start``: the sequence begins where no letter or digit comes before."""
    choices: list[set[str]] = []
    run: set[str] | None = {WORD_START} if word_start else {""}
    whole_exact = True
    boundary = word_start                        # no letter or digit comes before this point

    def close(strings: set[str] | None) -> None:
        if strings and "" not in strings and WORD_START not in strings:
            choices.append(strings)

    for op, av in items:
        ends = _ends_word(op, av, boundary)
        if run == {WORD_START} and (op is _c.BRANCH or op in _GROUPS or op in _REPEATS):
            # The group begins the word: its own first strings carry the mark (already in its exact).
            exact, needed = _node(op, av, word_start=True)
            if exact is not None and len(exact) <= MAX_EXPANSION:
                run, boundary = exact, ends
                continue
        else:
            exact, needed = _node(op, av)
            if exact is not None and len(run) * len(exact) <= MAX_EXPANSION:
                run = {_joined(a, b) for a in run for b in exact}
                if ends and run == {""}:
                    run = {WORD_START}           # a lookbehind for a word start
                boundary = ends
                continue
        whole_exact = False
        close(run)
        if exact is not None:
            run = set(exact)
        else:
            close(needed)
            run = {WORD_START} if ends else {""}   # "(?:\\S+ ){0,3}took": "took" begins a word
        boundary = ends
    close(run)
    exact = run if whole_exact else None
    if not choices:
        return exact, None
    return exact, max(choices, key=_selectivity)


def _ends_word(op, av, boundary: bool) -> bool:
    """Whether, after this node, no letter or digit comes right before (``boundary``: so before it)."""
    if op is _c.LITERAL:
        return chr(av) not in _WORD_CHARS
    if op is _c.IN:
        return _non_word_class(av)
    if op in _ZERO_WIDTH:
        return boundary or _is_word_start(op, av)
    if op is _c.BRANCH:
        return all(_sequence_ends_word(list(branch), boundary) for branch in av[1])
    if op in _GROUPS:
        return _sequence_ends_word(list(av[3] if op is _c.SUBPATTERN else av), boundary)
    if op in _REPEATS:
        low, _high, pattern = av
        # After several copies the last one follows another copy: only its own end can be relied on.
        ends = _sequence_ends_word(list(pattern), False)
        return ends and boundary if low == 0 else ends
    return False


def _sequence_ends_word(items, boundary: bool) -> bool:
    for op, av in items:
        boundary = _ends_word(op, av, boundary)
    return boundary


def _non_word_class(items) -> bool:
    """A class of characters none of which is a letter or a digit ("[ ,]", "\\s")."""
    for kind, value in items:
        if kind is _c.LITERAL:
            if chr(value) in _WORD_CHARS:
                return False
        elif kind is _c.RANGE:
            if any(value[0] <= ord(c) <= value[1] for c in _WORD_CHARS):
                return False
        elif not (kind is _c.CATEGORY and value in (_c.CATEGORY_SPACE, _c.CATEGORY_UNI_SPACE)):
            return False
    return True


def _joined(first: str, second: str) -> str:
    """``first`` then ``second``, WORD_START kept only in front: after text of its own, a word start
    the second asks for is that text's affair (met, or the expression cannot match there)."""
    if second.startswith(WORD_START) and first:
        second = second[1:]
    return first + second


# Strings this long are rare enough in a sentence; beyond it fewer strings beat longer ones.
SELECTIVE_LENGTH = 4


def _selectivity(strings: set[str]) -> tuple[int, int]:
    """Longer strings are rarer in text (up to SELECTIVE_LENGTH), and fewer are quicker to test."""
    return min(SELECTIVE_LENGTH, min(len(s.lstrip(WORD_START)) for s in strings)), -len(strings)


def _minimal(strings) -> frozenset[str]:
    """The strings without those containing another of them (found whenever that one is)."""
    minimal: list[str] = []
    for literal in sorted(strings, key=len):
        if not any(shorter in literal for shorter in minimal):
            minimal.append(literal)
    return frozenset(minimal)


class Prefilter:
    """``may_match(text)``: False only when the expression cannot match the text (none of its
    required strings is in it, a WORD_START one at the start of a word). Picklable: a compiled
    index keeps its rules' pre-filters."""

    __slots__ = ("literals", "_anywhere", "_at_word_start")

    def __init__(self, literals: frozenset[str] | None):
        self.literals = tuple(sorted(literals)) if literals else None
        self._split()

    def _split(self) -> None:
        literals = self.literals or ()
        self._anywhere = tuple(s for s in literals if not s.startswith(WORD_START))
        self._at_word_start = tuple(s[1:] for s in literals if s.startswith(WORD_START))

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
        if self.literals is None:
            return True
        for literal in self._anywhere:
            if literal in text:
                return True
        for literal in self._at_word_start:
            if literal in text and _at_a_word_start(text, literal):
                return True
        return False

    def __getstate__(self):
        # A tuple, never the bare literals: pickle skips __setstate__ for a false state, and
        # "no required string" (None) would come back as a pre-filter with no attributes at all.
        return (self.literals,)

    def __setstate__(self, state) -> None:
        (self.literals,) = state
        self._split()

    def __repr__(self) -> str:
        return f"Prefilter({self.literals!r})"


# The first (up to) three letters or digits of every word of a text: where a WORD_START string can begin.
_WORD_HEADS = re.compile(r"(?<![a-z0-9])[a-z0-9]{1,3}")
_LEADING_WORD = re.compile(r"[a-z0-9]*")


class Screens:
    """Several pre-filters read in one pass: ``possible(text)`` is the set of the indices of those
    whose ``may_match(text)`` is True. A dozen rules' few hundred strings were each searched in
    every sentence; most begin a word, so they are looked up by the first letters of the text's
    words instead, and only those whose word begins the same are searched."""

    __slots__ = ("_always", "_by_head", "_elsewhere")

    def __init__(self, filters: list[Prefilter]):
        self._always = frozenset(k for k, f in enumerate(filters) if f.literals is None)
        self._by_head: dict[str, list[tuple[str, int]]] = {}
        self._elsewhere: list[tuple[str, int, bool]] = []     # (string, filter, at a word start only)
        for k, f in enumerate(filters):
            self._elsewhere += [(literal, k, False) for literal in f._anywhere]
            for literal in f._at_word_start:
                head = _head(literal)
                if head is None:
                    self._elsewhere.append((literal, k, True))
                else:
                    self._by_head.setdefault(head, []).append((literal, k))

    def possible(self, text: str) -> set[int]:
        found = set(self._always)
        for literal, k, at_word_start in self._elsewhere:
            if k not in found and literal in text and (not at_word_start or _at_a_word_start(text, literal)):
                found.add(k)
        by_head = self._by_head
        for head in set(_WORD_HEADS.findall(text)):
            for literal, k in by_head.get(head, ()):
                if k not in found and _at_a_word_start(text, literal):
                    found.add(k)
        return found


def _head(literal: str) -> str | None:
    """What ``_WORD_HEADS`` finds where a word-start string begins: its first three letters or
    digits, or all of them when fewer are followed by another character ("od " is found only in
    the word "od"); None when that is not one key (the string starts otherwise, or is "od" alone,
    which begins "odd" too)."""
    run = _LEADING_WORD.match(literal).group()
    if len(run) >= 3:
        return run[:3]
    return run if run and len(run) < len(literal) else None


def _at_a_word_start(text: str, literal: str) -> bool:
    """Whether ``literal`` occurs in ``text`` with no letter or digit right before it."""
    start = text.find(literal)
    while start >= 0:
        if start == 0 or text[start - 1] not in _WORD_CHARS:
            return True
        start = text.find(literal, start + 1)
    return False


class LazyPattern:
    """A regular expression compiled when first used. The built-in emergency rules are large
    (one is 8,000 characters) and compiling them all took most of a cold start; a sentence their
    pre-filter turns away never needs them compiled. Only for expressions known to compile (the
    caller checks new ones eagerly, so a bad one is still an error at load, naming its line; a
    folder's rules read from its compiled index compiled when the index was built)."""

    __slots__ = ("pattern", "flags", "_compiled")

    def __init__(self, pattern: str, flags: int = 0):
        self.pattern = pattern
        self.flags = flags
        self._compiled = None

    @property
    def compiled(self):
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    def search(self, text: str, *bounds):
        return self.compiled.search(text, *bounds)

    def finditer(self, text: str, *bounds):
        return self.compiled.finditer(text, *bounds)

    def fullmatch(self, text: str, *bounds):
        return self.compiled.fullmatch(text, *bounds)

    def __getstate__(self):
        return self.pattern, self.flags

    def __setstate__(self, state) -> None:
        (self.pattern, self.flags), self._compiled = state, None

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern[:40]!r}...)"
