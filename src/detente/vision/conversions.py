"""What an idea can become, in one click: a registry of conversion targets.

A target is a function ``convert(access, idea, choice) -> Converted`` registered under a name
with ``@conversion(name, label=..., choices=...)``. ``choices(access, idea)`` lists where the
idea can go (for a negotiation issue: the open rounds the user may change), as (id, label)
pairs; the page shows one button per choice and the API takes the id as ``choice``.

``services.convert`` runs the target and marks the idea converted in one transaction, so a
refusal or a failure anywhere leaves neither the new record nor the mark. A target raises
``Refused`` (with a reason a person can act on) when it cannot take the idea.

This app registers the negotiation issue below. Another app registers its own target from
its ``AppConfig.ready()``, importing this module (never the other way round, so the layering
stays one way)::

    # detente/plan/conversions.py, imported from PlanConfig.ready()
    from detente.vision.conversions import Converted, Refused, conversion

    def _plans(access, idea):
        return [(p.pk, p.title) for p in access.records(Plan)]

    @conversion("plan_priority", label="Make it a plan priority", choices=_plans)
    def to_priority(access, idea, choice):
        plan = access.get_record(Plan, choice, write=True)
        priority = services.add_priority(access, plan, idea.title, idea.description)
        return Converted(f"Priority {priority.number} of {plan}", priority.pk,
                         ("plan_home", ()))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from detente.negotiation import services as negotiation
from detente.negotiation.models import NegotiationRound
from detente.records.visibility import AllianceAccess


class Refused(Exception):
    """The target cannot take this idea now; the message says why."""


@dataclass(frozen=True)
class Converted:
    label: str  # what the idea became, in words: "Issue 'Joint API' of round 'Renewal'"
    record_id: int
    # Where to see it: a URL name and its arguments after the alliance id.
    url_name: str
    url_args: tuple[Any, ...] = ()


Choices = Callable[[AllianceAccess, Any], list[tuple[int, str]]]
Convert = Callable[[AllianceAccess, Any, Any], Converted]


@dataclass(frozen=True)
class Target:
    name: str
    label: str
    choices: Choices
    convert: Convert


TARGETS: dict[str, Target] = {}


def conversion(name: str, *, label: str, choices: Choices) -> Callable[[Convert], Convert]:
    """Register ``convert`` as the target ``name`` (a second registration of a name fails)."""

    def register(convert: Convert) -> Convert:
        if name in TARGETS and TARGETS[name].convert is not convert:
            raise ValueError(f"The conversion target '{name}' is registered twice.")
        TARGETS[name] = Target(name, label, choices, convert)
        return convert

    return register


# The negotiation issue -------------------------------------------------------------------

# The options an idea starts with as an issue; the round's page lets the sides refine them.
ISSUE_OPTIONS = ["Adopt it", "Adopt a smaller version", "Leave it out"]


def _open_rounds(access: AllianceAccess, idea: Any) -> list[tuple[int, str]]:
    rounds = access.records(NegotiationRound).filter(status=NegotiationRound.Status.OPEN)
    return [(r.pk, r.title) for r in rounds if access.can_write_on(r.owner_side_id)]


@conversion("negotiation_issue", label="Make it a negotiation issue", choices=_open_rounds)
def to_negotiation_issue(access: AllianceAccess, idea: Any, choice: Any) -> Converted:
    rnd = access.get_record(NegotiationRound, choice, write=True)
    try:
        issue = negotiation.add_issue(access, rnd, idea.title, ISSUE_OPTIONS)
    except negotiation.Refused as exc:
        raise Refused(str(exc)) from None
    return Converted(
        f"Issue '{issue}' of the round '{rnd}'", issue.pk, "negotiation_round", (rnd.pk,)
    )
