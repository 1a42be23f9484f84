"""The joint plan as kinds of record a side approves internally (see ``detente.approvals``).

Two moments go to the partner, so there are two kinds:

- ``plan``: the joint plan as the next version would freeze it. A side that named approvers
  cannot propose a version until they approved the joint items as they stand now (a change
  to a joint item afterwards, by either side, asks for a new approval).
- ``plan_version``: a proposed version, before a side signs it. A side that named approvers
  cannot sign until they approved the version's content (frozen, so it cannot drift).
"""

from __future__ import annotations

from detente.approvals.registry import ApprovalKind, register
from detente.plans.document import joint_document
from detente.plans.models import Plan, PlanVersion

PLAN = "plan"
KIND = "plan_version"

register(
    ApprovalKind(
        key=PLAN,
        label="Joint plan (next version)",
        model=Plan,
        url_name="plan_home",
        url_args=lambda plan: [],
        # What colleagues approve: the joint items the next version would freeze.
        content=joint_document,
        describe=lambda plan: f"the joint plan '{plan.title}' as the next version",
    )
)

register(
    ApprovalKind(
        key=KIND,
        label="Plan version",
        model=PlanVersion,
        url_name="plan_version",
        content=lambda v: {"summary": v.summary, "content": v.content},
        describe=lambda v: f"plan {v.label.lower()}",
    )
)
