"""Every domain's ORM models, imported so ``Base.metadata`` is complete for Alembic."""

from tafteesh.audit.models import AuditEvent
from tafteesh.auth.models import AuthSession, Organisation, SignInAttempt, User
from tafteesh.cases.models import (
    Accused,
    AccusedStatusChange,
    Case,
    CaseCharge,
    CaseTeamMember,
    StageChange,
    Survivor,
    TimelineEvent,
)
from tafteesh.db import Base
from tafteesh.hearings.models import CalendarToken, DepositionPreparation, Hearing

__all__ = [
    "Accused",
    "AccusedStatusChange",
    "AuditEvent",
    "AuthSession",
    "Base",
    "Case",
    "CaseCharge",
    "CalendarToken",
    "CaseTeamMember",
    "DepositionPreparation",
    "Hearing",
    "Organisation",
    "SignInAttempt",
    "StageChange",
    "Survivor",
    "TimelineEvent",
    "User",
]
