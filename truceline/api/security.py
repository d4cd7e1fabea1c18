"""API tokens for the write endpoints: created once, stored only as a hash, revocable.

A token is ``tl_`` + ``secrets.token_urlsafe(32)``; the store keeps its SHA-256 (hex), so a
copy of the database gives no usable credential. The secret is shown once, when created
(``truceline token create NAME``). :func:`require_token` is the FastAPI dependency of every
write endpoint: it reads ``Authorization: Bearer <secret>``, compares the hash with every
active token in constant time and returns the token's name, which the audit trail records.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine, insert, select, update

from truceline.store.engine import open_engine
from truceline.store.repo import now
from truceline.store.retry import write_transaction
from truceline.store.schema import api_tokens

PREFIX = "tl_"
MAX_NAME = 120

bearer = HTTPBearer(auto_error=False, description="A token from `truceline token create NAME`.")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _engine(db: str | Engine | None) -> Engine:
    return db if isinstance(db, Engine) else open_engine(db)


def create_token(db: str | Engine | None, name: str) -> str:
    """A new token for ``name``; the secret is returned once and only its hash is stored."""
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise ValueError(f"token name must be 1-{MAX_NAME} characters")
    secret = PREFIX + secrets.token_urlsafe(32)
    with write_transaction(_engine(db)) as conn:
        conn.execute(insert(api_tokens).values(name=name, hash=hash_secret(secret), created_at=now()))
    return secret


def list_tokens(db: str | Engine | None) -> list[dict]:
    """Every token's name, creation time and whether it is revoked (never a secret or hash)."""
    with _engine(db).connect() as conn:
        rows = conn.execute(select(api_tokens).order_by(api_tokens.c.created_at, api_tokens.c.id)).mappings().all()
    return [{"name": r["name"], "created_at": r["created_at"].isoformat() if r["created_at"] else None,
             "revoked": r["revoked_at"] is not None} for r in rows]  # fmt: skip


def revoke_token(db: str | Engine | None, name: str) -> int:
    """Revoke every active token named ``name``; how many were revoked."""
    with write_transaction(_engine(db)) as conn:
        result = conn.execute(update(api_tokens).where(api_tokens.c.name == name, api_tokens.c.revoked_at.is_(None))
                              .values(revoked_at=now()))  # fmt: skip
        return int(result.rowcount or 0)


def token_name(engine: Engine, secret: str) -> str | None:
    """The name of the active token whose secret this is, or None."""
    digest = hash_secret(secret)
    with engine.connect() as conn:
        rows = conn.execute(select(api_tokens.c.name, api_tokens.c.hash).where(api_tokens.c.revoked_at.is_(None))).all()
    found = None
    for name, stored in rows:  # no early exit: every active token is compared
        if hmac.compare_digest(stored.encode(), digest.encode()):
            found = name
    return found


def require_token(request: Request,
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> str:
    """FastAPI dependency: the name of the valid bearer token, or 401."""
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise HTTPException(status_code=401, detail="a bearer token is required (Authorization: Bearer <token>)")
    name = token_name(request.app.state.engine, credentials.credentials)
    if name is None:
        raise HTTPException(status_code=401, detail="invalid or revoked token")
    return name


Reviewer = Annotated[str, Depends(require_token)]
