"""The patient's prompt, driven through prompt_toolkit's pipe input and a dummy terminal.

What the REPL shows is collected through its ``write`` callback, so most tests compare exact text.
DummyOutput reports an 80-column terminal, so replies are wrapped at 79 characters.
"""

from __future__ import annotations

import io
import os
import stat

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from conftest import DISCLAIMER, write_folder
from faqbot.bot import Bot
from faqbot.cli import main
from faqbot.repl import COMMANDS, QuestionCompleter, TOOLBARS, command_matches, completion_matches, help_text, run_repl, toolbar_text, wrap

ENTER, CTRL_C, CTRL_D = "\r", "\x03", "\x04"

WELCOME = (
    "Hello, I'm teabot. I answer questions about green tea and coffee, using only\n"
    "the text of my source documents, and I say so when I'm not sure.\n"
    "Ask in your own words, for example: \"How do I brew green tea?\" or \"How do I\n"
    "brew coffee?\"\n"
    "Type /help for commands, /topics for everything I can answer, bye to leave.\n")
CAFFEINE = f"\nYes, green tea contains some caffeine.\n\nSource: Green tea, FAQs\n\n{DISCLAIMER}\n\n"
BREW_TEA = ("\nBrew it gently:\n- water below boiling\n- two minutes at most\n\n"
            f"Source: Green tea, Brewing\n\n{DISCLAIMER}\n\n")
GOODBYE = "Goodbye, and take care.\n"


def converse(bot: Bot, keys: str, **options) -> tuple[int, list[str]]:
    """Type ``keys`` at the prompt, then end the input; returns the exit status and each text the
    REPL showed."""
    shown: list[str] = []
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()
        status = run_repl(bot, input=pipe, output=DummyOutput(), write=shown.append, **options)
    return status, shown


# --- a conversation -----------------------------------------------------------------------


def test_a_short_conversation_keeps_the_topic_and_ends_with_ctrl_d(tea_bot):
    status, shown = converse(tea_bot, "does green tea contain caffeine" + ENTER
                             + "how do I brew it?" + ENTER + CTRL_D)
    assert status == 0
    assert shown == [WELCOME, CAFFEINE, BREW_TEA, GOODBYE]


def test_every_reply_is_handed_over_and_ends_with_the_disclaimer(tea_bot):
    replies = []
    converse(tea_bot, "hello" + ENTER + "how do I brew coffee" + ENTER + "zzzz qqqq" + ENTER,
             on_reply=replies.append)
    assert [r.status for r in replies] == ["smalltalk", "answered", "fallback"]
    assert all(r.text.endswith(DISCLAIMER) for r in replies)
    assert replies[1].intent.id == "coffee-brew"


def test_end_of_input_exits_cleanly(tea_bot):
    status, shown = converse(tea_bot, "")
    assert status == 0
    assert shown == [WELCOME, GOODBYE]


@pytest.mark.parametrize("word", ["/quit", "/QUIT ", "/exit", "quit", "exit"])
def test_quit_leaves_and_ignores_what_follows(tea_bot, word):
    replies = []
    status, shown = converse(tea_bot, word + ENTER + "how do I brew coffee" + ENTER, on_reply=replies.append)
    assert status == 0
    assert shown == [WELCOME, GOODBYE]
    assert replies == []


def test_blank_lines_are_ignored(tea_bot):
    replies = []
    _, shown = converse(tea_bot, "   " + ENTER + ENTER, on_reply=replies.append)
    assert shown == [WELCOME, GOODBYE]
    assert replies == []


# --- keys ---------------------------------------------------------------------------------


def test_ctrl_c_abandons_the_line_being_typed(tea_bot):
    replies = []
    _, shown = converse(tea_bot, "does green tea contain" + CTRL_C + "/why" + ENTER, on_reply=replies.append)
    assert replies == []
    assert shown == [WELCOME, "\nAsk a question first; then /why shows how I chose my answer.\n\n", GOODBYE]


