"""JSON errors that name the field and the problem."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from detente.api.parser import UnencodableText
from detente.records.api import FormInvalid, Refusal


def form_errors(form: Refusal, renames: dict[str, str] | None = None) -> list[dict[str, str]]:
    renames = renames or {}
    return [
        {"field": renames.get(field, field) if field != "__all__" else "", "message": str(message)}
        for field, messages in form.errors.items()
        for message in messages
    ]


def _field_from_loc(loc: list[Any]) -> str:
    # ninja's locations start with where the value came from ("body", "payload", "path").
    parts = [str(p) for p in loc if p not in ("body", "payload", "path", "query")]
    return ".".join(parts)


def install(api: NinjaAPI) -> None:
    @api.exception_handler(FormInvalid)
    def on_form_invalid(request: HttpRequest, exc: FormInvalid) -> HttpResponse:
        return api.create_response(
            request, {"errors": form_errors(exc.form, exc.renames)}, status=422
        )

    @api.exception_handler(NinjaValidationError)
    def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {"field": _field_from_loc(list(e.get("loc", []))), "message": e.get("msg", "invalid")}
            for e in exc.errors
        ]
        return api.create_response(request, {"errors": errors}, status=422)

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # The body parser refused text that cannot be stored (see detente.api.parser).
        if isinstance(exc.__cause__, UnencodableText):
            errors = [{"field": f, "message": m} for f, m in exc.__cause__.fields]
            return api.create_response(request, {"errors": errors}, status=422)
        return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": "Not found."}, status=404)

    @api.exception_handler(PermissionDenied)
    def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        message = str(exc) or "You may not do this."
        return api.create_response(request, {"detail": message}, status=403)

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": "Give a valid API token: Authorization: Bearer <token>."},
            status=401,
        )
