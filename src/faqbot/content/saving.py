"""Writing intents folders: intent files and bot.yaml, as readable YAML, atomically.

Files are written with ruamel.yaml's round-trip mode, because staff comment their intent files
and PyYAML drops every comment on a save: when a file is rewritten (re-extraction, import), the
intents that stay keep their comments, their key order and the file's header. Answers and
examples are always written as block scalars (``|-``), so nothing staff type in them (``#``,
``: ``, quotes, leading spaces, any Unicode) can change their meaning; only text a block scalar
cannot hold (control characters, Unicode line separators) falls back to a double-quoted string.
Reading stays with the strict loader in ``intents.py``: this module only writes.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from ..files import write_atomic
from .intents import Intent

FILE_HEADER = """\
faqbot intents: one entry per question the bot can answer. Edit freely, then run `faqbot check`.
Keys of each intent (anything else is an error):
  id        unique, lower-case letters, digits, '-', '_' or '.'; other files refer to it
  question  the canonical question, shown in suggestions and completion
  examples  other ways patients ask it (typos and lay words welcome); kept when re-extracting
  answer    text from the source document, shown as it is; refreshed when re-extracting unless
            you edited it (your text is kept, and `faqbot check` tells you if the document changes)
  topic     the document's subject, used to follow a conversation ("is it addictive?")
  source    where the answer comes from: file (relative to the documents folder), section, lines,
            and digest (a fingerprint of the text extraction wrote, to tell your edits from drift)
