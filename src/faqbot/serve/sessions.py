"""Server-side conversations: opaque random ids, a sliding time-to-live, a cap on their number.

A session holds what the Bot keeps for the next turn (the topic, the options last offered, the
last reply without its candidate list), in this process's memory only: nothing a patient typed
is written anywhere except through the operator's opt-in unanswered log, and all of it is gone
30 minutes after the last message, or at once on "clear conversation". A restart or a second
worker does not know the id; the client is then told a new conversation began.
"""

from __future__ import annotations

import re
import secrets
import time
from collections import OrderedDict
from typing import Callable

from ..bot import Conversation

# token_urlsafe(18): 24 characters, 144 random bits; anything else can never be one of ours.
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class SessionStore:
    """Conversations by id, least recently used first, so both expiry and the cap pop the front."""

    def __init__(self, ttl_seconds: float, max_sessions: int, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl_seconds
        self.max_sessions = max_sessions
        self.clock = clock
        self._sessions: OrderedDict[str, tuple[Conversation, float]] = OrderedDict()

    def __len__(self) -> int:
        self._expire(self.clock())
        return len(self._sessions)

    def __contains__(self, session_id: str) -> bool:
        found = self._sessions.get(session_id)
        return found is not None and self.clock() - found[1] < self.ttl

    def get(self, session_id: str | None) -> tuple[str, Conversation, bool]:
        """(id, conversation, restarted): the live session for ``session_id``, or a new one.

        ``restarted`` is true when the client named a session we no longer have (expired,
        dropped, forgotten or from before a restart), so it can tell the patient.
        """
        now = self.clock()
        self._expire(now)
        if session_id is not None:
            found = self._sessions.get(session_id)
            if found is not None:
                self._sessions[session_id] = (found[0], now)
                self._sessions.move_to_end(session_id)
                return session_id, found[0], False
        new_id = secrets.token_urlsafe(18)
        self._sessions[new_id] = (Conversation(), now)
        while len(self._sessions) > self.max_sessions:
            self._sessions.popitem(last=False)
        return new_id, self._sessions[new_id][0], session_id is not None

    def forget(self, session_id: str) -> bool:
        """Drop a session (the patient's "clear conversation"); False if there was none."""
        return self._sessions.pop(session_id, None) is not None

    def _expire(self, now: float) -> None:
        while self._sessions:
            oldest_id, (_, seen) = next(iter(self._sessions.items()))
            if now - seen < self.ttl:
                return
            del self._sessions[oldest_id]
