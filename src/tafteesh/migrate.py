"""Running Alembic from code: the CLI, ``make run`` and the tests share this."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import URL

from tafteesh.config import PROJECT_ROOT


def alembic_config(owner_url: URL | str, *, app_role: str | None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    url = owner_url if isinstance(owner_url, str) else owner_url.render_as_string(False)
    config.attributes["url"] = url
    config.attributes["app_role"] = app_role
    return config


def upgrade(owner_url: URL | str, *, app_role: str | None, revision: str = "head") -> None:
    command.upgrade(alembic_config(owner_url, app_role=app_role), revision)


def downgrade(owner_url: URL | str, *, revision: str = "base") -> None:
    command.downgrade(alembic_config(owner_url, app_role=None), revision)