def test_ctrl_c_on_an_empty_line_says_how_to_leave(tea_bot):
    status, shown = converse(tea_bot, CTRL_C + "how do I brew coffee" + ENTER + CTRL_D)
    assert status == 0
    assert shown[1] == "(To leave, press Ctrl-D or type /quit.)\n"
    assert shown[2].startswith("\nPour hot water over ground coffee.")
    assert shown[-1] == GOODBYE


# --- commands -----------------------------------------------------------------------------


def test_help_lists_every_command(tea_bot):
    _, shown = converse(tea_bot, "/help" + ENTER)
    assert shown[1] == "\n" + help_text() + "\n\n"
    for command, entry in COMMANDS.items():
        assert f"  {command:8} {entry.help}\n" in shown[1]


def test_topics_lists_the_questions_numbered_by_topic(tea_bot):
    _, shown = converse(tea_bot, "/topics" + ENTER)
    assert shown[1] == (
        "\nThese are the questions I can answer (Tab completes them at the prompt):\n"
        "\n"
        "Green tea:\n"
        "  1. Does green tea contain caffeine?\n"
        "  2. How do I brew green tea?\n"
        "\n"
        "Coffee:\n"
        "  3. How do I brew coffee?\n"
        "\n"
        "Reply with a number to read that answer.\n\n")


def test_a_number_after_topics_answers_that_question(tea_bot):
    _, shown = converse(tea_bot, "/topics" + ENTER + "3" + ENTER)
    assert shown[2].startswith("\nPour hot water over ground coffee.\n\nSource: Coffee, Brewing")


def test_a_number_outside_the_topics_list_says_which_are_valid(tea_bot):
    _, shown = converse(tea_bot, "/topics" + ENTER + "7" + ENTER)
    assert shown[2].startswith("\nPlease reply with a number from 1 to 3, or ask a new question.")


@pytest.mark.parametrize("farewell", ["bye", "see you", "ok thanks, bye!", "exit"])
def test_a_farewell_ends_the_session(tea_bot, farewell):
    status, shown = converse(tea_bot, farewell + ENTER + "does green tea contain caffeine" + ENTER)
    assert status == 0
    assert shown[-1].strip().startswith("Goodbye, and take care.")
    assert not any("caffeine." in text for text in shown)     # nothing after the farewell was read


def test_a_pasted_block_is_answered_question_by_question(tea_bot):
    status, shown = converse(tea_bot, "does green tea contain caffeine? how do I brew coffee?" + ENTER + CTRL_D)
    assert status == 0
    assert shown[1].startswith("\n(1 of 2) does green tea contain caffeine?\nYes, green tea contains some caffeine.")
    assert shown[2].startswith("\n(2 of 2) how do I brew coffee?\nPour hot water over ground coffee.")


def test_why_shows_the_candidates_behind_the_last_answer(tea_bot):
    _, shown = converse(tea_bot, "how do I brew green tea" + ENTER + "/why" + ENTER)
    lines = shown[2].strip("\n").split("\n")
    assert lines[0] == 'How I chose my last answer (to "how do I brew green tea"):'
    assert lines[1].startswith("  status: answered  score: ")
    candidates = [line.split()[2] for line in lines if line[:4].strip().rstrip(".").isdigit()]
    assert candidates[0] == "tea-brew"
    assert "coffee-brew" in candidates
    assert lines[-1] == "  conversation topic: green tea"


def test_why_before_any_question(tea_bot):
    _, shown = converse(tea_bot, "/why" + ENTER)
    assert shown[1] == "\nAsk a question first; then /why shows how I chose my answer.\n\n"


