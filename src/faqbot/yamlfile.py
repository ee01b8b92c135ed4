"""Read YAML safely and keep line numbers, so every data error can name its file and line.

We compose the node tree with PyYAML's SafeLoader (never ``yaml.load``), reject aliases (so an
"alias bomb" cannot expand) and build plain dicts/lists whose line numbers are kept beside them.

Composing runs on libyaml (``CSafeLoader``, about 20 times faster: 80 ms of the bundled folder's
start-up became 4 ms) when PyYAML was built with it. Any failure there, whatever it is, sends the
file through the pure-Python loader again, so every message (and its file:line) is the one the
pure loader gives, and a file the two parsers would judge differently is judged by the pure one.
"""

from __future__ import annotations

import gc
import re
from contextlib import contextmanager
from pathlib import Path

from . import files
from .errors import DataFileError
from .files import unreadable  # noqa: F401 - the one mapping of OS errors, re-exported for readers

DEEP_NESTING = files.MAX_NESTING    # nesting reported as too deep starts at this level (real intents use 4)
# PyYAML is imported at the first file parsed, not with this module: a start from the compiled
# index parses no YAML, and importing PyYAML was about 25 ms of every `faqbot ask`.
_FAST_COMPOSER = True     # until then; afterwards libyaml's CSafeLoader, or None without libyaml


def fast_composer():
    """libyaml's composer (``yaml.CSafeLoader``), or None when PyYAML was built without it."""
    global _FAST_COMPOSER
    if _FAST_COMPOSER is True:
        import yaml

        _FAST_COMPOSER = getattr(yaml, "CSafeLoader", None)
    return _FAST_COMPOSER


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector while building many objects that all stay alive (a
    folder's intents, an index): its passes found nothing to free and took a third of loading
    50,000 intents. Re-enabled afterwards only if it was enabled before."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def freeze_loaded() -> None:
    """Keep what is alive now (a loaded Bot: millions of objects at site size) out of every later
    collection, for a process that goes on answering. Loading ran with the collector paused
    (``gc_paused``), so the first collections after it walked the whole Bot: 445 ms in the middle of
    a reply at 77,759 intents. Collected first, so no garbage stays frozen (0.2 s there)."""
    gc.collect()
    gc.freeze()


class LineDict(dict):
    """A dict that remembers the line of itself, of each key, and of nothing else."""

    line: int = 0
    key_lines: dict

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A list that remembers its own line and the line of each item."""

    line: int = 0
    item_lines: list

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


EXCERPT_CHARS = 40   # the most of a file's own text an error message quotes


def excerpt(value, limit: int = EXCERPT_CHARS) -> str:
    """A short, escaped quote of a file's text for an error message: a rejected file (a stray
    link to /etc/shadow, say) must not have its content printed, only a few characters of it."""
    text = str(value)
    short = text[:limit]
    escaped = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in short)
    return escaped + ("..." if len(text) > limit else "")


def read_text(path: Path, streams: bool = False) -> str:
    """A UTF-8 text file (BOM allowed; UTF-16/32 with a byte-order mark decoded) read whole within
    files.MAX_TEXT_BYTES, or a DataFileError naming it. Only a regular file unless ``streams``
    (a FIFO in an intents folder would hang the bot; /dev/zero would fill memory)."""
    return files.read_text(path, streams=streams)


def parse_json(text: str, path, line: int | None = None):
    """One JSON value, with every way a hostile text can fail as a DataFileError naming ``path``
    and the line (``line`` for a one-line record, else the line inside ``text``): bad syntax, an
    integer over Python's 4,300 digits, a number too large for a float (never written back as
    ``Infinity``), NaN, and nesting deeper than files.MAX_NESTING."""
    import json    # only readers of JSON files need it, not every start

    def where(position: int | None) -> int | None:
        if line is not None or position is None:
            return line
        return files.line_at(text, position)

    def refuse_constant(name: str):
        raise ValueError(f"{name} is not a JSON number")

    def finite(number: str) -> float:
        value = float(number)
        if value in (float("inf"), float("-inf")):
            raise ValueError(f"the number {number[:20]} is too large")
        return value

    too_deep = f"invalid JSON: nested more than {files.MAX_NESTING} levels deep"
    try:
        value = json.loads(text, parse_constant=refuse_constant, parse_float=finite)
    except json.JSONDecodeError as exc:
        raise DataFileError(path, where(exc.pos), f"invalid JSON: {exc.msg} at column {exc.colno}") from None
    except RecursionError:
        raise DataFileError(path, where(_nesting_position(text)), too_deep) from None
    except ValueError as exc:
        if "digits" in str(exc):
            found = re.search(r"\d{4301}", text)
            raise DataFileError(path, where(found.start() if found else None),
                                "invalid JSON: an integer with more than 4,300 digits") from None
        raise DataFileError(path, where(None), f"invalid JSON: {exc}") from None
    if _depth(value) > files.MAX_NESTING:
        raise DataFileError(path, where(_nesting_position(text)), too_deep)
    return value


def _nesting_position(text: str) -> int | None:
    """Where brackets first nest deeper than files.MAX_NESTING, strings skipped (error path only)."""
    depth, inside, escaped = 0, False, False
    for position, char in enumerate(text):
        if inside:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                inside = False
        elif char == '"':
            inside = True
        elif char in "[{":
            depth += 1
            if depth > files.MAX_NESTING:
                return position
        elif char in "]}":
            depth -= 1
    return None


def _depth(value) -> int:
    """How deeply lists and objects nest in a parsed JSON value, without recursion."""
    deepest = 0
    stack = [(value, 1)] if isinstance(value, (list, dict)) else []
    while stack:
        current, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > files.MAX_NESTING:
            break
        children = current.values() if isinstance(current, dict) else current
        stack += [(child, depth + 1) for child in children if isinstance(child, (list, dict))]
    return deepest


def load_yaml(path: Path, text: str | None = None):
    """Parse one YAML document into LineDict/LineList/scalars; errors carry file and line."""
    import yaml

    path = Path(path)
    if text is None:
        text = read_text(path)
    composer = fast_composer()
    if composer is not None:
        try:
            node = yaml.compose(text, Loader=composer)
            return None if node is None else _build(node, path, set(), yaml.SafeLoader(""), depth_limit=DEEP_NESTING)
        except Exception:  # noqa: BLE001 - whatever libyaml or the builder objected to, the pure loader words it
            pass
    return _load_pure(path, text)


def _load_pure(path: Path, text: str):
    """The pure-Python loader: slower, and the one whose errors faqbot's messages are written for."""
    import yaml

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if node is None:
            return None
        return _build(node, path, set(), yaml.SafeLoader(""))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        if "'\\t'" in problem or "tab" in str(problem).lower():
            problem = "tab character where YAML expects spaces (indent with spaces)"
        raise DataFileError(path, line, f"invalid YAML: {problem}") from None
    except yaml.reader.ReaderError as exc:
        # Raw control characters: PyYAML reports a character offset, people need a line.
        line = text.count("\n", 0, exc.position) + 1
        raise DataFileError(path, line, f"control character U+{exc.character:04X} is not allowed in YAML "
                                        "(write it as an escape in double quotes, or remove it)") from None
    except yaml.YAMLError as exc:
        raise DataFileError(path, None, f"invalid YAML: {exc}") from None
    except RecursionError:
        # compose and _build recurse once per nesting level; "[[[[...]]]]" must not crash.
        raise DataFileError(path, _deep_nesting_line(text), "invalid YAML: nested too deeply") from None


