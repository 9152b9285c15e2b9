"""The compensation rules' refusals, as responses a person can act on."""

from __future__ import annotations

from tafteesh.errors import Conflict


class IllegalClaimChange(Conflict):
    """A status change the claim life cycle does not allow; `details.allowed_next` lists those
    it does."""

    code = "illegal_claim_change"


class IllegalAppealChange(Conflict):
    code = "illegal_appeal_change"


class OverDisbursement(Conflict):
    """A payment past the award; the message and `details.over_by_paise` say by how much."""

    code = "over_disbursement"
