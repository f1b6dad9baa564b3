"""Answer links for partner-side respondents.

The link carries a random token; the database keeps only its SHA-256, so
reading the table opens no link. A token is looked up by its digest, so a
tampered token simply matches nothing.
"""

import hashlib
import secrets


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def mint() -> tuple[str, str]:
    """A new token and the digest to store."""
    token = secrets.token_urlsafe(32)
    return token, digest(token)
