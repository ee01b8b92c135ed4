"""Shared fixtures: tiny intents folders built in tmp_path, so tests never depend on the bundled
intents (which staff rewrite) unless a test is about them."""

from __future__ import annotations

import io
import os
import textwrap
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import HealthCheck, settings

# Hypothesis profiles. "dev" (the default) explores new random examples on every run; "ci" is
# deterministic (derandomized: the same examples on every clean clone, so a red build can be
# reproduced) and tries more of them. Chosen by HYPOTHESIS_PROFILE, else "ci" when CI is set.
settings.register_profile("dev", max_examples=100, derandomize=False)
settings.register_profile("ci", derandomize=True, max_examples=200, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


def examples(budget: int) -> int:
    """A property's own example budget (set for its cost), scaled by the profile: as given under
    "dev", twice as many under "ci"."""
    return max(1, budget * settings.default.max_examples // 100)


@pytest.fixture(autouse=True, scope="session")
def _private_index_cache(tmp_path_factory):
    """Compiled indexes go to a folder of this test session, never the user's own cache."""
    os.environ["FAQBOT_CACHE_DIR"] = str(tmp_path_factory.mktemp("faqbot-cache"))
    yield

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


class CliResult(NamedTuple):
    """What ``main(argv)`` did: its exit status and everything it wrote (compares equal to a tuple)."""

    status: int
    out: str
    err: str


class CliRunner:
    """Runs ``faqbot.cli.main(argv)`` in this process with in-memory streams, so a test can check
    the exact output and exit status. ``stdin`` is text (or a stream of its own, such as one that
    says it is a terminal), or ``stdin_bytes`` raw bytes read as UTF-8;
    ``stdout``/``stderr`` may be given (a stream that says it is a terminal); what a given stream
    cannot hand back (no ``getvalue``) is returned as ""."""

    def __call__(self, argv, stdin="", *, stdin_bytes: bytes | None = None,
                 stdout=None, stderr=None) -> CliResult:
        from faqbot.cli import main

        stdout = stdout if stdout is not None else io.StringIO()
        stderr = stderr if stderr is not None else io.StringIO()
        stream = (io.TextIOWrapper(io.BytesIO(stdin_bytes), encoding="utf-8") if stdin_bytes is not None
                  else io.StringIO(stdin) if isinstance(stdin, str) else stdin)
        status = main(list(argv), stdin=stream, stdout=stdout, stderr=stderr)
        return CliResult(status, _captured(stdout), _captured(stderr))


def _captured(stream) -> str:
    getvalue = getattr(stream, "getvalue", None)
    return getvalue() if getvalue is not None else ""


@pytest.fixture
def cli() -> CliRunner:
    """The one CLI runner: ``status, out, err = cli(["ask", "..."])``."""
    return CliRunner()


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
