"""The webhook's signature: HMAC-SHA256 over the timestamp and the body, so that the
registry can tell the message is ours and unchanged, and refuse a replay.

Headers: ``X-Stodbot-Timestamp`` (Unix seconds), ``X-Stodbot-Signature``
(``sha256=<hex of HMAC(secret, timestamp + "." + body)>``) and ``X-Stodbot-Delivery``
(the same for every retry of one registration: a receiver may dedupe on it)."""

from __future__ import annotations

import hashlib
import hmac

TIMESTAMP = "X-Stodbot-Timestamp"
SIGNATURE = "X-Stodbot-Signature"
DELIVERY = "X-Stodbot-Delivery"
TOLERANCE = 300  # seconds a receiver should accept a timestamp off by


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(
    secret: bytes,
    timestamp: str,
    body: bytes,
    signature: str,
    now: float,
    tolerance: int = TOLERANCE,
) -> bool:
    """What a receiver checks: the timestamp is recent and the signature is right."""
    try:
        at = int(timestamp)
    except ValueError:
        return False
    if abs(now - at) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, at, body), signature)
