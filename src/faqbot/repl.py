"""The interactive prompt for patients: prompt_toolkit session, completion, commands, context.

``run_repl`` owns the PromptSession; the Bot decides every answer, and the Conversation carries the
topic from one turn to the next. Input and output can be given (prompt_toolkit's
``create_pipe_input`` and ``DummyOutput`` in tests), and everything shown goes through
``printable`` so no question or document can drive the terminal. The pieces a terminal is not
needed for (completion ranking, command texts, wrapping) are plain functions, tested as such.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
import textwrap
from pathlib import Path
from typing import Callable

from prompt_toolkit import PromptSession
from prompt_toolkit.application import get_app
from prompt_toolkit.completion import Completer, Completion
from prompt_toolkit.history import FileHistory, InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.keys import Keys
from prompt_toolkit.output import create_output
from prompt_toolkit.styles import Style

from .bot import Bot, Conversation, Reply, explain
from .language.normalise import normalize
from .display import one_line, printable

COMMANDS = {
    "/help": "show this help",
    "/topics": "list the questions I can answer, by document",
    "/why": "show the candidates and scores behind my last answer",
    "/quit": "leave (Ctrl-D works too)",
}
# Ways to leave: the commands, and the bare words a patient is likely to type.
QUIT_WORDS = {"/quit", "/exit", "/q", "/bye", "quit", "exit"}
MAX_WIDTH = 100     # wider lines are hard to read, whatever the terminal
MIN_QUESTION_CHARS = 2
# The key hints at the bottom, longest first: the widest that fits the terminal is shown.
TOOLBARS = (" Tab: complete a question   Up/Down: earlier questions   /help   Ctrl-D: leave ",
            " Tab: complete   Up/Down: history   /help   Ctrl-D: leave ", " /help   Ctrl-D: leave ")
STYLE = Style.from_dict({"prompt": "bold"})
_WORD = re.compile(r"[^\W_]+")
_HANGING = re.compile(r"^\s*(?:(?:[-*\u2022]|\d+[.)])\s+)?")


class QuestionCompleter(Completer):
    """Tab completion: commands after '/', otherwise the known questions ranked by
    ``completion_matches``; a completion replaces the whole line."""

    def __init__(self, questions: list[str]):
        self.questions = sorted(set(questions), key=str.lower)

    def get_completions(self, document, complete_event):
        typed = document.text_before_cursor
        if typed.lstrip().startswith("/"):
            for command in command_matches(typed):
                yield Completion(command, start_position=-len(typed), display_meta=COMMANDS[command])
            return
        for question in completion_matches(self.questions, typed):
            # The menu shows intents-file text: inert, like everything else the REPL shows.
            yield Completion(question, start_position=-len(typed), display=one_line(question, 200))


def command_matches(typed: str) -> list[str]:
    """The commands that begin with what was typed (case ignored), in /help order."""
    prefix = typed.strip().lower()
    return [command for command in COMMANDS if command.startswith(prefix)]


def completion_matches(questions: list[str], typed: str, limit: int = 12) -> list[str]:
    """Known questions for the typed text, best first.

    Questions that begin with the typed text come first; then those in which every typed word
    begins some word of the question, in any order ("alcohol valp" finds "Can I drink alcohol
    while taking magnesium valproate?"). Case, typography and extra spaces are ignored; fewer than
    two typed characters complete nothing, so Tab on an empty line does not flood the screen.
    """
    needle = normalize(typed)
    if len(needle) < MIN_QUESTION_CHARS:
        return []
    typed_words = _WORD.findall(needle)
    starts, contains = [], []
    for question in questions:
        normal = normalize(question)
        if normal.startswith(needle):
            starts.append(question)
        elif typed_words:
            words = _WORD.findall(normal)
            if all(any(word.startswith(typed_word) for word in words) for typed_word in typed_words):
                contains.append(question)
    return (starts + contains)[:limit]


def welcome_text(bot: Bot) -> str:
    """What the bot answers, how it answers, and how to get help or leave: all in three lines."""
    examples = [f"\"{min((i.question for i in intents), key=len)}\"" for intents in bot.intent_set.topics().values()]
    text = (f"Hello, I'm {bot.intent_set.name}. I answer questions about {bot.topics_sentence()}, "
            "using only the text of my source documents, and I say so when I'm not sure.")
    if examples:
        text += "\nAsk in your own words, for example: " + " or ".join(examples[:2])
    return text + "\nType /help for commands, /topics for everything I can answer, Ctrl-D to leave."


def help_text() -> str:
    lines = ["Ask a question in your own words, or use a command:"]
    lines += [f"  {command:8} {meaning}" for command, meaning in COMMANDS.items()]
    lines += ["A follow-up such as \"what about alcohol?\" stays on the same subject.",
              "When I offer numbered questions, reply with the number to read one.",
              "Tab completes questions, Up/Down recalls earlier ones, Ctrl-C clears the line."]
    return "\n".join(lines)


def topics_text(bot: Bot) -> str:
    lines = ["These are the questions I can answer (Tab completes them at the prompt):"]
    for topic, intents in bot.intent_set.topics().items():
        files = sorted({i.source.file for i in intents if i.source is not None})
        lines.append("")
        lines.append(f"{topic} (from {', '.join(files)}):" if files else f"{topic}:")
        lines += [f"  - {intent.question}" for intent in intents]
    return "\n".join(lines)


def why_text(conversation: Conversation) -> str:
    """The explanation of the last reply, for curious patients and for staff."""
    last = conversation.last
    if last is None:
        return "Ask a question first; then /why shows how I chose my answer."
    lines = [f"How I chose my last answer (to \"{one_line(last.question, 60)}\"):"]
    lines += ["  " + line for line in explain(last)]
    if conversation.topic:
        lines.append(f"  conversation topic: {conversation.topic}")
    return "\n".join(lines)


def unknown_command_text(text: str) -> str:
    """A polite answer to a mistyped command, with the nearest real one when there is one."""
    command = text.split()[0] if text.split() else text
    shown = one_line(command, 40)
    close = difflib.get_close_matches(command.lower(), list(COMMANDS), n=1, cutoff=0.6)
    hint = f"Did you mean {close[0]}? " if close else ""
    return f"Sorry, I don't know the command {shown}. {hint}The commands are {', '.join(COMMANDS)}."


def wrap(text: str, width: int) -> str:
    """Wrap each line to ``width`` at spaces; list items and numbered lines keep a hanging indent,
    and long words (names, links) are never cut."""
    lines = []
    for line in text.split("\n"):
        if len(line) <= width:
            lines.append(line)
            continue
        indent = " " * len(_HANGING.match(line).group())
        lines += textwrap.wrap(line, width, subsequent_indent=indent, break_long_words=False,
                               break_on_hyphens=False) or [""]
    return "\n".join(lines)


def _ignore_mouse_reports() -> KeyBindings:
    """Drop what looks like a terminal mouse report. Typed or pasted text such as "ESC[31m" parses
    as one, and prompt_toolkit's own handler then crashes into "Press ENTER to continue..." (for
    ever, once input has ended). Mouse support is off, so no real report is lost."""
    bindings = KeyBindings()

    @bindings.add(Keys.Vt100MouseEvent)
    def _(event) -> None:
        pass

    return bindings


def toolbar_text(columns: int) -> str:
    """The key hints for a terminal this wide; none when even the shortest would be cut."""
    return next((text for text in TOOLBARS if len(text) <= columns), "")


def _toolbar() -> str:
    return toolbar_text(get_app().output.get_size().columns)


class PrivateFileHistory(FileHistory):
    """prompt_toolkit's file history, but a file it has to create again (removed during the
    session) is created owner-only, like the one the CLI made at start: it holds what the
    patient typed."""

    def store_string(self, string: str) -> None:
        os.close(os.open(self.filename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        super().store_string(string)


def is_command(text: str) -> bool:
    """Whether a line is one of the commands; any other line, "/" or not, is a message."""
    return text.strip().lower() in COMMANDS


def mistyped_command(text: str, bot: Bot) -> bool:
    """A lone "/word" close to a command ("/topic") in which triage finds nothing: answered with
    the nearest command instead of the bot's "I can't answer that"."""
    words = text.split()
    return (len(words) == 1 and words[0].startswith("/")
            and bool(difflib.get_close_matches(words[0].lower(), list(COMMANDS), n=1, cutoff=0.6))
            and bot.triage.assess(text).urgent is None)


