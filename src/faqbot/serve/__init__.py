"""The web front end (``faqbot serve``): an HTTP API and an embeddable chat page over the same Bot.

Needs the ``web`` extra (Starlette, uvicorn). ``create_app(bot, config)`` gives the ASGI app.
Only this package imports the web stack, and only when ``create_app`` or the server is used:
``serve.options`` (what cli.py reads for ``--help``) does not.
"""

from __future__ import annotations

__all__ = ["ServeConfig", "create_app"]


def __getattr__(name: str):
    if name == "create_app":
        from .app import create_app

        return create_app
    if name == "ServeConfig":
        from .config import ServeConfig

        return ServeConfig
    raise AttributeError(f"module 'faqbot.serve' has no attribute {name!r}")