def _deep_nesting_line(text: str) -> int | None:
    """The line where nesting first goes DEEP_NESTING levels deep, found with PyYAML's event
    parser, which keeps its own stack and so does not hit the recursion limit itself."""
    import yaml

    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth >= DEEP_NESTING:
                    return event.start_mark.line + 1
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except (yaml.YAMLError, RecursionError):
        pass
    return None


class _TooDeep(Exception):
    """Nesting libyaml composed but the pure loader may not: the pure loader decides."""


def _build(node, path: Path, seen: set, constructor, depth: int = 0, depth_limit: int | None = None):
    """Turn a composed node into Python values, refusing any node used twice (an alias).
    ``depth_limit`` (libyaml's nodes only) hands nesting that deep back to the pure loader."""
    import yaml

    if depth_limit is not None and depth >= depth_limit:
        raise _TooDeep()
    if id(node) in seen:
        raise DataFileError(path, node.start_mark.line + 1,
                            "YAML aliases (*name) are not allowed: the anchor (&name) here is used again")
    seen.add(id(node))
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result = LineDict()
        result.line = line
        result.key_lines = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise DataFileError(path, key_node.start_mark.line + 1, "mapping keys must be plain text")
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise DataFileError(path, key_node.start_mark.line + 1, "YAML merge keys (<<) are not allowed")
            key = _scalar(key_node, path, constructor)
            key = key if isinstance(key, str) else str(key)
            if key in result:
                raise DataFileError(path, key_node.start_mark.line + 1, f"duplicate key '{excerpt(key)}'")
            result.key_lines[key] = key_node.start_mark.line + 1
            result[key] = _build(value_node, path, seen, constructor, depth + 1, depth_limit)
        return result
    if isinstance(node, yaml.SequenceNode):
        result = LineList()
        result.line = line
        result.item_lines = []
        for item in node.value:
            result.item_lines.append(item.start_mark.line + 1)
            result.append(_build(item, path, seen, constructor, depth + 1, depth_limit))
        return result
    return _scalar(node, path, constructor)


_STR_TAG = "tag:yaml.org,2002:str"


def _scalar(node, path: Path, constructor):
    if node.tag == _STR_TAG:
        return node.value        # what SafeConstructor.construct_yaml_str returns, without its calls
    import yaml

    try:
        return constructor.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        raise DataFileError(path, node.start_mark.line + 1, f"invalid value: {getattr(exc, 'problem', exc)}") from None
    except Exception:  # noqa: BLE001 - PyYAML's scalar constructors raise anything on bad input
        # e.g. ``!!int ''`` (IndexError), ``!!timestamp x`` (AttributeError), ``2001-02-30`` (ValueError),
        # an integer of 5000 digits (ValueError): all are mistakes in the file, not bugs in faqbot.
        raise DataFileError(path, node.start_mark.line + 1,
                            f"invalid {node.tag.rsplit(':', 1)[-1]} value '{excerpt(node.value)}'") from None


def reject_unknown_keys(path: Path, data: LineDict, allowed: set[str], what: str) -> None:
    """Strict schemas: a key we do not know is an error at its line, never silently ignored."""
    for key in data:
        if key not in allowed:
            raise DataFileError(path, data.line_of(key),
                                f"unknown key '{excerpt(key)}' in {what} (allowed: {', '.join(sorted(allowed))})")


def type_name(value) -> str:
    """A user-facing name for a YAML value's type, for error messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
