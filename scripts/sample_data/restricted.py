"""Restricted free text: the canaries of the OFFICIAL-SENSITIVE rows.

Each phrase appears on OFFICIAL-SENSITIVE rows (an audit, an inspection and their owners,
reasons, actions and evidence) and nowhere else, so a leak check can look for it in every
published file (tests/scripts/test_generate_sample_data.py, tests/helpers/marking.py).
"""

from __future__ import annotations

from .common import DASH

RESTRICTED_AUDIT_KESTREL = f"Safe-House Tenancy and Key Custody Controls {DASH} Kestrel Estate"
RESTRICTED_OWNER_KESTREL = "Detective Chief Inspector, Kestrel Estate Management"
RESTRICTED_REASON_KESTREL = (
    "Key custody ledger for the Kestrel estate awaiting reconciliation by the covert premises cell."
)
RESTRICTED_AUDIT_LARKSPUR = (
    f"Operation Larkspur {DASH} Loan Register for Technical Deployment Equipment"
)
RESTRICTED_OWNER_LARKSPUR = "Detective Superintendent, Larkspur Technical Unit"
RESTRICTED_REASON_LARKSPUR = (
    "Larkspur loan register migration held back until the equipment vault is re-accredited."
)
RESTRICTED_ACTION_KESTREL = (
    "Reconcile the Kestrel key custody ledger against the safe-house tenancy schedule."
)
RESTRICTED_ACTION_LARKSPUR = "Move the Larkspur loan register onto the accredited vault system."
RESTRICTED_INSPECTION_HERON = "Undercover policing: review of legend-building safeguards (Heron)"
RESTRICTED_LEAD_HERON = "Detective Chief Superintendent, Heron Authorising Office"
RESTRICTED_EVIDENCE_HERON = (
    "Heron authorising office: revised legend-building safeguards signed off by the covert board"
)
RESTRICTED_TEXT = (
    RESTRICTED_AUDIT_KESTREL,
    RESTRICTED_OWNER_KESTREL,
    RESTRICTED_REASON_KESTREL,
    RESTRICTED_AUDIT_LARKSPUR,
    RESTRICTED_OWNER_LARKSPUR,
    RESTRICTED_REASON_LARKSPUR,
    RESTRICTED_INSPECTION_HERON,
    RESTRICTED_LEAD_HERON,
    RESTRICTED_EVIDENCE_HERON,
    RESTRICTED_ACTION_KESTREL,
    RESTRICTED_ACTION_LARKSPUR,
)