def test_a_mistyped_command_is_answered_politely(tea_bot):
    replies = []
    _, shown = converse(tea_bot, "/topic" + ENTER + "/hepl" + ENTER, on_reply=replies.append)
    assert shown[1] == ("\nSorry, I don't know the command /topic. Did you mean /topics? The commands are\n"
                        "/help, /topics, /why, /quit.\n\n")
    assert shown[2].startswith("\nSorry, I don't know the command /hepl. Did you mean /help?")
    assert replies == []  # a mistyped command is not sent to the bot as a question


def test_a_line_starting_with_a_slash_that_is_no_command_is_a_message(tea_bot):
    """Every line reaches triage: "/my son is having a seizure" is an emergency, with the
    disclaimer; "/nope at all" is answered like any other question."""
    replies = []
    _, shown = converse(tea_bot, "/my son is having a seizure right now" + ENTER + "/nope at all" + ENTER
                        + "/seizure" + ENTER, on_reply=replies.append)
    assert [r.status for r in replies] == ["emergency", "fallback", "fallback"]
    assert shown[1] == "\n" + wrap(tea_bot.triage.message, 79) + "\n\n" + DISCLAIMER + "\n\n"   # 80 columns
    assert shown[2].rstrip().endswith(DISCLAIMER)


def test_the_urgent_instruction_stands_out_on_a_terminal_and_is_plain_when_piped(tea_bot):
    _, coloured = converse(tea_bot, "i took 30 tablets" + ENTER, colour=True)
    _, plain = converse(tea_bot, "i took 30 tablets" + ENTER, colour=False)
    first_line = wrap(tea_bot.triage.message, 79).split("\n")[0]                  # 80 columns
    assert coloured[1].startswith("\n\x1b[1;31m" + first_line + "\x1b[0m\n")
    assert coloured[1].endswith("\n\n" + DISCLAIMER + "\n\n")     # the disclaimer is not styled
    assert "\x1b" not in plain[1] and plain[1].startswith("\n" + first_line + "\n")
    _, answer = converse(tea_bot, "does green tea contain caffeine" + ENTER, colour=True)
    assert "\x1b" not in answer[1]


# --- nothing shown can drive the terminal ----------------------------------------------------


def test_control_characters_in_documents_are_shown_escaped(tmp_path):
    folder = write_folder(tmp_path / "intents", {
        "x.yaml": """\
            intents:
              - id: evil
                question: What is evil?
                answer: "Red \\e[31malert\\e]0;title\\a and a bell \\a."
                topic: evil
            """,
        "bot.yaml": "disclaimer: Careful.\n",
    })
    _, shown = converse(Bot.from_folder(folder), "what is evil" + ENTER)
    assert shown[1] == "\nRed \\x1b[31malert\\x1b]0;title\\x07 and a bell \\x07.\n\nCareful.\n\n"
    assert not any("\x1b" in text or "\x07" in text for text in shown)


# --- completion: plain Python, no terminal ----------------------------------------------------

QUESTIONS = ["Can I drink alcohol while taking magnesium valproate?", "How does magnesium valproate work?",
             "Is magnesium valproate addictive?", "What is hypomagnesemia?", "What is the treatment?"]


def test_questions_starting_with_the_typed_text_come_first():
    """A question that begins with what was typed ranks above one that merely contains its words."""
    assert completion_matches(QUESTIONS, "what is") == ["What is hypomagnesemia?", "What is the treatment?"]
    assert completion_matches(QUESTIONS, "is ma") == ["Is magnesium valproate addictive?"]


def test_every_typed_word_must_begin_a_word_of_the_question_in_any_order():
    """Typed words match the beginnings of the question's words, in any order, so a patient can
    type the words they remember."""
    assert completion_matches(QUESTIONS, "alcohol valp") == ["Can I drink alcohol while taking magnesium valproate?"]
    assert completion_matches(QUESTIONS, "valproate work") == ["How does magnesium valproate work?"]
    assert completion_matches(QUESTIONS, "alcohol hypo") == []


def test_words_inside_other_words_do_not_match():
    """'rate' is inside 'valproate' but begins no word, so it completes nothing."""
    assert completion_matches(QUESTIONS, "rate") == []


