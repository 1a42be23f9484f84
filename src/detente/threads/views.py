from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from detente.records.visibility import AllianceAccess, get_alliance_access
from detente.threads import present, services
from detente.threads.targets import get_record


def _thread_fragment(
    request: HttpRequest,
    access: AllianceAccess,
    kind: str,
    record: Any,
    name: str,
    *,
    error: str = "",
    body: str = "",
    status: int = 200,
) -> HttpResponse:
    thread = services.thread_named(access, record, name)
    context = {
        "alliance": access.alliance,
        "record": present.threads(access, kind, record)["record"],
        "t": present.thread_data(access, kind, record, thread),
        "error": error,
        "draft": body,
    }
    return render(request, "threads/_thread.html", context, status=status)


@login_required
def thread(request: HttpRequest, alliance_id: int, kind: str, pk: int) -> HttpResponse:
    """A record's threads; POST adds a comment (members, read-only ones too)."""
    access = get_alliance_access(request.user, alliance_id)
    record = get_record(access, kind, pk)
    error, name, body = "", request.POST.get("thread", "joint"), request.POST.get("body", "")
    if request.method == "POST":
        try:
            services.post(access, kind, record, name, body)
        except services.Refused as refused:
            error = str(refused)
        else:
            if request.headers.get("HX-Request"):
                return _thread_fragment(request, access, kind, record, name)
            return redirect("thread", alliance_id, kind, pk)
        if request.headers.get("HX-Request") and name in services.THREADS:
            try:
                return _thread_fragment(request, access, kind, record, name, error=error, body=body)
            except services.Refused:
                pass
    data = present.threads(access, kind, record)
    return render(
        request,
        "threads/thread.html",
        {
            "access": access,
            "alliance": access.alliance,
            "data": data,
            "error": error,
            "error_thread": name,
            "draft": body,
        },
        status=400 if error else 200,
    )


@login_required
def comment_edit(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    comment = services.get_own(access, pk)
    record = get_record(access, comment.target_kind, comment.target_id)
    error = ""
    if request.method == "POST":
        try:
            services.edit(access, comment, record, request.POST.get("body", ""))
        except services.Refused as refused:
            error = str(refused)
        else:
            if request.headers.get("HX-Request"):
                return _thread_fragment(
                    request, access, comment.target_kind, record, comment.thread
                )
            return redirect("thread", alliance_id, comment.target_kind, comment.target_id)
    return render(
        request,
        "threads/comment_edit.html",
        {
            "alliance": access.alliance,
            "comment": comment,
            "record": present.threads(access, comment.target_kind, record)["record"],
            "error": error,
            "draft": request.POST.get("body", comment.body),
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def comment_delete(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    comment = services.get_own(access, pk)
    record = get_record(access, comment.target_kind, comment.target_id)
    kind, name = comment.target_kind, comment.thread
    services.delete(access, comment)
    if request.headers.get("HX-Request"):
        return _thread_fragment(request, access, kind, record, name)
    return redirect("thread", alliance_id, kind, record.pk)
