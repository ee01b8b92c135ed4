"""Writing intents folders: intent files and bot.yaml, as readable YAML, atomically."""

from __future__ import annotations

from pathlib import Path

import yaml

from ..files import write_atomic
from .intents import Intent

FILE_HEADER = """\
# faqbot intents: one entry per question the bot can answer. Edit freely, then run `faqbot check`.
# Keys of each intent (anything else is an error):
#   id        unique, lower-case letters, digits, '-', '_' or '.'; other files refer to it
#   question  the canonical question, shown in suggestions and completion
#   examples  other ways patients ask it (typos and lay words welcome); kept when re-extracting
#   answer    text from the source document, shown as it is; refreshed when re-extracting
#   topic     the document's subject, used to follow a conversation ("is it addictive?")
#   source    where the answer comes from: file (relative to the documents folder), section, lines
"""



class _BlockDumper(yaml.SafeDumper):
    """Multi-line text as readable ``|`` blocks; lists indented the way people write them."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def _str_presenter(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _list_presenter(dumper, value: list):
    flow = bool(value) and all(isinstance(v, int) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_BlockDumper.add_representer(str, _str_presenter)
_BlockDumper.add_representer(list, _list_presenter)


def dump_yaml(data) -> str:
    return yaml.dump(data, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=100)


def intent_to_dict(intent: Intent) -> dict:
    data = {"id": intent.id, "question": intent.question, "examples": list(intent.examples),
            "answer": intent.answer, "topic": intent.topic}
    if intent.source is not None:
        source = {"file": intent.source.file, "section": intent.source.section}
        if intent.source.lines:
            source["lines"] = list(intent.source.lines)
        data["source"] = source
    return data


def save_file(path: Path, intents: list[Intent], document: str | None = None) -> None:
    """Write an intent file atomically (a temporary file renamed), with the schema as a header."""
    data: dict = {}
    if document:
        data["document"] = document
    data["intents"] = [intent_to_dict(i) for i in intents]
    write_atomic(path, FILE_HEADER + dump_yaml(data))


def save_bot_settings(path: Path, disclaimer: str, name: str = "faqbot") -> None:
    header = "# Settings of the bot. The disclaimer ends every reply, of every kind.\n"
    write_atomic(path, header + dump_yaml({"name": name, "disclaimer": disclaimer}))
