"""The interactive prompt for patients: prompt_toolkit session, completion, commands, context.

``run_repl`` owns the PromptSession; the Bot decides every answer. Input and output can be given
(prompt_toolkit's ``create_pipe_input`` and ``DummyOutput`` in tests), and everything shown goes
through ``printable`` so no question or document can drive the terminal.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import Completer, Completion
from prompt_toolkit.history import FileHistory, InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings

from .bot import Bot, Conversation, explain
from .text import printable

COMMANDS = {
    "/help": "show this help",
    "/topics": "list the questions I can answer, by document",
    "/why": "show the candidates and scores behind my last answer",
    "/quit": "leave (Ctrl-D works too)",
}


class QuestionCompleter(Completer):
    """Completes commands after '/', and known questions whose words start like the typed text."""

    def __init__(self, questions: list[str]):
        self.questions = sorted(set(questions), key=str.lower)

    def get_completions(self, document, complete_event):
        typed = document.text_before_cursor
        if typed.startswith("/"):
            for command, meaning in COMMANDS.items():
                if command.startswith(typed.strip()):
                    yield Completion(command, start_position=-len(typed), display_meta=meaning)
            return
        needle = typed.strip().lower()
        if len(needle) < 2:
            return
        for question in completion_matches(self.questions, needle):
            yield Completion(question, start_position=-len(typed))


def completion_matches(questions: list[str], needle: str, limit: int = 12) -> list[str]:
    """Questions that start with the typed text first, then those containing every typed word."""
    words = needle.lower().split()
    starts = [q for q in questions if q.lower().startswith(needle.lower())]
    contains = [q for q in questions if q not in starts and all(w in q.lower() for w in words)]
    return (starts + contains)[:limit]


def welcome_text(bot: Bot) -> str:
    return (f"Hello, I'm {bot.intent_set.name}. I answer questions about {bot.topics_sentence()} "
            "from my source documents. Type a question, /help for commands, Ctrl-D to leave.")


def help_text() -> str:
    lines = ["Ask a question in your own words, or use a command:"]
    lines += [f"  {command:8} {meaning}" for command, meaning in COMMANDS.items()]
    lines.append("Up/Down recalls earlier questions; Tab completes known questions.")
    return "\n".join(lines)


def topics_text(bot: Bot) -> str:
    lines = []
    for topic, intents in bot.intent_set.topics().items():
        lines.append(f"{topic}:")
        lines += [f"  - {intent.question}" for intent in intents]
    return "\n".join(lines)


def run_repl(bot: Bot, input=None, output=None, history_file: Path | None = None,
             write: Callable[[str], None] | None = None, on_reply: Callable | None = None) -> int:
    """Run the conversation until /quit or Ctrl-D; returns the exit status (0).

    ``write`` receives every text shown (default: standard output); ``on_reply`` every Reply.
    """
    history = FileHistory(str(history_file)) if history_file else InMemoryHistory()
    bindings = KeyBindings()
    session = PromptSession(history=history, completer=QuestionCompleter(
        [i.question for i in bot.intent_set.intents]), complete_while_typing=False,
        key_bindings=bindings, input=input, output=output)
    conversation = Conversation()

    def say(text: str) -> None:
        if write is not None:
            write(printable(text) + "\n")
        else:
            sys.stdout.write(printable(text) + "\n")
            sys.stdout.flush()

    say(welcome_text(bot))
    while True:
        try:
            line = session.prompt("you> ")
        except KeyboardInterrupt:
            continue  # Ctrl-C abandons the line being typed
        except EOFError:
            say("Goodbye.")
            return 0
        command = line.strip().lower()
        if not command:
            continue
        if command in ("/quit", "/exit", "/q"):
            say("Goodbye.")
            return 0
        if command == "/help":
            say(help_text())
            continue
        if command == "/topics":
            say(topics_text(bot))
            continue
        if command == "/why":
            say("\n".join(explain(conversation.last)) if conversation.last else "Ask a question first.")
            continue
        if command.startswith("/"):
            say(f"Unknown command {line.strip()}. Type /help for the commands.")
            continue
        reply = bot.reply(line, conversation)
        if on_reply is not None:
            on_reply(reply)
        say("\n" + reply.text + "\n")
