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
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from ..bot import Bot
from ..errors import FaqbotError
from ..yamlfile import freeze_loaded
from .app import create_app
from .config import ServeConfig

SETTINGS_VARIABLE = "FAQBOT_SERVE_SETTINGS"
HEADER_TIMEOUT_SECONDS = 10.0   # a connection must complete each request's headers within this


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with two changes a public chat needs.

    Nagle's algorithm off on every connection: a reply is written as headers then body, and the
    body otherwise waits for the client's delayed ACK (40 ms a request, measured, whenever the
    socket was not made by asyncio itself, as with our own bound socket or uvicorn's workers).
    A deadline for each request's headers: uvicorn closes idle keep-alive connections but not
    one that connects and never finishes its headers, so a few hundred such clients could hold
    every connection slot. (A slow body is the app's job: 408 after its body timeout.)
    """

    _header_deadline = None

    def connection_made(self, transport) -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass
        super().connection_made(transport)
        self._arm_header_deadline()

    def on_headers_complete(self) -> None:
        self._cancel_header_deadline()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and (self.cycle is None or self.cycle.response_complete):
            self._arm_header_deadline()    # waiting for the next request on this connection

    def connection_lost(self, exc) -> None:
        self._cancel_header_deadline()
        super().connection_lost(exc)

    def _arm_header_deadline(self) -> None:
        self._cancel_header_deadline()
        self._header_deadline = self.loop.call_later(HEADER_TIMEOUT_SECONDS, self._headers_too_slow)

    def _cancel_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if not self.transport.is_closing():
            self.transport.close()


def serve(folder: Path, config: ServeConfig, host: str, port: int, workers: int = 1,
          forwarded_allow_ips: str | None = None, write: Callable[[str], None] = lambda line: None) -> None:
    """Load the bot (raising DataFileError on bad intents), bind, and serve until interrupted."""
    bot = Bot.from_folder(folder)
    if Bot.is_large(folder):
        freeze_loaded()      # no collection walks a site's Bot mid-reply
    sock = _bind(host, port)
    shown_host = f"[{host}]" if ":" in host else host
    write(f"faqbot: serving {len(bot.intent_set.intents)} intents at http://{shown_host}:{sock.getsockname()[1]}/chat "
          f"({workers} worker{'s' if workers > 1 else ''}; Ctrl-C stops)\n")
    options = dict(host=host, port=port, http=GuardedHttpToolsProtocol, access_log=config.access_log, server_header=False,
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
    bot = Bot.from_folder(Path(settings["intents"]))
    if Bot.is_large(Path(settings["intents"])):
        freeze_loaded()
    return create_app(bot, ServeConfig(**fields))


def _config_json(config: ServeConfig) -> dict:
    fields = asdict(config)
    fields["unanswered_log"] = str(config.unanswered_log) if config.unanswered_log else None
    return fields


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise FaqbotError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock
