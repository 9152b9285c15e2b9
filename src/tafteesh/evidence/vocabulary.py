"""The closed vocabularies of evidence and its custody (DOMAIN.md, "Evidence")."""

from __future__ import annotations

from enum import StrEnum


class EvidenceKind(StrEnum):
    PHYSICAL = "physical"
    ELECTRONIC = "electronic"


class Category(StrEnum):
    SEIZED_OBJECT = "seized_object"
    DOCUMENT = "document"
    PHOTO = "photo"
    AUDIO = "audio"
    VIDEO = "video"
    FORENSIC_REPORT = "forensic_report"
    DEVICE_IMAGE = "device_image"
    DEVICE = "device"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Sensitivity(StrEnum):
    TEAM = "team"
    LAWYERS_ONLY = "lawyers_only"
    SURVIVOR_VISIBLE = "survivor_visible"

    @property
    def label(self) -> str:
        return {
            Sensitivity.TEAM: "Case team",
            Sensitivity.LAWYERS_ONLY: "Lawyers only",
            Sensitivity.SURVIVOR_VISIBLE: "Case team and the survivor",
        }[self]


class CustodyEventType(StrEnum):
    SEIZED = "seized"
    SEALED = "sealed"
    DEPOSITED_MALKHANA = "deposited_malkhana"
    SENT_TO_LAB = "sent_to_lab"
    RECEIVED_BY_LAB = "received_by_lab"
    REPORT_RECEIVED = "report_received"
    PRODUCED_IN_COURT = "produced_in_court"
    TRANSFERRED = "transferred"
    RETURNED = "returned"
    DISPOSED = "disposed"
    HASH_VERIFIED = "hash_verified"
    FILE_ADDED = "file_added"

    @property
    def label(self) -> str:
        return CUSTODY_LABELS[self]


CUSTODY_LABELS = {
    CustodyEventType.SEIZED: "Seized (seizure memo)",
    CustodyEventType.SEALED: "Sealed",
    CustodyEventType.DEPOSITED_MALKHANA: "Deposited in the police store (malkhana)",
    CustodyEventType.SENT_TO_LAB: "Sent to the forensic lab",
    CustodyEventType.RECEIVED_BY_LAB: "Received by the forensic lab",
    CustodyEventType.REPORT_RECEIVED: "Forensic report received",
    CustodyEventType.PRODUCED_IN_COURT: "Produced in court",
    CustodyEventType.TRANSFERRED: "Transferred",
    CustodyEventType.RETURNED: "Returned",
    CustodyEventType.DISPOSED: "Disposed",
    CustodyEventType.HASH_VERIFIED: "Hash verified",
    CustodyEventType.FILE_ADDED: "File added",
}

# Where the item is after each event: the custodian named in "to" takes it, at "place".
MOVES_CUSTODY = frozenset(
    {
        CustodyEventType.SEIZED,
        CustodyEventType.DEPOSITED_MALKHANA,
        CustodyEventType.SENT_TO_LAB,
        CustodyEventType.RECEIVED_BY_LAB,
        CustodyEventType.PRODUCED_IN_COURT,
        CustodyEventType.TRANSFERRED,
        CustodyEventType.RETURNED,
    }
)
