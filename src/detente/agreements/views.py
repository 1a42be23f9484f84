"""Pages of the agreement. Every view starts with the access helper."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import formset_factory
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from detente.agreements import approval, completeness, document, ladder, present, services
from detente.agreements.forms import (
    CLAUSE_FORMS,
    SINGLE_FORMS,
    NewDraftForm,
    PartInvalid,
    VersionForm,
    WaiverForm,
)
from detente.agreements.models import AgreementVersion
from detente.approvals import present as approvals_present
from detente.records.views import RecordPages, alliance_page
from detente.records.visibility import AllianceAccess, get_alliance_access

Status = AgreementVersion.Status


def _side_names(access: AllianceAccess) -> dict[int, str]:
    return {s.id: str(s) for s in access.sides}


def _versions(access: AllianceAccess) -> list[AgreementVersion]:
    return present.visible_versions(access)


def sections(version: AgreementVersion, access: AllianceAccess) -> list[dict[str, Any]]:
    """The document of a version grouped into the six parts, ready for the template."""
    doc = document.normalised(version.content)
    sides = _side_names(access)
    out = []
    for title, parts in document.SECTIONS:
        blocks = []
        for part in parts:
            block: dict[str, Any] = {"part": part, "title": document.PARTS[part][0]}
            if part in document.LIST_PARTS:
                block["headers"] = [label for _, label in document.LIST_PARTS[part][1]]
                block["rows"] = document.rows(part, doc, sides)
            else:
                block["fields"] = document.single(part, doc, sides)
            blocks.append(block)
        out.append({"title": title, "blocks": blocks})
    return out


def _signing(version: AgreementVersion, access: AllianceAccess) -> list[dict[str, Any]]:
    """Each side with its signature (or None) and whether this user may sign for it now."""
    signatures = {s.side_id: s for s in version.signatures.all()}
    return [
        {
            "side": side,
            "signature": signatures.get(side.id),
            "can_sign": version.status == Status.PROPOSED
            and side.id not in signatures
            and access.can_write_on(side.id),
        }
        for side in access.sides
    ]


def _gap_rows(version: AgreementVersion, access: AllianceAccess) -> list[dict[str, Any]]:
    waivers = {w.code: w for w in version.waivers.all()}
    return [
        {"gap": g, "waiver": waivers.get(g.code)}
        for g in completeness.gaps(version.content, access.sides)
    ]


@login_required
def agreement_home(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    page = present.home(access)
    versions, in_force, pending, drafts = page.versions, page.in_force, page.pending, page.drafts
    shown = page.shown
    context = {
        "access": access,
        "alliance": access.alliance,
        "versions": versions,
        "in_force": in_force,
        "pending": pending,
        "pending_signing": _signing(pending, access) if pending else [],
        "drafts": [
            {"version": d, "open_gaps": services.open_gaps(d, access.sides)} for d in drafts
        ],
        "shown": shown,
        "sections": sections(shown, access) if shown else [],
        "ladder": ladder.layout(shown.content) if shown else None,
    }
    return render(request, "agreements/home.html", context)


@login_required
def agreement_version(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    page = present.version(access, pk)
    version = page.version
    may_edit = version.is_draft and access.can_write_on(version.owner_side_id)
    context = {
        "access": access,
        "alliance": access.alliance,
        "version": version,
        "may_edit": may_edit,
        "sections": sections(version, access),
        "signing": _signing(version, access),
        "gap_rows": _gap_rows(version, access) if version.is_draft else [],
        "open_gaps": services.open_gaps(version, access.sides) if version.is_draft else [],
        "ladder": ladder.layout(version.content),
        "versions": page.others,
        # Shown only when the reader may see it (a private draft of the other side stays hidden).
        "based_on": page.based_on,
        # The reader's side's internal approval (private to it), while the version may still
        # be proposed or signed.
        "approval": approvals_present.panel(access, approval.KIND, version)
        if version.status in (Status.DRAFT, Status.PROPOSED)
        else None,
    }
    return render(request, "agreements/version.html", context)


def create_draft_from(access: AllianceAccess, form: NewDraftForm) -> AgreementVersion:
    """A new draft from a valid ``NewDraftForm`` (the page's and the API's)."""
    d = form.cleaned_data
    return services.create_draft(
        access,
        owner_side=d["owner_side"],
        title=d["title"],
        summary=d["summary"],
        visibility=d["visibility"],
        based_on=d["based_on"],
    )


def _update_draft(
    access: AllianceAccess, form: VersionForm, *, before: dict | None = None
) -> AgreementVersion:
    """The draft's title, summary and visibility (``update_draft`` audits the change)."""
    d = form.cleaned_data
    return services.update_draft(
        access,
        form.instance,
        parts={},
        title=d["title"],
        summary=d["summary"],
        visibility=d["visibility"],
    )


def _version_page(version: AgreementVersion) -> tuple[str, int]:
    return ("agreement_version", version.pk)


# A new draft is made by the agreements service (with its document), and so are a change
# to a draft's heading and its deletion; its parts have their own page (agreement_part).
NEW_DRAFT_PAGES = RecordPages(
    NewDraftForm, then=_version_page, save=create_draft_from, template="agreements/form.html"
)
DRAFT_PAGES = RecordPages(
    VersionForm,
    then=_version_page,
    save=_update_draft,
    delete_with=services.delete_draft,
    template="agreements/form.html",
    record_name="version",
)


