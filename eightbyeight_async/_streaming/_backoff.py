"""When a stream reader reconnects: capped, jittered backoff shared by SAPI and Event Streaming."""

from __future__ import annotations

import random

from ._options import ReconnectPolicy


class Backoff:
    """How long to wait before the next connection attempt: separate, capped, jittered
    windows for network and HTTP errors, forgiven once a connection was healthy."""

    def __init__(self, policy: ReconnectPolicy, rng: random.Random) -> None:
        self._policy = policy
        self._rng = rng
        self._failures = {"network": 0, "HTTP": 0}
        self._pending = 0.0

    def failed(self, kind: str) -> float:
        """One more failure of `kind`: the delay before the next attempt."""
        self._failures[kind] += 1
        policy = self._policy
        cap = policy.max_network_delay if kind == "network" else policy.max_http_delay
        return policy.delay(self._failures[kind], cap, self._rng)

    def disconnected(self, clean: bool, lived: float) -> None:
        """A connection ended after `lived` seconds; `clean`: the server ended its session."""
        healthy = lived >= self._policy.healthy_after
        if healthy:
            self._failures = dict.fromkeys(self._failures, 0)
        if not (clean and healthy):
            self._pending = self.failed("network")

    def take_pending(self) -> float:
        """The delay a disconnection asked for (waited at the next connect, once)."""
        delay, self._pending = self._pending, 0.0
        return delay
