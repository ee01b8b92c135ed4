#!/usr/bin/env python3
"""The README's example sessions, produced by running faqbot now, never typed by hand.

Each README block between ``<!-- generated: NAME -->`` and ``<!-- end: NAME -->`` is what faqbot
prints for NAME today:

- ``patient-session``: ``faqbot chat`` on the bundled intents, through prompt_toolkit exactly as
  a terminal would drive it (80 columns), with the questions typed and Ctrl-D at the end;
- ``staff-init``: ``faqbot init my-intents`` then ``faqbot check my-intents`` in an empty folder,
  as the staff section's fresh install does;
- ``check-bundled``: ``faqbot check intents`` in the repository.

Usage: ``python tools/readme_sessions.py`` prints every block; ``--write`` puts them into
README.md; tests/unit/test_readme.py fails when README.md differs from what faqbot says now.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PATIENT_QUESTIONS = ["is valproate addictive", "what about alcohol?", "how much does it cost"]
_BLOCK = re.compile(r"(<!-- generated: (?P<name>[a-z-]+) -->\n```text\n)(?P<body>.*?)(```\n<!-- end: (?P=name) -->)",
                    re.DOTALL)


def patient_session() -> str:
    """The chat as a patient sees it: the welcome, each question after the prompt, each reply."""
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from faqbot.bot import Bot
    from faqbot.cli import bundled_intents
    from faqbot.repl import run_repl

    bot = Bot.from_folder(bundled_intents(), cache=False)
    shown: list[str] = []
    typed = iter(PATIENT_QUESTIONS)

    def write(text: str) -> None:
        shown.append(text)
        if not text.startswith("Goodbye"):
            # The prompt and what the patient typed, as the terminal echoes them before the reply.
            question = next(typed, None)
            shown.append(f"you> {question}\n" if question is not None else "you>\n")

    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text("".join(q + "\r" for q in PATIENT_QUESTIONS) + "\x04")
        run_repl(bot, write=write, colour=False)
    return _tidy("".join(shown))


def staff_init() -> str:
    """`faqbot init my-intents` and `faqbot check my-intents` in an empty folder."""
    from faqbot.cli import main

    lines = []
    with tempfile.TemporaryDirectory() as empty, _working_folder(empty), _without("FAQBOT_INTENTS"):
        for argv in (["init", "my-intents"], ["check", "my-intents"]):
            out, err = io.StringIO(), io.StringIO()
            status = main(argv, stdout=out, stderr=err)
            if status != 0:
                raise SystemExit(f"faqbot {' '.join(argv)} failed ({status}): {err.getvalue()}")
            lines.append(f"$ faqbot {' '.join(argv)}\n{out.getvalue()}")
    return _tidy("".join(lines))


def check_bundled() -> str:
    """`faqbot check intents` in the repository, as staff see it after an edit."""
    from faqbot.cli import main

    out, err = io.StringIO(), io.StringIO()
    with _working_folder(str(ROOT)), _without("FAQBOT_INTENTS"):
        status = main(["check", "intents"], stdout=out, stderr=err)
    if status != 0:
        raise SystemExit(f"faqbot check intents failed ({status}): {err.getvalue()}")
    return _tidy(f"$ faqbot check intents\n{out.getvalue()}")


GENERATORS = {"patient-session": patient_session, "staff-init": staff_init, "check-bundled": check_bundled}


def generated_readme(text: str) -> str:
    """README text with every generated block as faqbot prints it now."""
    def fill(match: re.Match) -> str:
        name = match.group("name")
        if name not in GENERATORS:
            raise SystemExit(f"README.md: no generator for block '{name}' (known: {', '.join(GENERATORS)})")
        return match.group(1) + GENERATORS[name]() + match.group(4)

    return _BLOCK.sub(fill, text)


def blocks(text: str) -> dict[str, str]:
    return {m.group("name"): m.group("body") for m in _BLOCK.finditer(text)}


def _tidy(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


@contextmanager
def _working_folder(path: str):
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


@contextmanager
def _without(name: str):
    saved = os.environ.pop(name, None)
    try:
        yield
    finally:
        if saved is not None:
            os.environ[name] = saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="write the blocks into README.md")
    args = parser.parse_args()
    text = README.read_text(encoding="utf-8")
    new = generated_readme(text)
    if args.write:
        if new != text:
            README.write_text(new, encoding="utf-8")
        print(f"{README}: {'updated' if new != text else 'already current'}")
    else:
        for name, body in blocks(new).items():
            sys.stdout.write(f"--- {name}\n{body}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(main())
