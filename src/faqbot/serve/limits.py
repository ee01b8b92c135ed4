"""Per-client rate limiting: one token bucket per client address, the buckets themselves bounded.

A bucket holds up to ``burst`` tokens and gains ``rate_per_minute / 60`` a second; each chat
request spends one. A client that has been quiet long enough has a full bucket, which is exactly
what a missing bucket means, so dropping the least recently seen buckets past the cap never lets
anyone through early and keeps memory bounded whatever the number of addresses.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from typing import Callable


class RateLimiter:
    def __init__(self, rate_per_minute: float, burst: int, max_clients: int,
                 clock: Callable[[], float] = time.monotonic):
        self.rate = rate_per_minute / 60.0
        self.burst = float(burst)
        self.max_clients = max_clients
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()   # client -> (tokens, when)

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, client: str) -> float:
        """Spend a token of ``client``'s bucket: 0.0 if allowed, else the seconds until one is due."""
        now = self.clock()
        tokens, when = self._buckets.pop(client, (self.burst, now))
        tokens = min(self.burst, tokens + (now - when) * self.rate)
        if tokens >= 1.0:
            self._buckets[client] = (tokens - 1.0, now)
            wait = 0.0
        else:
            self._buckets[client] = (tokens, now)
            wait = (1.0 - tokens) / self.rate
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        return wait


def retry_after(seconds: float) -> str:
    """The Retry-After header: whole seconds, rounded up, at least 1."""
    return str(max(1, math.ceil(seconds)))
