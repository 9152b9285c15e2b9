"""Roles, organisation kinds and languages: the closed vocabularies of the access model."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    CONSORTIUM_LEAD = "consortium_lead"
    LAWYER = "lawyer"
    SOCIAL_WORKER = "social_worker"
    SURVIVOR_LEADER = "survivor_leader"
    SURVIVOR = "survivor"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: "Administrator",
    Role.CONSORTIUM_LEAD: "Consortium lead",
    Role.LAWYER: "Lawyer",
    Role.SOCIAL_WORKER: "Social worker",
    Role.SURVIVOR_LEADER: "Survivor leader",
    Role.SURVIVOR: "Survivor",
}


class OrganisationKind(StrEnum):
    NGO = "ngo"
    LEGAL_AID = "legal_aid"
    SURVIVOR_COLLECTIVE = "survivor_collective"
    CONSORTIUM_SECRETARIAT = "consortium_secretariat"

    @property
    def label(self) -> str:
        return {
            OrganisationKind.NGO: "NGO",
            OrganisationKind.LEGAL_AID: "Legal aid",
            OrganisationKind.SURVIVOR_COLLECTIVE: "Survivor collective",
            OrganisationKind.CONSORTIUM_SECRETARIAT: "Consortium secretariat",
        }[self]


class Language(StrEnum):
    EN = "en"
    BN = "bn"
    HI = "hi"

    @property
    def label(self) -> str:
        return {Language.EN: "English", Language.BN: "বাংলা", Language.HI: "हिन्दी"}[self]