@alliance_page(write=True)
def agreement_new(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    initial: dict[str, Any] = {}
    source = request.GET.get("from")
    if source:
        base = access.get_record(AgreementVersion, source)
        initial = {"based_on": base.pk, "title": base.title}
    else:
        latest = access.records(AgreementVersion).exclude(status=Status.WITHDRAWN).first()
        if latest:
            initial = {"based_on": latest.pk, "title": latest.title}
    title, message = "New draft of the agreement", "{record.label} created. Edit it part by part."
    return NEW_DRAFT_PAGES.create(request, access, title, message, initial=initial)


def _draft_for_writing(access: AllianceAccess, pk: int) -> AgreementVersion:
    version = access.get_record(AgreementVersion, pk, write=True)
    services.require_draft(version)
    return version


@alliance_page(write=True)
def agreement_edit(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    version = _draft_for_writing(access, pk)
    return DRAFT_PAGES.edit(request, access, version, f"Edit {version.label}", "Draft updated.")


@login_required
def agreement_part(request: HttpRequest, alliance_id: int, pk: int, part: str) -> HttpResponse:
    """Edit one part of a draft: a formset of clauses, or one form for a single part."""
    if part not in document.PARTS:
        raise Http404("No such part of the agreement.")
    access = get_alliance_access(request.user, alliance_id, write=True)
    version = _draft_for_writing(access, pk)
    doc = document.normalised(version.content)
    kwargs = {"sides": access.sides, "objectives": doc["objectives"]}
    error = ""
    if part in document.LIST_PARTS:
        FormSet = formset_factory(CLAUSE_FORMS[part], extra=2, can_delete=True)
        clauses_now = [dict(c) for c in doc[part]]
        formset = FormSet(
            request.POST or None, initial=clauses_now, form_kwargs=kwargs, prefix=part
        )
        if request.method == "POST" and formset.is_valid():
            clauses = [
                f.clause()
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            try:
                services.update_draft(access, version, parts={part: clauses})
            except PartInvalid as exc:
                error = " ".join(m for ms in exc.errors.values() for m in ms)
            else:
                messages.success(request, f"{document.PARTS[part][0]} saved.")
                return redirect("agreement_version", alliance_id, pk)
        form = None
    else:
        initial = dict(doc[part])
        if part == "exit":
            initial["triggers"] = "\n".join(initial.get("triggers") or [])
        form = SINGLE_FORMS[part](request.POST or None, initial=initial)
        formset = None
        if request.method == "POST" and form.is_valid():
            services.update_draft(access, version, parts={part: dict(form.cleaned_data)})
            messages.success(request, f"{document.PARTS[part][0]} saved.")
            return redirect("agreement_version", alliance_id, pk)
    return render(
        request,
        "agreements/part_form.html",
        {
            "alliance": access.alliance,
            "version": version,
            "part": part,
            "title": document.PARTS[part][0],
            "formset": formset,
            "form": form,
            "error": error,
        },
        status=422 if request.method == "POST" else 200,
    )


def _refused(request: HttpRequest, exc: services.Refused) -> None:
    messages.error(request, " ".join(exc.messages))


@login_required
@require_POST
def agreement_propose(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    version = _draft_for_writing(access, pk)
    try:
        version = services.propose(access, version)
    except services.Refused as exc:
        _refused(request, exc)
    else:
        messages.success(request, f"{version.label} proposed to every side for signature.")
    return redirect("agreement_version", alliance_id, pk)


@login_required
@require_POST
def agreement_sign(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    version = access.get_record(AgreementVersion, pk)
    side_id = request.POST.get("side") or access.default_side.id
    side = next((s for s in access.sides if str(s.id) == str(side_id)), None)
    if side is None:
        raise PermissionDenied("Choose a side of this alliance that you may sign for.")
    try:
        services.sign(access, version, side)
    except services.Refused as exc:
        _refused(request, exc)
    else:
        version.refresh_from_db()
        if version.status == Status.IN_FORCE:
            messages.success(
                request, f"Signed for {side}. Every side has signed: {version.label} is in force."
            )
        else:
            messages.success(request, f"Signed for {side}. Waiting for the other side.")
    return redirect("agreement_version", alliance_id, pk)


@login_required
@require_POST
def agreement_withdraw(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    version = access.get_record(AgreementVersion, pk)
    try:
        services.withdraw(access, version)
    except services.Refused as exc:
        _refused(request, exc)
    else:
        messages.success(request, f"{version.label} withdrawn.")
    return redirect("agreement_version", alliance_id, pk)


@login_required
@require_POST
def agreement_waive(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    version = _draft_for_writing(access, pk)
    gaps = {g.code: g.message for g in completeness.gaps(version.content, access.sides)}
    form = WaiverForm(request.POST, gaps=gaps)
    if form.is_valid():
        services.waive(access, version, form.cleaned_data["code"], form.cleaned_data["reason"])
        messages.success(request, f"Waived: {gaps[form.cleaned_data['code']]}.")
    else:
        messages.error(
            request, " ".join(f"{f}: {' '.join(str(e) for e in m)}" for f, m in form.errors.items())
        )
    return redirect("agreement_version", alliance_id, pk)


@alliance_page(write=True, post=True)
def agreement_delete(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    version = _draft_for_writing(access, pk)
    return DRAFT_PAGES.delete(request, access, version, "Draft deleted.", then="agreement_home")


@login_required
def agreement_diff(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    # Default: what the newest numbered version changes from the one before it.
    page = present.compare(access, request.GET.get("a") or None, request.GET.get("b") or None)
    return render(
        request,
        "agreements/diff.html",
        {
            "access": access,
            "alliance": access.alliance,
            "versions": page.versions,
            "a": page.a,
            "b": page.b,
            "parts": page.parts,
        },
    )
