"""faqbot: answers patients' questions with text taken only from its source documents.

The library face: ``faqbot.load(folder)`` gives a ``faqbot.Bot``; ``bot.reply(question)`` a Reply
whose text always ends with the disclaimer. Imported lazily, so ``import faqbot`` stays cheap for
the command line and for tools that need only one layer.
"""

from __future__ import annotations

__version__ = "1.0.0"
__all__ = ["Bot", "Conversation", "Reply", "Status", "load", "__version__"]


def load(folder=None):
    """A Bot for an intents folder (the bundled one when ``folder`` is None); raises DataFileError."""
    from .bot import Bot
    from .content.intents import bundled_intents

    return Bot.from_folder(folder if folder is not None else bundled_intents())


def __getattr__(name: str):
    if name in ("Bot", "Conversation", "Reply", "Status"):
        from . import bot

        return getattr(bot, name)
    raise AttributeError(f"module 'faqbot' has no attribute {name!r}")
