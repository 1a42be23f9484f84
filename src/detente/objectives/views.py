"""Pages for objectives, KPIs and measurements. Every view starts with the access helper."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from detente.alliances.models import Signal
from detente.objectives import exporter, importer, present, services
from detente.objectives.forms import (
    GuardrailForm,
    KPIForm,
    MeasurementForm,
    ObjectiveForm,
    visible_kpis,
)
from detente.objectives.guardrails import visible_guardrails
from detente.objectives.models import KPI, Guardrail, Measurement, Objective
from detente.objectives.present import get_kpi
from detente.records.views import RecordPages, alliance_page
from detente.records.visibility import AllianceAccess, get_alliance_access

IMPORT_SALT = "detente.objectives.import"


@login_required
def objectives_home(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    page = present.home(access)
    return render(
        request,
        "objectives/home.html",
        {
            "access": access,
            "alliance": access.alliance,
            "shared": page.shared,
            "own": page.own,
            "signals": page.signals,
        },
    )


# Objectives -------------------------------------------------------------------------------


OBJECTIVE_PAGES = RecordPages(
    ObjectiveForm, then="objectives_home", delete_with=services.delete_objective
)


@alliance_page(write=True)
def objective_new(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    message = "Objective '{record}' added. Give it a KPI next."
    return OBJECTIVE_PAGES.create(request, access, "New objective", message)


@alliance_page(write=True)
def objective_edit(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    objective = access.get_record(Objective, pk, write=True)
    title = f"Edit objective '{objective}'"
    return OBJECTIVE_PAGES.edit(request, access, objective, title, "Objective updated.")


@alliance_page(write=True, post=True)
def objective_delete(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    objective = access.get_record(Objective, pk, write=True)
    message = "Objective '{record}' and its KPIs deleted."
    return OBJECTIVE_PAGES.delete(request, access, objective, message)


# KPIs -------------------------------------------------------------------------------------


KPI_PAGES = RecordPages(
    KPIForm,
    then=lambda kpi: ("kpi_detail", kpi.pk),
    save=services.save_kpi,
    delete_with=services.delete_kpi,
)


def _initial(request: HttpRequest, name: str) -> dict[str, str]:
    """A new record's parent (``?kpi=``, ``?objective=``) preselected from the link."""
    return {name: request.GET[name]} if request.GET.get(name) else {}


