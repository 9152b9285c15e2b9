"""Every domain's ORM models, imported so ``Base.metadata`` is complete for Alembic."""

from tafteesh.audit.models import AuditEvent
from tafteesh.auth.models import AuthSession, Organisation, SignInAttempt, User
from tafteesh.db import Base

__all__ = ["AuditEvent", "AuthSession", "Base", "Organisation", "SignInAttempt", "User"]
