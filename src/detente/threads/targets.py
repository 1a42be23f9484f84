"""The records that have threads, each found through the visibility rule of its own app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.http import Http404
from django.urls import reverse

from detente.records.visibility import AllianceAccess


@dataclass(frozen=True)
class Target:
    label: str
    model: str  # app_label.Model
    url: Callable[[int, int], str]
    get: Callable[[AllianceAccess, Any], Any] | None = None  # else access.get_record


def _kpi(access: AllianceAccess, pk: Any) -> Any:
    from detente.objectives.views import get_kpi

    return get_kpi(access, pk)


def _timeline(kind: str) -> Callable[[int, int], str]:
    return lambda a, pk: reverse("entry_detail", args=[a, kind, pk])


TARGETS: dict[str, Target] = {
    "history": Target("timeline entry", "alliances.HistoryEntry", _timeline("history")),
    "signal": Target("signal", "alliances.Signal", _timeline("signal")),
    "interaction": Target("interaction", "alliances.Interaction", _timeline("interaction")),
    "commitment": Target(
        "commitment",
        "commitments.Commitment",
        lambda a, pk: reverse("commitments_home", args=[a]) + f"#commitment-{pk}",
    ),
    "difference": Target(
        "difference",
        "differences.Difference",
        lambda a, pk: reverse("difference_detail", args=[a, pk]),
    ),
    "conflict": Target(
        "conflict", "conflicts.Conflict", lambda a, pk: reverse("conflict_detail", args=[a, pk])
    ),
    "agreement": Target(
        "agreement version",
        "agreements.AgreementVersion",
        lambda a, pk: reverse("agreement_version", args=[a, pk]),
    ),
    "kpi": Target("KPI", "objectives.KPI", lambda a, pk: reverse("kpi_detail", args=[a, pk]), _kpi),
    "decision": Target(
        "decision", "decisions.Decision", lambda a, pk: reverse("decision_detail", args=[a, pk])
    ),
    "round": Target(
        "negotiation round",
        "negotiation.NegotiationRound",
        lambda a, pk: reverse("negotiation_round", args=[a, pk]),
    ),
}


def target(kind: str) -> Target:
    try:
        return TARGETS[kind]
    except KeyError:
        raise Http404("No such kind of record.") from None


def get_record(access: AllianceAccess, kind: str, pk: Any) -> Any:
    """The record, if the user may see it (else 404)."""
    t = target(kind)
    if t.get is not None:
        return t.get(access, pk)
    return access.get_record(apps.get_model(t.model), pk)


def title(record: Any) -> str:
    for name in ("title", "name", "subject"):
        value = getattr(record, name, None)
        if value:
            return str(value)
    return str(record)
