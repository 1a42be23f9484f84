"""The pages that gather every capability of an alliance: the portfolio of a user's
alliances and the overview of one. They sit above the capability apps (alliances,
commitments, conflicts, health, ...) and read each through its own module, so no capability
app imports another just to be shown on these pages. URLs and templates are unchanged."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from detente.alliances import present as alliances_present
from detente.alliances import timeline
from detente.alliances.forms import managed_organisations
from detente.commitments import ledger as commitments_ledger
from detente.conflicts.overview import open_conflicts
from detente.health import portfolio as health_portfolio
from detente.records.models import Alliance
from detente.records.paging import page_of
from detente.records.visibility import get_alliance_access
from detente.workspace import onboarding

SORTS = {**alliances_present.PORTFOLIO_SORTS, "risk": "Risk (health)"}


@login_required
def portfolio(request: HttpRequest) -> HttpResponse:
    shown = alliances_present.portfolio(request.user)
    mine = shown.mine
    # Over all the user's alliances, counted in SQL (the count serves the pages too).
    counted = dict(mine.values_list("status").annotate(n=Count("id")).order_by())
    status_counts = {
        label: counted[value] for value, label in Alliance.Status.choices if value in counted
    }
    # Filtered and sorted on the server (status, name contains, sort), then a page of them
    # (detente.records.paging); everything below reads only the page's alliances.
    filters = health_portfolio.Filters.from_query(request.GET)
    sort = request.GET.get("sort", "name")
    sort = sort if sort in SORTS else "name"
    if sort == "risk":  # the health portfolio's ranking (SQL aggregates), then the page
        page = page_of(request, health_portfolio.ranked(request.user, filters))
        by_id = shown.alliances.in_bulk(list(page.object_list))
        alliances = [by_id[pk] for pk in page.object_list]
    else:
        chosen = shown.chosen(filters.status, filters.text, sort)
        unfiltered = not (filters.status or filters.text)
        page = page_of(request, chosen, count=sum(counted.values()) if unfiltered else None)
        alliances = list(page)
    # Each card's latest visible activity, down the (alliance, newest first) index.
    latest = dict(
        Alliance.objects.filter(pk__in=[a.id for a in alliances])
        .annotate(last=alliances_present.latest_activity(request.user))
        .values_list("id", "last")
    )
    # Health-check sparklines and open alerts, in a fixed number of queries.
    health = health_portfolio.summaries(request.user, alliances)
    # Each alliance's card: the alliance, its latest visible activity and its health.
    cards = [(a, latest.get(a.id), health[a.id]) for a in alliances]
    return render(
        request,
        "alliances/portfolio.html",
        {
            "alliances": alliances,
            "any_alliance": bool(counted),
            "cards": cards,
            "page_obj": page,
            "status_counts": status_counts,
            "filters": filters,
            "sort": sort,
            "sorts": SORTS,
            "statuses": Alliance.Status.choices,
            # Only a manager of some organisation may start an alliance (else 403).
            "can_start": managed_organisations(request.user).exists(),
            # Alliances that ask an organisation the user manages to join as a side.
            "side_invitations": shown.side_invitations,
        },
    )


@login_required
def alliance_overview(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    filter_form = timeline.TimelineFilter(request.GET or None, access=access)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    # The alliance's own part, as its JSON twins read it (detente.alliances.present).
    shown = alliances_present.overview(access, filters)
    if request.headers.get("HX-Request") == "true" and request.GET.get("fragment") == "timeline":
        context = {"access": access, "entries": shown.entries, "filter_form": filter_form}
        return render(request, "alliances/_timeline.html", context)
    context = {
        "access": access,
        "alliance": shown.alliance,
        "stakeholders": shown.stakeholders,
        "map": shown.map,
        "entries": shown.entries,
        "activity": shown.activity,
        "filter_form": filter_form,
        "status_changes": shown.status_changes,
        # One query, through the visibility rule (detente.commitments.ledger).
        "overdue_commitments": commitments_ledger.overdue(access),
        # Three queries, through the visibility rule (detente.conflicts.overview).
        "open_conflicts": open_conflicts(access),
        # Organisations asked to join and not answered yet: who asked, and when.
        "pending_sides": shown.pending_sides,
        # The first steps, what waits for this side, invitations sent (workspace.onboarding).
        **onboarding.overview_context(access),
    }
    return render(request, "alliances/overview.html", context)
