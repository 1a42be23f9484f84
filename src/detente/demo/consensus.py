"""The ``approvals`` and ``check_ins`` sections of a story (issue 18, items 4 and 7).

``approvals``: a side asks colleagues to approve one of its records before it goes to the
partner, and some of them answer; made through the approvals app's services.

``check_ins``: a target cadence for a counterpart pair, set some time ago; then the daily
scan runs, so a pair whose check-in is overdue has its watch and notification.
"""

from __future__ import annotations

from typing import Any

from detente.agreements.models import AgreementVersion
from detente.alliances.models import Stakeholder
from detente.approvals import services as approvals_services
from detente.approvals.models import ApprovalRequest, Approver
from detente.demo.story import Story, moment
from detente.plans.models import Plan
from detente.records.visibility import get_alliance_access
from detente.relationships import services as relationships_services
from detente.relationships.models import ContactCadence
from detente.relationships.tasks import check_ins_overdue

# What a story's approval may name: the kind, and how to find the record by its title.
APPROVABLE: dict[str, tuple[str, type[Any], str]] = {
    "agreement": ("agreement_version", AgreementVersion, "title")
}
APPROVABLE["plan"] = ("plan", Plan, "title")  # the joint plan before a version is proposed


def approvals(story: Story) -> None:
    story.each("approvals", lambda item: _approval(story, item))


def _approval(story: Story, item: dict[str, Any]) -> ApprovalRequest:
    letter = item["side"]
    access = get_alliance_access(story.writer(letter), story.alliance.pk, write=True)
    (what,) = [key for key in APPROVABLE if key in item]
    kind, model, field = APPROVABLE[what]
    record = model.objects.filter(
        alliance=story.alliance, **{f"{field}__startswith": item[what]}
    ).first()
    if record is None:
        raise ValueError(f"no {what} whose {field} starts with {item[what]!r}")
    people = [story.person(handle) for handle in item["approvers"]]
    request = approvals_services.request_approval(
        access, kind, record, people, item.get("note", "")
    )
    asked = moment(item.get("asked", "today"))
    ApprovalRequest.objects.filter(pk=request.pk).update(requested_at=asked)
    for handle, answer in item.get("answers", {}).items():
        with story.at("answers", handle):
            approver = get_alliance_access(story.person(handle), story.alliance.pk)
            approvals_services.answer(
                approver, request, answer["decision"], answer.get("comment", "")
            )
            if "when" in answer:
                Approver.objects.filter(request=request, user=story.person(handle)).update(
                    decided_at=moment(answer["when"])
                )
    return request


def check_ins(story: Story) -> None:
    story.each("check_ins", lambda item: _check_in(story, item))
    check_ins_overdue()


def _check_in(story: Story, item: dict[str, Any]) -> ContactCadence:
    access = get_alliance_access(story.writer(item["side"]), story.alliance.pk, write=True)
    first, second = (story.find(Stakeholder, name) for name in item["pair"])
    pair = relationships_services.pair(access, first.pk, second.pk)
    cadence = relationships_services.set_cadence(access, pair, int(item["every_days"]))
    ContactCadence.objects.filter(pk=cadence.pk).update(created_at=moment(item["set"]))
    return cadence
