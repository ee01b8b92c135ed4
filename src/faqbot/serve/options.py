"""The options of ``faqbot serve``: declared here beside the config they build, so cli.py adds
one sub-command and its help needs no web stack."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:    # built only by `faqbot serve`: every other command's parser skips its module
    from .config import ServeConfig

ORIGINS_VARIABLE = "FAQBOT_ORIGINS"     # space- or comma-separated, for containers and unit files


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1; put a reverse proxy in front for the internet)")
    parser.add_argument("--port", type=_port, default=8000, help="port to listen on (default 8000)")
    parser.add_argument("--workers", type=_whole, default=1, metavar="N",
                        help="worker processes (default 1; each keeps its own sessions, so the proxy must "
                             "send a patient to the same one)")
    parser.add_argument("--origin", action="append", default=None, metavar="ORIGIN",
                        help="a site allowed to embed the chat and call the API, such as https://clinic.example "
                             f"(repeat for more; default: this server's own origin only; or ${ORIGINS_VARIABLE})")
    parser.add_argument("--emergency-number", default="112", metavar="NUMBER",
                        help="the number the emergency banner's call link dials (default 112; set your local one)")
    parser.add_argument("--rate-per-minute", type=_positive, default=60.0, metavar="N",
                        help="chat requests a client may send per minute, after a burst of 20 (default 60)")
    parser.add_argument("--forwarded-allow-ips", default=None, metavar="IPS",
                        help="proxies whose X-Forwarded-For names the client (for the rate limit); "
                             "default: none trusted")
    parser.add_argument("--access-log", action="store_true",
                        help="log each request's method, path and status (never its body or question)")
    parser.add_argument("--log-unanswered", metavar="FILE",
                        help="append questions that ended in fallback or clarify to FILE, owner-only (off by "
                             "default: no question is ever written); read them with 'faqbot review FILE'")


def config_from_args(args) -> ServeConfig:
    from .config import ServeConfig

    origins = args.origin if args.origin else os.environ.get(ORIGINS_VARIABLE, "").replace(",", " ").split()
    return ServeConfig(origins=tuple(origins), emergency_number=args.emergency_number,
                       rate_per_minute=args.rate_per_minute,
                       unanswered_log=Path(args.log_unanswered) if args.log_unanswered else None,
                       access_log=args.access_log)


def _port(value: str) -> int:
    if not value.isdigit() or not 0 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got '{value}'")
    return int(value)


def _whole(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got '{value}'")
    return int(value)


def _positive(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = 0.0
    if not number > 0:
        raise argparse.ArgumentTypeError(f"expected a number above 0, got '{value}'")
    return number