Deleting an intent, splitting one in two or adding your own all survive `faqbot extract`; the
file's `extracted` list records what extraction found, so a deleted intent stays deleted.
Comments you add are kept.
"""

BOT_HEADER = "Settings of the bot. The disclaimer ends every reply, of every kind. It is yours: extraction\n" \
             "never changes it once this file exists.\n"

# Text a block scalar cannot hold exactly: line separators YAML reads as breaks, control characters.
_NOT_BLOCK_SAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
_RESOLVER = yaml.resolver.Resolver()


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.preserve_quotes = True
    return yaml


def block(text: str):
    """A string as a literal block scalar, or double-quoted when a block cannot hold it exactly."""
    if _NOT_BLOCK_SAFE.search(text):
        return DoubleQuotedScalarString(text)
    return LiteralScalarString(text)


def dump_yaml(data) -> str:
    buffer = io.StringIO()
    _yaml().dump(data, buffer)
    return buffer.getvalue()


def _source_map(intent: Intent) -> CommentedMap:
    source = CommentedMap()
    source["file"] = intent.source.file
    source["section"] = intent.source.section
    if intent.source.lines:
        lines = CommentedSeq(list(intent.source.lines))
        lines.fa.set_flow_style()
        source["lines"] = lines
    if intent.source.digest:
        source["digest"] = intent.source.digest
    return source


def _examples(intent: Intent) -> CommentedSeq:
    return CommentedSeq([block(e) for e in intent.examples])


def intent_map(intent: Intent, existing: CommentedMap | None = None) -> CommentedMap:
    """An intent as a mapping; given the mapping it was read from, that one is updated in place
    so its comments stay where staff put them."""
    data = existing if existing is not None else CommentedMap()
    values = {"id": intent.id, "question": intent.question, "examples": _examples(intent),
              "answer": block(intent.answer), "topic": intent.topic}
    for key, value in values.items():
        if key == "examples" and isinstance(data.get("examples"), CommentedSeq) and \
                [str(e) for e in data["examples"]] == intent.examples:
            continue   # unchanged: keep the list and its comments
        data[key] = value
    if intent.source is not None:
        data["source"] = _source_map(intent)
    elif "source" in data:
        del data["source"]
    return data


def render_intent_file(intents: list[Intent], document: str | None = None, extracted: list[str] | None = None,
                       previous: str | None = None) -> str:
    """The text of an intent file. With ``previous`` (the file's current text) the file is
    updated rather than rewritten: its header, its comments and the comments of every intent
    that stays are kept. A new file is written directly (``_new_file_text``) when its texts
    are plain enough, the same YAML ruamel would write, without the round-trip machinery."""
    data = _round_trip(previous)
    if data is None:
        text = _new_file_text(intents, document, extracted)
        if text is not None:
            return text
    old_items: dict[str, CommentedMap] = {}
    if data is None:
        data = CommentedMap()
        data.yaml_set_start_comment(FILE_HEADER)
    else:
        for item in data.get("intents") or []:
            if isinstance(item, CommentedMap) and isinstance(item.get("id"), str):
                old_items[item["id"]] = item
    if document:
        data["document"] = document
    elif "document" in data:
        del data["document"]
    items = CommentedSeq([intent_map(i, old_items.get(i.id)) for i in intents])
    old_seq = data.get("intents")
    if isinstance(old_seq, CommentedSeq) and old_seq.ca.comment:
        items.ca.comment = old_seq.ca.comment
    data["intents"] = items
    if extracted is not None:
        data["extracted"] = CommentedSeq([block(k) if "\n" in k else k for k in extracted])
    elif "extracted" in data:
        del data["extracted"]
    return dump_yaml(data)


# --- a new file, written directly -------------------------------------------------------------------
# ruamel's round trip is for keeping what staff wrote; a file extraction writes for the first
# time has nothing to keep, and ruamel took 52 ms per file (340 s of a 6,500-page site's
# extraction). The layout is ruamel's (tests compare what both write); a text this writer cannot
# place exactly in a block scalar (a first line starting with a space, a line break at either
# end, characters a block cannot hold) sends the whole file through ruamel instead.

_PLAIN = re.compile(r"[A-Za-z0-9./(][^\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]*")
_NOT_PLAIN = re.compile(r": |:$| #|[\[\]{}]|\s$")
_STRING_TAG = "tag:yaml.org,2002:str"
# A number to YAML 1.2 (ruamel, which reads a file back to keep its comments): "814845e81057".
_NUMBER_12 = re.compile(r"[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+|0o[0-7]+"
                        r"|[-+]?\.(?:inf|nan)", re.I)


def _scalar(text: str) -> str:
    """A one-line value as ruamel writes it: plain when it can only read back as this string
    (PyYAML's resolver says so: "0042", "yes" or "1e3" would not), else in single quotes, else
    (a character a single-quoted line cannot hold) double-quoted."""
    if _PLAIN.fullmatch(text) and not _NOT_PLAIN.search(text) and \
            _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STRING_TAG and not _NUMBER_12.fullmatch(text):
        return text
    if not _NOT_BLOCK_SAFE.search(text) and text == text.strip() and "\n" not in text and "\t" not in text:
        return "'" + text.replace("'", "''") + "'"
    quoted = json.dumps(text, ensure_ascii=False)
    return _NOT_BLOCK_SAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def _block_lines(text: str, indent: str) -> list[str] | None:
    """``|-`` and the text's lines under it, or None when a plain literal block cannot hold it."""
    if not text or _NOT_BLOCK_SAFE.search(text) or text[0] in " \n" or text.endswith("\n") or "\r" in text:
        return None
    return ["|-", *[f"{indent}{line}" if line else "" for line in text.split("\n")]]


def _new_file_text(intents: list[Intent], document: str | None, extracted: list[str] | None) -> str | None:
    lines = ["# " + line if line else "#" for line in FILE_HEADER.rstrip("\n").split("\n")]
    if document:
        lines.append(f"document: {_scalar(document)}")
    lines.append("intents:" if intents else "intents: []")
    for intent in intents:
        lines += [f"  - id: {_scalar(intent.id)}", f"    question: {_scalar(intent.question)}"]
        if intent.examples:
            lines.append("    examples:")
            for example in intent.examples:
                body = _block_lines(example, "        ")
                if body is None:
                    return None
                lines += [f"      - {body[0]}", *body[1:]]
        else:
            lines.append("    examples: []")
        body = _block_lines(intent.answer, "      ")
        if body is None:
            return None
        lines += [f"    answer: {body[0]}", *body[1:], f"    topic: {_scalar(intent.topic)}"]
        if intent.source is not None:
            lines += ["    source:", f"      file: {_scalar(intent.source.file)}",
                      f"      section: {_scalar(intent.source.section)}"]
            if intent.source.lines:
                lines.append(f"      lines: [{', '.join(str(int(n)) for n in intent.source.lines)}]")
            if intent.source.digest:
                lines.append(f"      digest: {_scalar(intent.source.digest)}")
    if extracted is not None:
        if any("\n" in key for key in extracted):
            return None
        lines.append("extracted:" if extracted else "extracted: []")
        lines += [f"  - {_scalar(key)}" for key in extracted]
    return "\n".join(lines) + "\n"


def _round_trip(text: str | None):
    if not text:
        return None
    try:
        data = _yaml().load(text)
    except Exception:  # noqa: BLE001 - an unreadable file is rewritten from scratch, never half-kept
        return None
    return data if isinstance(data, CommentedMap) else None


def save_file(path: Path, intents: list[Intent], document: str | None = None, extracted: list[str] | None = None) -> None:
    """Write an intent file atomically, keeping the comments of the file it replaces."""
    path = Path(path)
    try:
        previous = path.read_text(encoding="utf-8-sig") if path.is_file() else None
    except (OSError, UnicodeDecodeError):
        previous = None
    write_atomic(path, render_intent_file(intents, document, extracted, previous))


def render_bot_settings(disclaimer: str, name: str = "faqbot") -> str:
    data = CommentedMap()
    data.yaml_set_start_comment(BOT_HEADER)
    data["name"] = name
    data["disclaimer"] = block(disclaimer)
    return dump_yaml(data)


def save_bot_settings(path: Path, disclaimer: str, name: str = "faqbot") -> None:
    write_atomic(path, render_bot_settings(disclaimer, name))
