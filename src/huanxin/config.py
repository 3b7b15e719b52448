"""Settings read from the environment (``HUANXIN_*``); SQLite file by default.

The secret key comes from ``HUANXIN_SECRET_KEY`` or, failing that, from the key file at
``HUANXIN_SECRET_KEY_FILE`` (``var/secret.key`` by default; ``make demo`` generates it).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DEFAULT_DB_URL = "sqlite:///var/huanxin.db"


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _number(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else default


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DB_URL
    secret_key: str = ""
    cookie_secure: bool = True
    session_hours: int = 12
    login_max_failures: int = 5
    login_window_minutes: int = 15
    policies_dir: Path = field(default_factory=lambda: Path("policies"))
    migrate_on_start: bool = True
    max_body_bytes: int = 1024 * 1024  # JSON and form bodies
    max_upload_bytes: int = 64 * 1024 * 1024  # multipart uploads (plans, evidence, photos)
    price_ceiling_factor: int = 3  # a sale price at most this many times the filed price
    idempotency_wait_seconds: float = 10.0
    redeem_batch_ms: float = 2.0  # how long a redemption waits for others to share its batch
    redeem_batch_max: int = 256  # sales per batch transaction at most
    redeem_appliers: int = 1  # batch transactions in flight per process
    bulk_max_sales: int = 500  # sales per bulk request at most
    metrics_allow: str = "127.0.0.1,::1"
    trusted_proxies: str = ""  # addresses/networks whose X-Forwarded-For is believed


def read_secret_key(key_file: Path, *, create: bool = False) -> str:
    """Return the key in ``key_file``; with ``create`` write a new random one if absent."""
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    if not create:
        return ""
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key + "\n", encoding="utf-8")
    key_file.chmod(0o600)
    return key


def load_settings() -> Settings:
    key = os.environ.get("HUANXIN_SECRET_KEY", "")
    if not key:
        key_file = Path(os.environ.get("HUANXIN_SECRET_KEY_FILE", "var/secret.key"))
        key = read_secret_key(key_file)
    return Settings(
        database_url=os.environ.get("HUANXIN_DATABASE_URL", DEFAULT_DB_URL),
        secret_key=key,
        cookie_secure=_flag("HUANXIN_COOKIE_SECURE", True),
        policies_dir=Path(os.environ.get("HUANXIN_POLICIES_DIR", "policies")),
        migrate_on_start=_flag("HUANXIN_MIGRATE_ON_START", True),
        max_body_bytes=_number("HUANXIN_MAX_BODY_BYTES", Settings.max_body_bytes),
        max_upload_bytes=_number("HUANXIN_MAX_UPLOAD_BYTES", Settings.max_upload_bytes),
        price_ceiling_factor=_number("HUANXIN_PRICE_CEILING_FACTOR", Settings.price_ceiling_factor),
        trusted_proxies=os.environ.get("HUANXIN_TRUSTED_PROXIES", ""),
        idempotency_wait_seconds=float(os.environ.get("HUANXIN_IDEMPOTENCY_WAIT_SECONDS", "10")),
        redeem_batch_ms=float(os.environ.get("HUANXIN_REDEEM_BATCH_MS", "2")),
        redeem_batch_max=_number("HUANXIN_REDEEM_BATCH_MAX", Settings.redeem_batch_max),
        redeem_appliers=_number("HUANXIN_REDEEM_APPLIERS", Settings.redeem_appliers),
        bulk_max_sales=_number("HUANXIN_BULK_MAX_SALES", Settings.bulk_max_sales),
        metrics_allow=os.environ.get("HUANXIN_METRICS_ALLOW", "127.0.0.1,::1"),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
