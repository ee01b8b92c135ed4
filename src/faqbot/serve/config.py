"""Every setting of the web front end in one frozen value, with its default and why.

``faqbot serve`` builds a ServeConfig from its options; tests and the benchmark build their own.
Nothing here imports the web stack, so the CLI can validate options before Starlette is loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import FaqbotError

# An origin as browsers send it in the Origin header: scheme, host, optional port, no path.
_ORIGIN = re.compile(r"^https?://(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$")


@dataclass(frozen=True)
class ServeConfig:
    """The limits and policies of one server.

    ``origins`` are the other sites allowed to embed the chat page (CSP ``frame-ancestors``) and to
    call the API from their own pages (CORS). Empty, the default, means this server's own origin
    only: the page served from here, or embedded by ``/widget.js`` on a site listed here.
    """

    origins: tuple[str, ...] = ()
    max_body_bytes: int = 4096          # a 1,000-character question in UTF-8 fits with room to spare
    max_question_chars: int = 1000      # the page's input stops here too (maxlength)
    session_ttl_seconds: float = 30 * 60   # a conversation forgotten 30 minutes after its last message
    max_sessions: int = 20_000          # least recently used dropped past this (about 1 KiB each)
    rate_per_minute: float = 60.0       # per client: a patient types far slower than one a second
    rate_burst: int = 20                # a reload, a few fast clicks on suggestions
    max_clients_tracked: int = 100_000  # rate-limit buckets kept; the least recent are dropped
    max_in_flight: int = 512            # requests inside the app at once; past it 503 + Retry-After
    body_timeout_seconds: float = 10.0  # a client slower than this to send its 4 KiB gets 408
    emergency_number: str = "112"       # the tel: link of the emergency banner; set the local one
    unanswered_log: Path | None = None  # opt-in: questions that ended in fallback/clarify, owner-only
    access_log: bool = False            # uvicorn's access log (method, path, status; never bodies)

    def __post_init__(self):
        for origin in self.origins:
            if not _ORIGIN.match(origin):
                raise FaqbotError(f"--origin {origin!r}: expected scheme://host[:port], such as "
                                  "https://clinic.example (no path, no trailing slash)")
        if not re.fullmatch(r"\+?[0-9][0-9 ()-]{0,30}", self.emergency_number):
            raise FaqbotError(f"--emergency-number {self.emergency_number!r}: expected digits, such as 999")
        for name in ("max_body_bytes", "max_question_chars", "max_sessions", "rate_burst",
                     "max_clients_tracked", "max_in_flight"):
            if getattr(self, name) < 1:
                raise FaqbotError(f"{name.replace('_', '-')}: must be at least 1")
        for name in ("session_ttl_seconds", "rate_per_minute", "body_timeout_seconds"):
            if not getattr(self, name) > 0:
                raise FaqbotError(f"{name.replace('_', '-')}: must be more than 0")

    @property
    def frame_ancestors(self) -> str:
        return " ".join(("'self'", *self.origins))

    @property
    def content_security_policy(self) -> str:
        return ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                f"frame-ancestors {self.frame_ancestors}")

    @property
    def tel(self) -> str:
        """The emergency number as a tel: URI wants it: digits and a leading plus only."""
        return re.sub(r"[^0-9+]", "", self.emergency_number)