def test_case_typography_and_spaces_are_ignored():
    """Capitals, curly quotes and extra spaces do not change the matches."""
    assert completion_matches(QUESTIONS, "  WHAT   Is  HYPO") == ["What is hypomagnesemia?"]
    assert completion_matches(["Can\u2019t I sleep?"], "can't") == ["Can\u2019t I sleep?"]


def test_too_little_typed_completes_nothing():
    """Fewer than two characters (or only punctuation) offer nothing, so Tab does not flood the screen."""
    assert completion_matches(QUESTIONS, "") == []
    assert completion_matches(QUESTIONS, "w") == []
    assert completion_matches(QUESTIONS, "??") == []


def test_at_most_limit_questions_are_offered():
    """The list is cut at ``limit``, keeping the best first."""
    many = [f"What is item {n}?" for n in range(30)]
    assert completion_matches(many, "what", limit=5) == many[:5]


def test_commands_complete_after_a_slash():
    """'/' offers every command in /help order; more letters narrow it, case ignored."""
    assert command_matches("/") == list(COMMANDS)
    assert command_matches("/T") == ["/topics"]
    assert command_matches("/x") == []


def test_the_completer_replaces_the_whole_line():
    """A completion replaces all that was typed, and commands carry their meaning."""
    completer = QuestionCompleter(QUESTIONS + QUESTIONS)  # duplicates are offered once
    found = list(completer.get_completions(Document("is magn"), None))
    assert [(c.text, c.start_position) for c in found] == [("Is magnesium valproate addictive?", -7)]
    commands = list(completer.get_completions(Document("/he"), None))
    assert [(c.text, c.start_position, c.display_meta_text) for c in commands] == [("/help", -3, "show this help")]


def test_the_key_hints_shrink_to_fit_the_terminal():
    """The widest hint line that fits is shown; a very narrow terminal shows none rather than a cut one."""
    assert toolbar_text(120) == TOOLBARS[0]
    assert toolbar_text(len(TOOLBARS[1])) == TOOLBARS[1]
    assert toolbar_text(30) == TOOLBARS[2]
    assert toolbar_text(10) == ""


# --- wrapping -----------------------------------------------------------------------------------


def test_wrap_keeps_short_lines_and_hangs_list_items():
    text = "short\n- a list item that is long enough to wrap\n  2. numbered and long enough too"
    assert wrap(text, 20) == ("short\n- a list item that\n  is long enough to\n  wrap\n"
                              "  2. numbered and\n     long enough too")


def test_wrap_never_cuts_long_words_or_hyphenated_names():
    assert wrap("see https://example.org/a/very/long/link and N-methyl-D-aspartate", 12) == (
        "see\nhttps://example.org/a/very/long/link\nand\nN-methyl-D-aspartate")


# --- history: in memory unless asked for, and then private ----------------------------------------


class _Terminal(io.StringIO):
    """A standard input that says it is a terminal, so ``faqbot chat`` starts the prompt."""

    def isatty(self):
        return True


