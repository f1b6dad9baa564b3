"""What the load test's reviewers type as their second factor."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

# The public demo secret of `accounts.services` (README: never for a real account).
DEMO_TOTP_SECRET = "ACCORDDEMOREVIEWERTOTPSECRETABCD"
PERIOD = 30
# How long before its period ends a code is left for the next one: the time
# a sign-in can wait in the burst (its p95 about 1.2 s) with room to spare.
FRESH_FOR = 5


def totp_code(secret: str, at: float | None = None) -> str:
    """What an authenticator app shows (RFC 6238: SHA-1, 30 s, 6 digits). Written
    out because Locust runs the journeys without Django, whose allauth does the
    same (a test compares the two)."""
    key = base64.b32decode(secret)
    counter = struct.pack(">Q", int((time.time() if at is None else at) // PERIOD))
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def seconds_to_a_fresh_code(at: float | None = None) -> float:
    """How long to wait before typing a code, as a person reading the app's
    countdown does: nothing while the code has FRESH_FOR seconds left, else
    until the next one shows. A code typed in its last moment reaches the
    server in the next period, where it is refused (allauth allows no drift)."""
    now = time.time() if at is None else at
    left = PERIOD - now % PERIOD
    return 0.0 if left > FRESH_FOR else left
