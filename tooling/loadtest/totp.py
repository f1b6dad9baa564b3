"""What the load test's reviewers type as their second factor."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

# The public demo secret of `accounts.services` (README: never for a real account).
DEMO_TOTP_SECRET = "ACCORDDEMOREVIEWERTOTPSECRETABCD"


def totp_code(secret: str, at: float | None = None) -> str:
    """What an authenticator app shows (RFC 6238: SHA-1, 30 s, 6 digits). Written
    out because Locust runs the journeys without Django, whose allauth does the
    same (a test compares the two)."""
    key = base64.b32decode(secret)
    counter = struct.pack(">Q", int((time.time() if at is None else at) // 30))
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"
