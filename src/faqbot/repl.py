"""The interactive prompt for patients: prompt_toolkit session, completion, commands, context.

``run_repl`` owns the PromptSession; the Bot decides every answer, and the Conversation carries the
topic from one turn to the next. Input and output can be given (prompt_toolkit's
``create_pipe_input`` and ``DummyOutput`` in tests), and everything shown goes through
``printable`` so no question or document can drive the terminal. The pieces a terminal is not
needed for (completion ranking, command texts, wrapping) are plain functions, tested as such.

Commands live in one registry (``COMMANDS``), declared with ``@command(name, help, aliases=...)`` as
litecli declares its special commands: /help, completion and the "did you mean" hint all read it.
Every sentence shown comes from ``messages``.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
import textwrap
from dataclasses import dataclass
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

from . import messages
from .bot import Bot, Conversation, Reply
from .explain import explain
from .language.normalise import normalize
from .display import one_line, printable
from .files import prepare_private_file

MAX_WIDTH = 100     # wider lines are hard to read, whatever the terminal
MIN_QUESTION_CHARS = 2
# The key hints at the bottom, longest first: the widest that fits the terminal is shown.
TOOLBARS = (" Tab: complete a question   Up/Down: earlier questions   /help   Ctrl-D: leave ",
            " Tab: complete   Up/Down: history   /help   Ctrl-D: leave ", " /help   Ctrl-D: leave ")
STYLE = Style.from_dict({"prompt": "bold"})
_WORD = re.compile(r"[^\W_]+")
_HANGING = re.compile(r"^\s*(?:(?:[-*\u2022]|\d+[.)])\s+)?")


# --- the command registry ------------------------------------------------------------------------


@dataclass(frozen=True)
class CommandContext:
    """What a command handler may look at: the bot, this session's conversation, the typed line."""

    bot: Bot
    conversation: Conversation
    text: str


@dataclass(frozen=True)
class Command:
    """One REPL command: its name (shown in /help), other spellings that run it, its help text, and
    the handler that returns the text to show. A command that ``leaves`` ends the session."""

    name: str
    help: str
    handler: Callable[[CommandContext], str]
    aliases: tuple[str, ...] = ()
    leaves: bool = False


COMMANDS: dict[str, Command] = {}       # by name, in /help order
_SPELLINGS: dict[str, Command] = {}     # every name and alias, lower case


def command(name: str, help: str, aliases: tuple[str, ...] = (), leaves: bool = False):
    """Register the decorated handler as a REPL command (names and aliases are matched whole,
    case ignored; an alias without a slash is a bare word a patient is likely to type)."""

    def register(handler: Callable[[CommandContext], str]) -> Callable[[CommandContext], str]:
        entry = Command(name, help, handler, tuple(aliases), leaves)
        for spelling in (name, *aliases):
            if spelling.lower() in _SPELLINGS:
                raise ValueError(f"REPL command {spelling} is registered twice")
            _SPELLINGS[spelling.lower()] = entry
        COMMANDS[name] = entry
        return handler

    return register


def find_command(text: str) -> Command | None:
    """The command this whole line names (any registered spelling, case and outer spaces ignored)."""
    return _SPELLINGS.get(text.strip().lower())


@command("/help", "show this help")
def _help_command(context: CommandContext) -> str:
    return help_text()


@command("/topics", "list the questions I can answer, numbered")
def _topics_command(context: CommandContext) -> str:
    # The numbers shown answer the next turn, like the options of a reply.
    context.conversation.options = [intent for intents in context.bot.intent_set.topics().values() for intent in intents]
    return topics_text(context.bot)


@command("/why", "show the candidates and scores behind my last answer")
def _why_command(context: CommandContext) -> str:
    return why_text(context.conversation)


@command("/quit", "leave (Ctrl-D or \"bye\" works too)", aliases=("/exit", "/q", "/bye", "quit", "exit"), leaves=True)
def _quit_command(context: CommandContext) -> str:
    return messages.GOODBYE


class QuestionCompleter(Completer):
    """Tab completion: commands after '/', otherwise the known questions ranked by
    ``completion_matches``; a completion replaces the whole line."""

    def __init__(self, questions: list[str]):
        self.questions = sorted(set(questions), key=str.lower)

    def get_completions(self, document, complete_event):
        typed = document.text_before_cursor
        if typed.lstrip().startswith("/"):
            for command in command_matches(typed):
                yield Completion(command, start_position=-len(typed), display_meta=COMMANDS[command].help)
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
    lines = [messages.WELCOME.format(name=bot.intent_set.name, topics=bot.topics_sentence())]
    if examples:
        lines.append(messages.WELCOME_EXAMPLES.format(examples=" or ".join(examples[:2])))
    return "\n".join([*lines, messages.WELCOME_COMMANDS])


