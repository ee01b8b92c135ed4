"""Inert text for terminals and logs: escape sequences and control characters shown, not obeyed.

Only the standard library; every front end and writer prints through these functions, so neither a
document nor a question can drive the terminal.
"""

from __future__ import annotations

import re

# C0/C1 controls, zero-width and bidi formatting characters: never obeyed when printed.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
# Shown as escapes when printing: the controls, and lone surrogates (bytes that were not UTF-8 in a
# file name or an argument), which a strict UTF-8 output stream cannot even encode.
_UNPRINTABLE = re.compile(CONTROL.pattern[:-1] + r"\ud800-\udfff]")


def printable(text: str) -> str:
    """Text safe to print to a terminal: escape sequences and control characters shown, not obeyed.

    Newlines and tabs are kept; every other C0/C1 control, and bidi overrides, become visible
    ``\\xNN``/``\\uNNNN`` escapes, so a document or a question can never drive the terminal.
    """
    def show(match: re.Match) -> str:
        char = match.group()
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _UNPRINTABLE.sub(show, text.replace("\r\n", "\n").replace("\r", "\n"))


def json_printable(dumped: str) -> str:
    """JSON text from ``json.dumps(..., ensure_ascii=False)`` with the characters ``printable``
    shows as escapes written as ``\\uNNNN``: the same data once parsed, inert on a terminal.

    (``json.dumps`` already escapes C0 controls; C1 controls and bidi marks it leaves raw.)
    """
    return _UNPRINTABLE.sub(lambda match: f"\\u{ord(match.group()):04x}", dumped)


def one_line(text: str, limit: int = 120) -> str:
    """A printable single-line preview of text, shortened with an ellipsis."""
    flat = " ".join(printable(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "\u2026"
