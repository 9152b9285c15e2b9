"""Settings read from the environment (prefix ``TAFTEESH_``), documented in the README."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TAFTEESH_", extra="ignore")

    # The app's own connection: a role that may not rewrite history (see db.grant_app_privileges).
    # Unset means "start the embedded PostgreSQL in data_dir".
    database_url: str | None = None
    # The owner role that runs migrations; defaults to database_url.
    migration_database_url: str | None = None
    data_dir: Path = PROJECT_ROOT / "var"
    # Unset means "generate one into data_dir/secret_key on first start"; never a default in code.
    secret_key: str | None = None
    # Base64 of 32 bytes; unset means "generate data_dir/identity.key on first start". Survivors'
    # identities are encrypted with it, so it must be backed up apart from the database.
    identity_key: str | None = None
    cookie_secure: bool = False
    upload_max_bytes: int = Field(default=2 * 1024**3, gt=0)
    # Tokens and sessions never outlive 12 hours, so a lost phone stops working by the next day.
    session_hours: float = Field(default=12, gt=0, le=12)
    # The custody log's name in its signed checkpoints (C2SP origin line): unique per deployment.
    custody_log_origin: str = "tafteesh.local/custody-log"
    checkpoint_interval_minutes: float = Field(default=15, gt=0)
    # Database connections per worker. A request holds one from its first query to its response,
    # so the pool should cover the requests a worker has in flight. It keeps every connection it
    # opens, up to its size; an overflow connection is closed as soon as it is given back while
    # the pool is full, so a worker often past its pool size opens and closes connections all
    # the time, and each new one costs PostgreSQL a process and both sides their caches: a
    # slower tail (bench/README.md, finding 38). Hence no overflow by default: past the pool
    # size a request waits for a connection. Workers x (pool + overflow) must stay under
    # PostgreSQL's max_connections.
    db_pool_size: int = Field(default=40, ge=1)
    db_max_overflow: int = Field(default=0, ge=0)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, gt=0, lt=65536)
    templates_dir: Path = PROJECT_ROOT / "templates"
    # Sign-in throttling: failures allowed per account and per client address in the window.
    sign_in_window_minutes: int = 15
    sign_in_max_failures_per_account: int = 5
    sign_in_max_failures_per_address: int = 30

    @field_validator("data_dir", "templates_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    def resolved_secret_key(self) -> str:
        """The signing secret: from the environment, or a random one kept in the data folder."""
        if self.secret_key:
            if len(self.secret_key) < 32:
                raise ValueError("TAFTEESH_SECRET_KEY must be at least 32 characters long")
            return self.secret_key
        # Read once per process: the file never changes while the app runs, and this is on every
        # signed-in request's path.
        path = self.data_dir / "secret_key"
        if path not in _file_secrets:
            _file_secrets[path] = read_or_create_secret(path)
        return _file_secrets[path]


_file_secrets: dict[Path, str] = {}


def read_or_create_secret(path: Path, *, nbytes: int = 48) -> str:
    """Read a secret file, creating it with mode 0600 first if it does not exist."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    value = secrets.token_urlsafe(nbytes)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race; use its secret
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
