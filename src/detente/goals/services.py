"""Running and saving a realism check. The engine runs before the transaction (it is pure and
may take a second or two); the record and its audit entry are written together."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.http import Http404

from detente.analysis.realism import analyse
from detente.goals.forms import FROM_MEASUREMENTS, RealismCheckForm
from detente.goals.models import RealismCheck
from detente.objectives.forms import visible_kpis
from detente.objectives.models import KPI
from detente.records import services
from detente.records.visibility import AllianceAccess


def run(document: dict[str, Any], seed: int) -> dict[str, Any]:
    """The engine's answer for a check's inputs: what `detente realism FILE --json` prints."""
    return analyse(document, seed=seed)


def create_check(access: AllianceAccess, form: RealismCheckForm) -> RealismCheck:
    """Run the engine on a valid form's document and save the check with its inputs."""
    data = form.cleaned_data
    document, seed = data["document"], data["seed"]
    result = run(document, seed)
    check = form.instance
    check.kpi = form.kpi
    check.inputs = document
    check.seed = seed
    check.result = result
    check.history_note = form.history_note
    check.measurement_ids = [m.pk for m in form.measurements_used]
    check.history_source = {
        "from": data["history_from"],
        "side_id": data["measurements_side"].pk
        if data["history_from"] == FROM_MEASUREMENTS and data.get("measurements_side")
        else None,
        "measured_stage": data["measured_stage"],
    }
    check.target = document["target"]
    check.deadline = dt.date.fromisoformat(document["deadline"])
    check.probability = result["probability"]
    check.probability_stderr = result["probability_stderr"]
    return services.save_form(access, form)


def visible_checks(access: AllianceAccess) -> models.QuerySet[RealismCheck]:
    """Checks the user may see, of KPIs the user may see.

    The second condition matters when an objective is made private after a joint check of
    it was saved: the check then disappears for the other side along with its objective.
    """
    return (
        access.records(RealismCheck)
        .filter(kpi__in=visible_kpis(access))
        .select_related("kpi__objective", "owner_side__organisation", "created_by")
    )


def get_check(access: AllianceAccess, pk: Any, *, write: bool = False) -> RealismCheck:
    check = access.get_record(RealismCheck, pk, write=write)
    if not visible_kpis(access).filter(pk=check.kpi_id).exists():
        raise Http404("No such realism check.")
    return check


def get_kpi(access: AllianceAccess, pk: Any) -> KPI:
    """A KPI of an objective the user may see (a KPI of another alliance is a 404)."""
    try:
        return visible_kpis(access).select_related("objective__owner_side__organisation").get(pk=pk)
    except (KPI.DoesNotExist, ValueError, TypeError):
        raise Http404("No such KPI.") from None
