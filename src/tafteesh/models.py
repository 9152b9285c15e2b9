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
from tafteesh.compensation.models import (
    ClaimStatusChange,
    CompensationAppeal,
    CompensationClaim,
    CompensationClaimHead,
    Disbursement,
)
from tafteesh.db import Base
from tafteesh.evidence.models import (
    CustodyCheckpoint,
    CustodyEvent,
    CustodyLogHead,
    EvidenceFile,
    EvidenceItem,
)
from tafteesh.hearings.models import CalendarToken, DepositionPreparation, Hearing

__all__ = [
    "CustodyCheckpoint",
    "CustodyEvent",
    "CustodyLogHead",
    "EvidenceFile",
    "EvidenceItem",
    "Accused",
    "AccusedStatusChange",
    "AuditEvent",
    "AuthSession",
    "Base",
    "Case",
    "CaseCharge",
    "CalendarToken",
    "CaseTeamMember",
    "ClaimStatusChange",
    "CompensationAppeal",
    "CompensationClaim",
    "CompensationClaimHead",
    "DepositionPreparation",
    "Disbursement",
    "Hearing",
    "Organisation",
    "SignInAttempt",
    "StageChange",
    "Survivor",
    "TimelineEvent",
    "User",
]