def chat_through_main(argv: list[str], keys: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(keys)
        pipe.close()
        status = main(argv, stdin=_Terminal(), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def test_history_file_is_created_private_and_keeps_questions(tea_folder, tmp_path):
    history = tmp_path / "history.txt"
    status, out, err = chat_through_main(["chat", "--intents", str(tea_folder), "--history", str(history)],
                                         "how do I brew coffee" + ENTER)
    # Staff see which intents answer, on standard error above the welcome; the patient sees the welcome.
    assert (status, err) == (0, f"faqbot: intents folder: {tea_folder} (--intents)\n")
    assert out.startswith("Hello, I'm teabot.")
    assert "Pour hot water over ground coffee." in out
    assert stat.S_IMODE(os.stat(history).st_mode) == 0o600
    assert "+how do I brew coffee\n" in history.read_text()


def test_an_existing_history_file_is_made_private(tea_folder, tmp_path):
    history = tmp_path / "history.txt"
    history.write_text("\n# earlier\n+how do I brew coffee\n")
    history.chmod(0o644)
    status, _, _ = chat_through_main(["chat", "--intents", str(tea_folder), "--history", str(history)], "")
    assert status == 0
    assert stat.S_IMODE(os.stat(history).st_mode) == 0o600
    assert history.read_text().startswith("\n# earlier\n+how do I brew coffee\n")


def test_nothing_is_written_to_disk_without_history(tea_folder, tmp_path, monkeypatch):
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    before = sorted(p for p in tmp_path.rglob("*"))
    status, out, _ = chat_through_main(["--intents", str(tea_folder)],
                                       "does green tea contain caffeine" + ENTER + CTRL_D)
    assert status == 0
    assert "Yes, green tea contains some caffeine." in out
    assert sorted(p for p in tmp_path.rglob("*")) == before


@pytest.mark.parametrize("make, message", [
    (lambda d: d, "is a directory, not a file"),
    (lambda d: d / "missing" / "history.txt", "folder does not exist"),
    (lambda d: (d / "file.txt", (d / "file.txt").write_text("x"))[0] / "history.txt", "cannot open: Not a directory"),
])
def test_an_unusable_history_file_is_a_one_line_error(tea_folder, tmp_path, make, message):
    target = make(tmp_path)
    status, out, err = chat_through_main(["chat", "--intents", str(tea_folder), "--history", str(target)], "")
    assert (status, out) == (2, "")
    assert err == f"faqbot: error: {target}: {message}\n"


def test_a_history_file_the_bot_may_not_open_is_a_one_line_error(tea_folder, tmp_path, monkeypatch):
    """As root every file is readable, so the refusal is simulated where the file is opened."""
    history = tmp_path / "history.txt"
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if str(path) == str(history):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("faqbot.files.os.open", refuse)
    status, out, err = chat_through_main(["chat", "--intents", str(tea_folder), "--history", str(history)], "")
    assert (status, out, err) == (2, "", f"faqbot: error: {history}: permission denied\n")


def test_a_history_file_that_is_not_text_still_starts_the_prompt(tea_folder, tmp_path):
    history = tmp_path / "history.txt"
    history.write_bytes(b"\xff\xfe\x00garbage\n+\xc3(\n")
    status, out, err = chat_through_main(["chat", "--intents", str(tea_folder), "--history", str(history)],
                                         "how do I brew coffee" + ENTER)
    assert (status, err) == (0, f"faqbot: intents folder: {tea_folder} (--intents)\n")
    assert "Pour hot water over ground coffee." in out


# --- the command registry ---------------------------------------------------------------------


def test_every_spelling_of_a_command_finds_it_case_ignored():
    from faqbot.repl import find_command

    assert find_command("/HELP").name == "/help"
    assert find_command("  /Topics ").name == "/topics"
    for spelling in ("/quit", "/exit", "/q", "/bye", "quit", "EXIT"):
        assert find_command(spelling).name == "/quit" and find_command(spelling).leaves
    assert find_command("/help me") is None and find_command("help") is None
    assert [c.name for c in COMMANDS.values()] == ["/help", "/topics", "/why", "/quit"]


def test_a_spelling_cannot_be_registered_twice():
    from faqbot.repl import command

    with pytest.raises(ValueError, match="REPL command /q is registered twice"):
        command("/query", "never registered", aliases=("/q",))(lambda context: "")
    assert "/query" not in COMMANDS


def test_why_shows_the_reason(tea_bot):
    _, shown = converse(tea_bot, "how do I brew coffee" + ENTER + "/why" + ENTER)
    lines = shown[2].strip("\n").split("\n")
    reason = tea_bot.reply("how do I brew coffee").reason
    assert lines[2] == f"  reason: {reason.text}"