@alliance_page(write=True)
def kpi_new(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    initial = _initial(request, "objective")
    return KPI_PAGES.create(request, access, "New KPI", "KPI '{record}' added.", initial=initial)


@login_required
def kpi_detail(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    page = present.kpi(access, pk)
    return render(
        request,
        "objectives/kpi_detail.html",
        {
            "access": access,
            "alliance": access.alliance,
            "kpi": page.kpi,
            "measurements": page.measurements,
            "series": page.series,
            "guardrails": page.guardrails,
            "can_edit": page.can_edit,
        },
    )


@alliance_page(write=True)
def kpi_edit(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    kpi = get_kpi(access, pk, write=True)
    return KPI_PAGES.edit(request, access, kpi, f"Edit KPI '{kpi}'", "KPI updated.")


@alliance_page(write=True, post=True)
def kpi_delete(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    kpi = get_kpi(access, pk, write=True)
    message = "KPI '{record}' and its measurements deleted."
    return KPI_PAGES.delete(request, access, kpi, message, then="objectives_home")


# Guardrails and the goal-conflict matrix ---------------------------------------------------


def _kpi_page(record: Guardrail | Measurement) -> tuple[str, int]:
    """Where a change to a guardrail or a measurement goes: its KPI's page."""
    return ("kpi_detail", record.kpi_id)


GUARDRAIL_PAGES = RecordPages(GuardrailForm, then=_kpi_page)


@alliance_page(write=True)
def guardrail_new(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    message = "Guardrail '{record}' added."
    initial = _initial(request, "kpi")
    return GUARDRAIL_PAGES.create(request, access, "New guardrail", message, initial=initial)


@alliance_page(write=True, post=True)
def guardrail_delete(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    guardrail = get_guardrail(access, pk, write=True)
    return GUARDRAIL_PAGES.delete(request, access, guardrail, "Guardrail '{record}' deleted.")


def get_guardrail(access: AllianceAccess, pk: Any, *, write: bool = False) -> Guardrail:
    """A guardrail the user may see with both its KPIs (else 404); with ``write``, one the
    user's side keeps (else 403)."""
    try:
        guardrail = visible_guardrails(access).get(pk=pk)
    except (Guardrail.DoesNotExist, ValueError, TypeError):
        raise Http404("No such guardrail.") from None
    if write and not access.can_write_on(guardrail.owner_side_id):
        raise PermissionDenied("Only writers of the side that keeps this guardrail may change it.")
    return guardrail


@login_required
def goal_conflict_page(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    return render(
        request,
        "objectives/goal_conflict.html",
        {"access": access, "alliance": access.alliance, "data": present.conflict(access)},
    )


# Measurements -----------------------------------------------------------------------------


def signal_message(signal: Signal) -> str:
    if signal.kind == Signal.Kind.KPI_DISCREPANCY:
        return f"KPI discrepancy put on the timeline: {signal.title}"
    return f"Put on the timeline: {signal.title}"


def _after_measurement(request: HttpRequest, signals: list[Signal], access: AllianceAccess) -> None:
    visible = access.records(Signal).filter(pk__in=[s.pk for s in signals])
    for signal in visible:
        messages.warning(request, signal_message(signal))


def _warn_of_signals(
    request: HttpRequest, access: AllianceAccess, saved: tuple[Measurement, list[Signal]]
) -> None:
    """After the success message: the signals the value put on the timeline."""
    _after_measurement(request, saved[1], access)


# Saving a value returns it with the signals it raised (discrepancies, guardrail breaches).
MEASUREMENT_PAGES = RecordPages(
    MeasurementForm,
    then=_kpi_page,
    save=services.save_measurement,
    record_of=lambda saved: saved[0],
    after=_warn_of_signals,
)


@alliance_page(write=True)
def measurement_new(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    initial = _initial(request, "kpi")
    title = "Report a KPI value"
    return MEASUREMENT_PAGES.create(request, access, title, "{record} recorded.", initial=initial)


@alliance_page(write=True)
def measurement_edit(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    measurement = access.get_record(Measurement, pk, write=True)
    title = f"Edit {measurement}"
    return MEASUREMENT_PAGES.edit(request, access, measurement, title, "{record} updated.")


@alliance_page(write=True, post=True)
def measurement_delete(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    measurement = access.get_record(Measurement, pk, write=True)
    return MEASUREMENT_PAGES.delete(request, access, measurement, "{record} deleted.")


@login_required
def measurement_import(request: HttpRequest, alliance_id: int) -> HttpResponse:
    """Upload a CSV/XLSX; "Preview" checks it and shows what would be written, "Import"
    writes it. The preview carries the parsed rows, signed, to the confirming request."""
    access = get_alliance_access(request.user, alliance_id, write=True)
    context: dict[str, Any] = {
        "access": access,
        "alliance": access.alliance,
        "columns": importer.COLUMNS,
        "max_rows": importer.MAX_ROWS,
        "max_mib": importer.MAX_BYTES // 1024 // 1024,
        "kpis": visible_kpis(access),
    }
    if request.method == "POST":
        action = request.POST.get("action", "preview")
        try:
            if "token" in request.POST:
                rows = _unsign_rows(request.POST["token"], access)
            else:
                upload = request.FILES.get("file")
                if upload is None:
                    raise importer.ImportRefused(
                        [importer.Problem(None, "", "Choose a .csv or .xlsx file to import.")]
                    )
                if (upload.size or 0) > importer.MAX_BYTES:
                    content = b"x" * (importer.MAX_BYTES + 1)  # refused by size, unread
                else:
                    content = upload.read()
                context["filename"] = upload.name
                rows = importer.read_file(upload.name or "", content)
            result = importer.import_rows(access, rows, dry_run=action != "import")
        except importer.ImportRefused as refused:
            context["problems"] = refused.problems
            return render(request, "objectives/import.html", context, status=422)
        context["result"] = result
        if result.dry_run:
            context["token"] = signing.dumps(
                {"a": access.alliance.pk, "rows": rows}, salt=IMPORT_SALT, compress=True
            )
        else:
            messages.success(
                request,
                f"Imported {result.created} new and {result.updated} updated values.",
            )
            for signal in result.signals:
                messages.warning(request, signal_message(signal))
    return render(request, "objectives/import.html", context)


def _csv_response(access: AllianceAccess, request: HttpRequest, kpi: KPI | None) -> HttpResponse:
    side_text = request.GET.get("side")
    side_id = exporter.parse_side(access, side_text) if side_text else None
    if side_text and side_id is None:
        raise Http404("No such side in this alliance.")
    response = HttpResponse(
        exporter.export_csv(access, kpi=kpi, side_id=side_id),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{exporter.filename(access, kpi)}"'
    return response


@login_required
def measurement_export(request: HttpRequest, alliance_id: int) -> HttpResponse:
    """Every measurement the user may see, as a CSV the importer reads back."""
    access = get_alliance_access(request.user, alliance_id)
    return _csv_response(access, request, None)


@login_required
def kpi_export(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    """One KPI's measurements that the user may see, as a CSV the importer reads back."""
    access = get_alliance_access(request.user, alliance_id)
    return _csv_response(access, request, get_kpi(access, pk))


def _unsign_rows(token: str, access: AllianceAccess) -> list[tuple[int, dict[str, str]]]:
    """The previewed rows; they are validated again before anything is written."""
    try:
        data = signing.loads(token, salt=IMPORT_SALT, max_age=3600)
        if data["a"] != access.alliance.pk:
            raise signing.BadSignature
    except (signing.BadSignature, KeyError, TypeError):
        raise importer.ImportRefused(
            [importer.Problem(None, "", "The preview has expired; upload the file again.")]
        ) from None
    return [(int(n), dict(values)) for n, values in data["rows"]]
