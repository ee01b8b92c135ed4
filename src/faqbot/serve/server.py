"""Serving the app with uvicorn: one process, or several workers that each load the intents.

The listening socket is bound here first, so an address in use or a port we may not open is a
one-line error before anything starts. With ``--workers N`` uvicorn starts N processes; each
builds its app from the settings passed in ``FAQBOT_SERVE_SETTINGS`` (uvicorn needs an import
string to spawn workers) and keeps its own sessions.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import asdict
from pathlib import Path
from typing import Callable

import uvicorn

from ..bot import Bot
from ..errors import FaqbotError
from .app import create_app
from .config import ServeConfig

SETTINGS_VARIABLE = "FAQBOT_SERVE_SETTINGS"


def serve(folder: Path, config: ServeConfig, host: str, port: int, workers: int = 1,
          forwarded_allow_ips: str | None = None, write: Callable[[str], None] = lambda line: None) -> None:
    """Load the bot (raising DataFileError on bad intents), bind, and serve until interrupted."""
    bot = Bot.from_folder(folder)
    sock = _bind(host, port)
    shown_host = f"[{host}]" if ":" in host else host
    write(f"faqbot: serving {len(bot.intent_set.intents)} intents at http://{shown_host}:{sock.getsockname()[1]}/chat "
          f"({workers} worker{'s' if workers > 1 else ''}; Ctrl-C stops)\n")
    options = dict(host=host, port=port, http="httptools", access_log=config.access_log, server_header=False,
                   proxy_headers=forwarded_allow_ips is not None, forwarded_allow_ips=forwarded_allow_ips,
                   timeout_keep_alive=5, timeout_graceful_shutdown=5, log_level="info" if config.access_log else "warning",
                   # uvicorn's own backstop (plain-text 503) well above the app's JSON one
                   limit_concurrency=config.max_in_flight * 4)
    if workers == 1:
        server = uvicorn.Server(uvicorn.Config(create_app(bot, config), **options))
        server.run(sockets=[sock])
        return
    sock.close()
    os.environ[SETTINGS_VARIABLE] = json.dumps({"intents": str(folder), "config": _config_json(config)})
    uvicorn.run("faqbot.serve.server:app_from_environment", factory=True, workers=workers, **options)


def app_from_environment():
    """The app of one worker process, from the settings its parent left in the environment."""
    settings = json.loads(os.environ[SETTINGS_VARIABLE])
    fields = settings["config"]
    fields["origins"] = tuple(fields["origins"])
    fields["unanswered_log"] = Path(fields["unanswered_log"]) if fields["unanswered_log"] else None
    return create_app(Bot.from_folder(Path(settings["intents"])), ServeConfig(**fields))


def _config_json(config: ServeConfig) -> dict:
    fields = asdict(config)
    fields["unanswered_log"] = str(config.unanswered_log) if config.unanswered_log else None
    return fields


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named, not 0: asyncio turns Nagle off only on sockets that say they are TCP, and a
    # reply sent as two writes otherwise waits 40 ms for the client's delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise FaqbotError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock
