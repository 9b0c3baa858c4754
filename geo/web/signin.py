"""Failed sign-ins per client address, shared by the machine interface and the /verwaltung
pages: after `MAX_FAILURES` within `WINDOW_S` the address waits (HTTP 429). Each worker counts
its own; every failure and every throttling is logged as a security event."""

from __future__ import annotations

import logging
import time
from collections import defaultdict, deque

from flask import current_app, request

from geo.web.errors import ApiError

__all__ = ["MAX_FAILURES", "WINDOW_S", "check_throttle", "failed", "security"]

security = logging.getLogger("nachbarschaftskarte.security")
MAX_FAILURES = 10
WINDOW_S = 60.0


def _recent() -> deque[float]:
    table = current_app.extensions.setdefault("nk_signin_failures", defaultdict(deque))
    recent = table[request.remote_addr or "?"]
    now = time.monotonic()
    while recent and now - recent[0] > WINDOW_S:
        recent.popleft()
    return recent


def check_throttle() -> None:
    """A 429 if this address failed too often lately."""
    if len(_recent()) >= MAX_FAILURES:
        security.warning("sign-in throttled for %s on %s", request.remote_addr, request.path)
        raise ApiError(429, f"too many failed sign-ins; wait {WINDOW_S:.0f} s", "token")


def failed(what: str) -> None:
    """Count and log one failed sign-in."""
    _recent().append(time.monotonic())
    security.warning("%s from %s on %s", what, request.remote_addr, request.path)
