"""Shared fixtures: tiny intents folders built in tmp_path, so tests never depend on the bundled
intents (which staff rewrite) unless a test is about them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

DISCLAIMER = "Not medical advice; ask your doctor."

TEA_INTENTS = """\
intents:
  - id: tea-caffeine
    question: Does green tea contain caffeine?
    examples:
      - is there caffeine in green tea
      - green tea caffeine content
    answer: Yes, green tea contains some caffeine.
    topic: green tea
    source:
      file: tea.md
      section: FAQs
      lines: [3, 3]
  - id: tea-brew
    question: How do I brew green tea?
    examples:
      - green tea brewing
    answer: |-
      Brew it gently:
      - water below boiling
      - two minutes at most
    topic: green tea
    source:
      file: tea.md
      section: Brewing
      lines: [5, 8]
  - id: coffee-brew
    question: How do I brew coffee?
    examples:
      - coffee brewing
    answer: Pour hot water over ground coffee.
    topic: coffee
    source:
      file: coffee.md
      section: Brewing
      lines: [2, 4]
"""


# One intent: a folder that loads in milliseconds, for tests that start the CLI many times.
ONE_INTENT = """\
intents:
  - id: tea-caffeine
    question: Does green tea contain caffeine?
    examples: [is there caffeine in green tea]
    answer: Yes, green tea contains some caffeine.
    topic: green tea
"""


def write_folder(folder: Path, files: dict[str, str]) -> Path:
    """Create an intents folder from {file name: text}; texts are dedented."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


@pytest.fixture
def tea_folder(tmp_path) -> Path:
    """Three intents on two topics (green tea, coffee) and a one-line disclaimer."""
    return write_folder(tmp_path / "intents", {
        "tea.yaml": TEA_INTENTS,
        "bot.yaml": f"name: teabot\ndisclaimer: {DISCLAIMER}\n",
    })


@pytest.fixture
def tea_bot(tea_folder):
    from faqbot.bot import Bot

    return Bot.from_folder(tea_folder)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path):
    """No test sees the developer's FAQBOT_INTENTS or writes into their home folder."""
    monkeypatch.delenv("FAQBOT_INTENTS", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


@pytest.fixture(scope="session")
def bundled_bot():
    """The Bot over the bundled intents, built once for the whole run (a few hundred ms each time
    otherwise). Tests only read it; a Conversation of their own keeps each test's turns apart."""
    from faqbot.bot import Bot
    from faqbot.cli import bundled_intents

    return Bot.from_folder(bundled_intents())
