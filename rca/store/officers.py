"""Officers who may sign in to the review page, each with a personal token.

`add_officer` makes a random token, shows it once and keeps only a salted
scrypt hash of it; `check_officer_token` compares in constant time (an
unknown name costs the same hash, so timing does not say which names exist);
`revoke_officer` ends it. Names are checked by `officer_names.officer_name`.

Example::

    token = add_officer(store, "Ann Khan")      # print it once; it is not kept
    check_officer_token(store, "Ann Khan", token)   # -> 'Ann Khan'
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pandas as pd
from sqlalchemy import select

from rca.errors import RcaError
from rca.store.db import Store, utcnow
from rca.store.models import Officer
from rca.store.officer_names import name_key, officer_name

# scrypt cost: 16 MiB and ~50 ms a check, as the Python docs' hashlib.scrypt example suggests for interactive logins
_N, _R, _P = 2**14, 8, 1
_DUMMY = "scrypt$16384$8$1$" + "00" * 16 + "$" + "00" * 32


def hash_token(token: str, *, salt: bytes | None = None) -> str:
    """'scrypt$N$r$p$salt$hash' for `token` (a fresh 16-byte salt unless given)."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(token.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def token_matches_hash(token: str, stored: str) -> bool:
    """Whether `token` hashes to `stored` (constant-time comparison of the digests)."""
    try:
        _, n, r, p, salt, digest = stored.split("$")
        got = hashlib.scrypt(
            token.encode("utf-8", "surrogatepass"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=len(digest) // 2
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


def _find(sess, name: str) -> Officer | None:
    return sess.execute(select(Officer).where(Officer.name_key == name_key(name))).scalar_one_or_none()


def add_officer(store: Store, name: str) -> str:
    """Register `name` (or give a revoked officer a new token); returns the token, which is not kept."""
    name = officer_name(name)
    token = secrets.token_urlsafe(24)
    with store.session() as sess:
        found = _find(sess, name)
        if found is not None and found.revoked_at is None:
            raise RcaError("E507", f"officer {found.name!r} already has a token", column="officer", value=found.name)
        if found is None:
            sess.add(Officer(name=name, name_key=name_key(name), token_hash=hash_token(token), created_at=utcnow()))
        else:
            found.name, found.token_hash, found.created_at, found.revoked_at = name, hash_token(token), utcnow(), None
    return token


def revoke_officer(store: Store, name: str) -> str:
    """End an officer's token (their sign-in stops working at once); returns the name as recorded."""
    name = officer_name(name)
    with store.session() as sess:
        found = _find(sess, name)
        if found is None or found.revoked_at is not None:
            raise RcaError("E508", f"no officer {name!r} with a live token", column="officer", value=name)
        found.revoked_at = utcnow()
        return found.name


def officers_frame(store: Store) -> pd.DataFrame:
    """Every officer: name, when added, when revoked (never the hash)."""
    with store.session() as sess:
        rows = sess.execute(select(Officer.name, Officer.created_at, Officer.revoked_at).order_by(Officer.name_key)).all()
    return pd.DataFrame(rows, columns=["name", "created_at", "revoked_at"])


def check_officer_token(store: Store, name: str, token: str) -> str | None:
    """The officer's recorded name when `token` is their live token, else None."""
    try:
        name = officer_name(name)
    except RcaError:
        token_matches_hash(token, _DUMMY)  # the same work as a real check
        return None
    with store.session() as sess:
        found = _find(sess, name)
        stored, recorded = (found.token_hash, found.name) if found is not None and found.revoked_at is None else (_DUMMY, None)
    ok = token_matches_hash(token, stored)
    return recorded if ok and recorded is not None else None


def officer_active(store: Store, name: str) -> bool:
    """Whether `name` holds a live (not revoked) token."""
    with store.session() as sess:
        found = _find(sess, name)
        return found is not None and found.revoked_at is None


__all__ = ["add_officer", "revoke_officer", "officers_frame", "check_officer_token", "officer_active", "hash_token"]
