"""Customer overlap pages, under the Conflicts tab. The blinding runs on each side's own
machine (the CLI, or the browser page's worker); these pages show what the server holds:
statuses, sizes and counts."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse

from detente.analysis.files import InputError
from detente.overlap import present, services
from detente.overlap.forms import EngagementRuleForm
from detente.overlap.models import EngagementRule, OverlapRun
from detente.records.views import RecordPages, alliance_page
from detente.records.visibility import AllianceAccess

RULE_PAGES = RecordPages(EngagementRuleForm, then="overlap_home")


@alliance_page()
def overlap_home(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    page = present.home(access)
    return render(
        request,
        "overlap/home.html",
        {
            "access": access,
            "alliance": access.alliance,
            "page": page,
            "config": present.browser_config(),
        },
    )


@alliance_page()
def overlap_run(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    run = present.run(access, pk)
    return render(
        request,
        "overlap/run.html",
        {
            "access": access,
            "alliance": access.alliance,
            "run": run,
            "config": present.browser_config(),
            "max_accounts": services.MAX_ACCOUNTS,
        },
    )


@alliance_page(write=True, post=True)
def overlap_decline(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    try:
        services.decline(access, pk)
        messages.success(request, "Declined. The asking side sees that you did not answer.")
    except InputError as exc:
        messages.error(request, exc.problem)
    return redirect("overlap_run", access.alliance.pk, pk)


@alliance_page(write=True, post=True)
def overlap_conflict(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    conflict = services.raise_conflict(access, pk)
    messages.success(request, "Customer-ownership conflict raised with the counts as evidence.")
    return redirect("conflict_detail", access.alliance.pk, conflict.pk)


@alliance_page(write=True)
def overlap_rule_new(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    message = "Rule of engagement '{record}' recorded."
    return RULE_PAGES.create(request, access, "New rule of engagement", message)


@alliance_page(write=True, post=True)
def overlap_rule_delete(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    rule = access.get_record(EngagementRule, pk, write=True)
    return RULE_PAGES.delete(request, access, rule, "Rule of engagement '{record}' deleted.")


# The browser side: the page's script blinds the list in a Web Worker and talks to these
# JSON endpoints with the session (the API takes tokens, which a page does not hold).

WORKER = """importScripts({library}, {steps});
var ready = PSI();
onmessage = function (event) {{
  var m = event.data;
  ready.then(function (psi) {{
    var steps = self.DetenteOverlapSteps, out;
    if (m.step === "prepare") out = steps.prepare(psi, m.sets, m.reveal);
    else if (m.step === "respond") out = steps.respond(psi, m.sets, m.request, m.reveal);
    else out = steps.finish(psi, m.secret, m.sets, m.reply);
    postMessage({{ ok: true, result: out }});
  }}).catch(function (error) {{ postMessage({{ ok: false, error: String(error.message || error) }}); }});
}};
"""


# The library compiles WebAssembly, and its Emscripten bindings build their call wrappers
# with `new Function`: the site's policy forbids both everywhere else. A worker takes its
# policy from the response that delivers its script, so the one relaxation is here, on a
# worker that runs only this site's vendored library and steps and has no page (no DOM,
# no cookies, no forms) to reach; every page keeps the strict policy.
@login_required
@csp_update({"script-src": ["'wasm-unsafe-eval'", "'unsafe-eval'"]})
def overlap_worker(request: HttpRequest) -> HttpResponse:
    text = WORKER.format(
        library=json.dumps(static("overlap/psi_wasm_worker.js")),
        steps=json.dumps(static("overlap/psi-steps.js")),
    )
    response = HttpResponse(text, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _json_body(request: HttpRequest, key: str) -> Any:
    try:
        data = json.loads(request.body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InputError(key, "the page sent something that is not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get(key), dict):
        raise InputError(key, "missing")
    return data[key]


def _require_side(access: AllianceAccess, side_id: int) -> None:
    """Refuse a writer of the wrong side before reading what it sent."""
    if not access.can_write_on(side_id):
        raise PermissionDenied("Only a writer of that side may take this step.")


def _answer(access: AllianceAccess, step: Callable[[], OverlapRun]) -> JsonResponse:
    try:
        run = step()
    except InputError as exc:
        return JsonResponse({"errors": [{"field": exc.field, "message": exc.problem}]}, status=422)
    summary = present.run_summary(access, run)
    summary["url"] = reverse("overlap_run", args=[access.alliance.pk, run.pk])
    return JsonResponse(summary, json_dumps_params={"default": str})


@alliance_page(write=True, post=True)
def overlap_start(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    return _answer(access, lambda: services.start(access, _json_body(request, "request")))


@alliance_page()
def overlap_message(
    request: HttpRequest, access: AllianceAccess, pk: int, part: str
) -> HttpResponse:
    run = services.get_run(access, pk)
    message = run.request if part == "request" else run.reply
    if message is None or part not in ("request", "reply"):
        raise Http404("No such message.")
    return JsonResponse(message)


@alliance_page(write=True, post=True)
def overlap_answer(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    _require_side(access, services.get_run(access, pk).answering_side_id)
    return _answer(access, lambda: services.answer(access, pk, _json_body(request, "reply")))


@alliance_page(write=True, post=True)
def overlap_result(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    _require_side(access, services.get_run(access, pk).owner_side_id)
    return _answer(access, lambda: services.finish(access, pk, _json_body(request, "counts")))