URGENT_STYLE = ("\x1b[1;31m", "\x1b[0m")   # bold red: the urgent instruction stands out on a terminal


def urgent_paragraphs(bot: Bot, reply: Reply) -> set[str]:
    """The paragraphs of an emergency reply that tell the patient what to do now."""
    if reply.status != "emergency":
        return set()
    findings = reply.triage.findings if reply.triage is not None else []
    return {bot.triage.message, bot.triage.crisis_line} | {f.advice for f in findings if f.advice}


def styled(shown: str, urgent: set[str], width: int, colour: bool) -> str:
    """Wrapped reply text with its urgent paragraphs in bold red on a terminal; plain otherwise."""
    paragraphs = shown.split("\n\n")
    out = []
    for paragraph in paragraphs:
        wrapped = wrap(paragraph, width)
        if colour and paragraph.strip() in urgent:
            wrapped = "\n".join(URGENT_STYLE[0] + line + URGENT_STYLE[1] for line in wrapped.split("\n"))
        out.append(wrapped)
    return "\n\n".join(out)


def run_repl(bot: Bot, input=None, output=None, history_file: Path | None = None,
             write: Callable[[str], None] | None = None, on_reply: Callable[[Reply], None] | None = None,
             colour: bool | None = None) -> int:
    """Run the conversation until /quit or Ctrl-D; returns the exit status (0).

    ``write`` receives every text shown (default: standard output); ``on_reply`` every Reply.
    History stays in memory unless ``history_file`` is given (the caller creates it private).
    ``colour`` (default: standard output is a terminal and NO_COLOR is unset) makes an
    emergency's urgent instruction bold red.
    """
    if colour is None:
        colour = write is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    history = PrivateFileHistory(str(history_file)) if history_file else InMemoryHistory()
    if output is None and not sys.stdout.isatty() and sys.stderr.isatty():
        output = create_output(always_prefer_tty=True)  # `faqbot | tee`: the prompt on the terminal
    session = PromptSession(history=history, completer=QuestionCompleter([i.question for i in bot.intent_set.intents]),
                            complete_while_typing=False, bottom_toolbar=_toolbar, style=STYLE,
                            key_bindings=_ignore_mouse_reports(), input=input, output=output)
    conversation = Conversation()

    def say(text: str, urgent: set[str] = frozenset()) -> None:
        columns = session.output.get_size().columns
        width = max(20, min(columns - 1, MAX_WIDTH))
        shown = (styled(printable(text), {printable(u) for u in urgent}, width, colour) if urgent
                 else wrap(printable(text), width)) + "\n"
        if write is not None:
            write(shown)
        else:
            sys.stdout.write(shown)
            sys.stdout.flush()

    say(welcome_text(bot))
    while True:
        try:
            line = session.prompt([("class:prompt", "you> ")])
        except KeyboardInterrupt:
            # Ctrl-C abandons the line being typed; on an empty line, say how to leave.
            if not session.default_buffer.text.strip():
                say("(To leave, press Ctrl-D or type /quit.)")
            continue
        except EOFError:
            say("Goodbye, and take care.")
            return 0
        text = line.strip()
        command = text.lower()
        if not text:
            continue
        if command in QUIT_WORDS:
            say("Goodbye, and take care.")
            return 0
        if is_command(command) or mistyped_command(text, bot):
            say("\n" + _command(command, text, bot, conversation) + "\n")
            continue
        try:
            # Every other line is a message, "/" or not: "/my son is having a seizure" reaches
            # triage like any other, and gets the disclaimer.
            reply = bot.reply(line, conversation)
            if on_reply is not None:
                on_reply(reply)
            say("\n" + reply.text + "\n", urgent_paragraphs(bot, reply))
        except KeyboardInterrupt:
            # Ctrl-C while a reply is worked out or shown: drop it and prompt again, as a shell does.
            say("\n(Interrupted.)")


def _command(command: str, text: str, bot: Bot, conversation: Conversation) -> str:
    if command == "/help":
        return help_text()
    if command == "/topics":
        return topics_text(bot)
    if command == "/why":
        return why_text(conversation)
    return unknown_command_text(text)