def help_text() -> str:
    """The /help text, generated from the command registry."""
    lines = [messages.HELP_INTRO]
    lines += [messages.HELP_COMMAND.format(name=entry.name, meaning=entry.help) for entry in COMMANDS.values()]
    return "\n".join([*lines, *messages.HELP_TIPS])


def topics_text(bot: Bot) -> str:
    lines = [messages.TOPICS_INTRO]
    number = 0
    for topic, intents in bot.intent_set.topics().items():
        # A topic as a patient would say it (its document's subject), never a file name.
        lines.append("")
        lines.append(messages.TOPICS_HEADING.format(topic=messages.sentence_case(topic)))
        for intent in intents:
            number += 1
            lines.append(messages.TOPICS_ITEM.format(number=number, question=intent.question))
    lines += ["", messages.TOPICS_OUTRO]
    return "\n".join(lines)


def why_text(conversation: Conversation) -> str:
    """The explanation of the last reply, for curious patients and for staff."""
    last = conversation.last
    if last is None:
        return messages.WHY_NOTHING_YET
    lines = [messages.WHY_INTRO.format(question=one_line(last.question, 60))]
    lines += ["  " + line for line in explain(last)]
    if conversation.topic:
        lines.append(messages.WHY_TOPIC.format(topic=conversation.topic))
    return "\n".join(lines)


def unknown_command_text(text: str) -> str:
    """A polite answer to a mistyped command, with the nearest real one when there is one."""
    typed = text.split()[0] if text.split() else text
    close = difflib.get_close_matches(typed.lower(), list(COMMANDS), n=1, cutoff=0.6)
    hint = messages.UNKNOWN_COMMAND_HINT.format(command=close[0]) if close else ""
    return messages.UNKNOWN_COMMAND.format(command=one_line(typed, 40), hint=hint, commands=", ".join(COMMANDS))


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
        prepare_private_file(self.filename, "history")    # the file policy: owner-only, devices as they are
        super().store_string(string)


def mistyped_command(text: str, bot: Bot) -> bool:
    """A lone "/word" close to a command ("/topic") in which triage finds nothing: answered with
    the nearest command. Any other line that is no command is a message, "/" or not."""
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
    """Wrapped text whose urgent paragraphs are bold red on a terminal; plain when ``colour`` is off."""
    out = []
    for paragraph in shown.split("\n\n"):
        wrapped = wrap(paragraph, width)
        if colour and paragraph.strip() in urgent:
            wrapped = "\n".join(URGENT_STYLE[0] + line + URGENT_STYLE[1] if line.strip() else line
                                for line in wrapped.split("\n"))
        out.append(wrapped)
    return "\n\n".join(out)


def run_repl(bot: Bot, input=None, output=None, history_file: Path | None = None,
             write: Callable[[str], None] | None = None, on_reply: Callable[[Reply], None] | None = None,
             colour: bool | None = None) -> int:
    """Run the conversation until /quit, a farewell ("bye", "see you") or Ctrl-D; returns the exit
    status (0). A pasted block of several questions is answered question by question, each
    reply headed "(2 of 3) question".

    ``write`` receives every text shown (default: standard output); ``on_reply`` every Reply.
    History stays in memory unless ``history_file`` is given (the caller creates it private).
    ``colour`` (default: standard output is a terminal and NO_COLOR is unset) makes an
    emergency's urgent instruction bold red; piped output stays plain.
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
                say(messages.HOW_TO_LEAVE)
            continue
        except EOFError:
            say(messages.GOODBYE)
            return 0
        text = line.strip()
        if not text:
            continue
        entry = find_command(text)
        if entry is not None:
            shown = entry.handler(CommandContext(bot, conversation, text))
            if entry.leaves:
                say(shown)
                return 0
            say("\n" + shown + "\n")
            continue
        if mistyped_command(text, bot):
            say("\n" + unknown_command_text(text) + "\n")
            continue
        try:
            # Every other line is a message, "/" or not: "/my son is having a seizure" reaches
            # triage like any other, and gets the disclaimer.
            replies = bot.replies(line, conversation)
            for number, reply in enumerate(replies, 1):
                if on_reply is not None:
                    on_reply(reply)
                heading = ""
                if len(replies) > 1:
                    heading = messages.SEVERAL_QUESTIONS.format(number=number, count=len(replies),
                                                               question=one_line(reply.question, 200)) + "\n"
                say("\n" + heading + reply.text + "\n", urgent_paragraphs(bot, reply))
                if reply.ends_conversation:
                    return 0
        except KeyboardInterrupt:
            # Ctrl-C while a reply is worked out or shown: drop it and prompt again, as a shell does.
            say(messages.INTERRUPTED)

