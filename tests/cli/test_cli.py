"""The command line through ``main(argv, stdin, stdout, stderr)``: exact output and exit codes."""

from __future__ import annotations


import pytest

from conftest import DISCLAIMER
from faqbot import __version__

CAFFEINE = f'Yes, green tea contains some caffeine.\n\nSource: Green tea, FAQs\n\n{DISCLAIMER}\n'


def said(folder, origin="--intents") -> str:
    """The line every answering command ends with on standard error: which intents answered."""
    return f"faqbot: intents folder: {folder} ({origin})\n"


def test_ask_prints_one_reply(cli, tea_folder):
    assert cli(["ask", "--intents", str(tea_folder), "does green tea contain caffeine?"]) == (
        0, CAFFEINE, said(tea_folder))


def test_ask_joins_several_words(cli, tea_folder):
    assert cli(["ask", "--intents", str(tea_folder), "does", "green", "tea", "contain", "caffeine"]) == (
        0, CAFFEINE, said(tea_folder))


@pytest.mark.parametrize("where", ["before", "after"])
def test_intents_option_before_or_after_the_command(cli, tea_folder, where):
    option = ["--intents", str(tea_folder)]
    command = ["ask", "does green tea contain caffeine"]
    argv = option + command if where == "before" else command + option
    assert cli(argv) == (0, CAFFEINE, said(tea_folder))


def test_intents_from_the_environment_and_the_option_wins(cli, tea_folder, tmp_path, monkeypatch):
    monkeypatch.setenv("FAQBOT_INTENTS", str(tea_folder))
    assert cli(["ask", "does green tea contain caffeine"]) == (0, CAFFEINE, said(tea_folder, "FAQBOT_INTENTS"))
    assert cli(["ask", "--intents", str(tmp_path / "nope"), "x"]) == (
        2, "", f"faqbot: error: {tmp_path / 'nope'}: no such intents folder\n")


def test_ask_explain_adds_the_candidates(cli, tea_folder):
    status, out, _ = cli(["--intents", str(tea_folder), "ask", "--explain", "how do I brew coffee"])
    reply, explanation = out.split(f"{DISCLAIMER}\n\n")
    assert status == 0
    assert reply.startswith("Pour hot water over ground coffee.")
    assert explanation.startswith("status: answered  score: ")
    assert "1. " in explanation and "coffee-brew" in explanation


def test_an_empty_question_gets_a_polite_reply_with_the_disclaimer(cli, tea_folder):
    assert cli(["--intents", str(tea_folder), "ask", " "]) == (
        0, f"Please type a question about green tea and coffee.\n\n{DISCLAIMER}\n", said(tea_folder))


@pytest.mark.parametrize("argv, message", [
    (["frobnicate"], "argument COMMAND: invalid choice: 'frobnicate' (choose from 'chat', 'ask', 'batch', "),
    (["--frob"], "unrecognized arguments: --frob (see 'faqbot --help')"),
    (["ask", "x", "--frob"], "unrecognized arguments: --frob (see 'faqbot --help')"),
    (["ask"], "the following arguments are required: question (see 'faqbot ask --help')"),
    (["extract", "docs"], "the following arguments are required: --into (see 'faqbot extract --help')"),
])
def test_usage_errors_are_one_line_with_exit_status_2(cli, argv, message):
    status, out, err = cli(argv)
    assert (status, out) == (2, "")
    assert err.startswith("faqbot: error: " + message)
    assert err.endswith("\n") and err.count("\n") == 1


def test_version(cli):
    assert cli(["--version"]) == (0, f"faqbot {__version__}\n", "")


def test_help_lists_the_commands_and_exit_codes(cli):
    status, out, err = cli(["--help"])
    assert (status, err) == (0, "")
    assert out.startswith("usage: faqbot ")
    for command in ("chat", "ask", "batch", "extract", "import", "check"):
        assert f"\n  {command} " in out
    assert "exit status: 0 ok, 1 some records failed, 2 usage or data error" in out


def test_command_help_goes_to_the_given_stdout(cli):
    status, out, _ = cli(["ask", "--help"])
    assert status == 0
    assert out.startswith("usage: faqbot ask ")


# --- piped standard input: answered as a batch ------------------------------------------------------


def test_piped_questions_without_a_command_are_answered_one_by_one(cli, tea_folder):
    status, out, err = cli(["--intents", str(tea_folder)], "does green tea contain caffeine\n\nhow do I brew coffee\n")
    assert (status, err) == (0, "")
    assert out.count(DISCLAIMER) == 3  # the blank line is an empty question, asked to type one
    assert out.index("Yes, green tea contains some caffeine.") < out.index("Please type a question") < out.index(
        "Pour hot water over ground coffee.")


def test_piped_chat_is_one_conversation(cli, tea_folder):
    """'how do I brew it?' follows the green tea question, as it would at the prompt."""
    status, out, _ = cli(["chat", "--intents", str(tea_folder)], "does green tea contain caffeine\nhow do I brew it?\n")
    assert status == 0
    assert "Brew it gently:\n- water below boiling" in out


def test_ask_explain_shows_the_reason(cli, tea_folder):
    status, out, _ = cli(["--intents", str(tea_folder), "ask", "--explain", "caffeine in cola"])
    explanation = out.split(f"{DISCLAIMER}\n\n")[1]
    assert status == 0
    assert explanation.split("\n")[1] == "reason: best score 39.9 is below the answer threshold 42 (tea-caffeine)"


def test_every_subcommand_has_exactly_one_handler():
    """cli dispatches through an explicit table: it names every subcommand of the parser, no more."""
    import argparse

    from faqbot.cli import HANDLERS, build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert set(HANDLERS) == set(sub.choices)
