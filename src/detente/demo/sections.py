"""How each section of a story file becomes records: one function per section.

Records are made through the app's own services where it has them (alliance creation,
agreement drafts and signatures, the discrepancy check, the health scan, realism checks,
negotiation rounds, the conflict ladder, exit plans), and otherwise by ``Story.save``, which
checks, saves and audits a record as the app's save service does. Dates are then moved back
where a record's history needs it (a status change, a signature, a realism check).
"""

from __future__ import annotations

import copy
import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from detente import audit
from detente.agreements import services as agreements
from detente.agreements.models import AgreementVersion, Signature
from detente.alliances import services as alliances
from detente.alliances.models import (
    Alliance,
    HistoryEntry,
    Interaction,
    Signal,
    Stakeholder,
    StatusChange,
)
from detente.commitments.models import Commitment
from detente.conflicts import exit_plans, ladder
from detente.conflicts.models import (
    Comparison,
    Conflict,
    ConflictView,
    ExitPlan,
    OptionEstimate,
    SideWeights,
)
from detente.decisions.models import Decision, GoalSeries, PartyWeights
from detente.demo.story import (
    DEMO_PASSWORD,
    NAMED_BY,
    Story,
    at_hour,
    day,
    moment,
    periods_before_today,
    periods_from,
)
from detente.differences.models import Difference
from detente.goals import services as goals
from detente.goals.forms import RealismCheckForm
from detente.goals.models import RealismCheck
from detente.health import warning
from detente.health.models import (
    Alert,
    AlertAction,
    Answer,
    Cycle,
    HealthPlan,
    Measure,
    Response,
    SurveyInvitation,
)
from detente.health.services import DEFAULT_MEASURES
from detente.negotiation import services as negotiation_services
from detente.negotiation.forms import PreferencesForm, RoundForm
from detente.objectives import periods
from detente.objectives.models import KPI, Guardrail, Measurement, Objective
from detente.objectives.services import detect_discrepancies
from detente.records.visibility import get_alliance_access

# -- the alliance and its map ---------------------------------------------------------------


def alliance(story: Story) -> None:
    item = story.data["alliance"]
    creator, partner = story.data["sides"]["a"], story.data["sides"]["b"]
    with story.at("alliance"):
        made = alliances.create_alliance(
            story.person(creator),
            my_organisation=story.homes[creator],
            partner_names=[story.homes[partner].name],
            name=item["name"],
            purpose=item["purpose"],
            kind=item["kind"],
            start_date=day(item["start_date"]),
        )
    # The "created" status change dates from the alliance's start, not from the demo build.
    made.status_changes.update(changed_at=at_hour(made.start_date))
    story.made = made
    story.sides = dict(zip("ab", made.sides.order_by("id"), strict=True))


def status_changes(story: Story) -> None:
    story.each("status_changes", lambda item: _status_change(story, item))


def _status_change(story: Story, item: dict[str, Any]) -> None:
    target = story.alliance
    with story.at("to_status"):
        if item["to_status"] not in Alliance.Status.values:
            raise ValueError(f"not one of {', '.join(Alliance.Status.values)}")
    change = StatusChange.objects.create(
        alliance=target,
        from_status=target.status,
        to_status=item["to_status"],
        reason=item["reason"],
        changed_by=story.writer(item["side"]),
    )
    with story.at("date"):
        StatusChange.objects.filter(pk=change.pk).update(changed_at=at_hour(day(item["date"])))
    target.status = item["to_status"]
    target.save(update_fields=["status"])
    audit.log(story.writer(item["side"]), "create", change, after=audit.snapshot(change))


def stakeholders(story: Story) -> None:
    story.each("stakeholders", lambda item: story.create(Stakeholder, item))


def history(story: Story) -> None:
    story.each("history", lambda item: story.create(HistoryEntry, item))


def signals(story: Story) -> None:
    story.each("signals", lambda item: story.create(Signal, item))


def interactions(story: Story) -> None:
    story.each("interactions", lambda item: _interaction(story, item))


def _interaction(story: Story, item: dict[str, Any]) -> None:
    """``reply_after_hours``: a reply was asked for at 10:00 that day and came that many hours
    later (``null``: not yet); without it, no reply was asked for."""
    item = dict(item)
    if "reply_after_hours" in item:
        hours = item.pop("reply_after_hours")
        asked = at_hour(day(item["date"]))
        item["response_requested_at"] = asked
        item["responded_at"] = asked + timedelta(hours=hours) if hours is not None else None
    story.create(Interaction, item)


# -- objectives and KPIs --------------------------------------------------------------------


def objectives(story: Story) -> None:
    story.each("objectives", lambda item: _objective(story, item))


def _objective(story: Story, item: dict[str, Any]) -> None:
    item = dict(item)
    kpis = item.pop("kpis", [])
    objective = story.create(Objective, item)
    story.each("kpis", lambda kpi: _kpi(story, objective, item["side"], kpi), kpis)


def _kpi(story: Story, objective: Objective, letter: str, item: dict[str, Any]) -> None:
    """A KPI and each side's values for its last periods (or from ``first_period`` on).
    Values share their objective's visibility."""
    item = dict(item)
    values = item.pop("values", {})
    first = item.pop("first_period", None)
    fields = {"objective": objective, **story.values(KPI, item)}
    kpi = story.save(story.writer(letter), KPI, fields)
    for side, figures in values.items():
        with story.at("values", side):
            if first is None:
                series = periods_before_today(kpi.frequency, len(figures))
            else:
                series = periods_from(day(first), kpi.frequency, len(figures))
            for period, figure in zip(series, figures, strict=True):
                _measurement(story, kpi, side, period, figure, objective.visibility)


def _measurement(
    story: Story, kpi: KPI, side: str, period: periods.Period, value: Any, visibility: str
) -> None:
    """Saved, then checked against the other side's value as the KPI page does, on the day
    it would have been reported (12 days after the period)."""
    actor = story.writer(side)
    fields = {
        "alliance": story.alliance,
        "owner_side": story.side(side),
        "created_by": actor,
        "kpi": kpi,
        "period": period.label,
        "value": Decimal(str(value)),
        "visibility": visibility,
    }
    measurement = story.save(actor, Measurement, fields)
    reported = period.end + timedelta(days=12)
    detect_discrepancies(actor, measurement, today=min(reported, timezone.localdate()))


def guardrails(story: Story) -> None:
    story.each("guardrails", lambda item: story.create(Guardrail, item))


# -- commitments ----------------------------------------------------------------------------


def quarterly_commitments(story: Story) -> None:
    """The same commitments each quarter: ``due`` days into it, ``done`` (one per quarter)
    days after the due date it was done, or ``open``."""
    spec = story.data["quarterly_commitments"]
    for index, quarter in enumerate(periods_before_today(periods.QUARTER, spec["quarters"])):

        def build(item: dict[str, Any], q: periods.Period = quarter, i: int = index) -> None:
            _commitment(story, _in_quarter(item, q, i))

        story.each("commitments", build, spec["commitments"])


def _in_quarter(item: dict[str, Any], quarter: periods.Period, index: int) -> dict[str, Any]:
    item = dict(item)
    done = item.pop("done")[index]
    item["title"] = f"{item['title']}, {quarter.label}"
    item["due_date"] = quarter.start + timedelta(days=item.pop("due"))
    if done == "open":
        item["status"] = Commitment.Status.OPEN
    else:
        item["done_days_after_due"] = done
    return item


def commitments(story: Story) -> None:
    story.each("commitments", lambda item: _commitment(story, item))


def _commitment(story: Story, item: dict[str, Any]) -> None:
    """``owed_by`` defaults to the side that keeps it; ``done_days_after_due``: it was done
    that many days after its due date (never later than today)."""
    item = dict(item)
    item.setdefault("owed_by", item.get("side"))
    after = item.pop("done_days_after_due", None)
    if after is not None:
        item.setdefault("status", Commitment.Status.DONE)
        with story.at("due_date"):
            done_on = day(item["due_date"]) + timedelta(days=after)
        item["done_on"] = min(done_on, timezone.localdate())
    story.create(Commitment, item)


# -- agreements -----------------------------------------------------------------------------


def agreement(story: Story) -> None:
    made: list[AgreementVersion] = []

    def version(item: dict[str, Any]) -> None:
        based_on = made[-1] if made and item.get("based_on_previous", True) else None
        made.append(_version(story, item, based_on))

    story.each("agreement", version)


def _version(story: Story, item: dict[str, Any], based_on: Any) -> AgreementVersion:
    """Draft a version, waive its gaps, propose it and have the sides sign it, then date
    each step back to when the story says it happened."""
    access = get_alliance_access(story.writer(item["side"]), story.alliance.pk, write=True)
    draft = agreements.create_draft(
        access,
        owner_side=story.side(item["side"]),
        title=item["title"],
        summary=item.get("summary", ""),
        visibility=item.get("visibility", "joint"),
        based_on=based_on,
    )
    with story.at("content"):
        draft = agreements.update_draft(access, draft, parts=_content(story, item["content"]))
    for waiver in item.get("waivers", []):
        agreements.waive(access, draft, waiver["gap"], waiver["reason"])
    if item.get("waive_all_gaps"):
        for gap in agreements.open_gaps(draft, access.sides):
            agreements.waive(access, draft, gap.code, item["waive_all_gaps"])
    created = moment(item["created"])
    AgreementVersion.objects.filter(pk=draft.pk).update(created_at=created)
    if item.get("proposed"):
        agreements.propose(access, draft)
        AgreementVersion.objects.filter(pk=draft.pk).update(proposed_at=created)
        for letter, when in item.get("signed", {}).items():
            with story.at("signed", letter):
                _sign(story, draft, letter, moment(when))
    draft.refresh_from_db()
    return draft


def _sign(story: Story, draft: AgreementVersion, letter: str, when: Any) -> None:
    side = story.side(letter)
    signer = get_alliance_access(story.writer(letter), story.alliance.pk, write=True)
    agreements.sign(signer, draft, side)
    Signature.objects.filter(version=draft, side=side).update(signed_at=when)
    draft.refresh_from_db()
    if draft.status == AgreementVersion.Status.IN_FORCE:
        AgreementVersion.objects.filter(pk=draft.pk).update(in_force_at=when)
        AgreementVersion.objects.filter(
            alliance=story.alliance,
            status=AgreementVersion.Status.SUPERSEDED,
            ended_at__gt=when,
        ).update(ended_at=when)


def _content(story: Story, content: Any, key: str = "") -> Any:
    """The agreement's parts with sides ``a``/``b`` as side ids and deadlines as dates."""
    if isinstance(content, dict):
        return {k: _content(story, v, k) for k, v in content.items()}
    if isinstance(content, list):
        return [_content(story, v) for v in content]
    if key == "side" and content:
        return str(story.side(content).id)
    if key == "deadline" and content:
        return day(content).isoformat()
    return copy.deepcopy(content)


# -- differences ----------------------------------------------------------------------------


def differences(story: Story) -> None:
    story.each("differences", lambda item: _difference(story, item))


def _difference(story: Story, item: dict[str, Any]) -> None:
    item = dict(item)
    with story.at("views"):
        item["views"] = {str(story.side(k).id): v for k, v in item.get("views", {}).items()}
    story.create(Difference, item)


# -- health checks --------------------------------------------------------------------------


def health(story: Story) -> None:
    """A health plan, its measures, a cycle per past quarter with each side's answers, an
    optional open cycle, then the early-warning scan and the alerts the sides acknowledged."""
    spec = story.data["health"]
    with story.at("health"):
        story.create(HealthPlan, {"side": spec["side"]})
        measures = _measures(story, spec)
        quarters = periods_before_today(periods.QUARTER, len(spec["quarters"]))
        for index, quarter in enumerate(quarters):
            with story.at("quarters", index):
                _past_cycle(story, spec, measures, quarter, spec["quarters"][index])
        if "open_cycle" in spec:
            with story.at("open_cycle"):
                _open_cycle(story, spec, measures)
        warning.scan_alliance(story.alliance, notify=False)
        story.each(
            "acknowledged", lambda item: _acknowledge(story, item), spec.get("acknowledged", [])
        )


def _measures(story: Story, spec: dict[str, Any]) -> dict[str, Measure]:
    """The default measures (kept by the plan's side), then the story's own; the plan's
    person sets them all up."""
    rows = [
        {"key": key, "label": label, "question": question, "scale": scale, "side": spec["side"]}
        for key, label, question, scale in DEFAULT_MEASURES
    ] + spec.get("measures", [])
    made = {}
    for position, row in enumerate(rows):
        with story.at("measures", position):
            made[row["key"]] = story.create(Measure, row, by=spec["side"], position=position * 10)
    return made


def _past_cycle(
    story: Story,
    spec: dict[str, Any],
    measures: dict[str, Measure],
    quarter: periods.Period,
    data: dict[str, Any],
) -> None:
    """A closed quarter: answers spread around each side's figures (see ``_spread``)."""
    cycle = story.create(
        Cycle,
        {"side": spec["side"]},
        period=quarter.label,
        opens_on=quarter.end - timedelta(days=14),
        closes_on=quarter.end,
        notes=spec["cycle_notes"],
    )
    answered = data["answered"]
    for column, letter in enumerate("ab"):
        columns = {}
        for key, figures in data["values"].items():
            with story.at("values", key):
                if figures[column] is not None:
                    columns[measures[key]] = _spread(
                        measures[key], figures[column], answered, spec["spread"]
                    )
        people = spec["people"][letter][: data["invited"]]
        comments = data.get("comments", {}).get(letter, {})
        _survey(story, cycle, letter, people, columns, comments, answered)


# Spread added to percentage answers of one side (sums to zero: the side's mean is kept).
PERCENT_OFFSETS = {5: [-3.0, 2.0, 0.0, 3.0, -2.0], 3: [-2.0, 0.0, 2.0]}


def _spread(measure: Measure, figure: float, count: int, spread: dict[str, float]) -> list[float]:
    """``count`` answers: whole 1-5 scores adding up to ``figure``, or percentages whose mean
    is ``figure``."""
    if measure.scale == Measure.Scale.SCORE:
        return _scores(int(figure), count)
    return [round(figure + o * spread[measure.key], 1) for o in PERCENT_OFFSETS[count]]


def _scores(total: int, n: int) -> list[float]:
    """``n`` whole scores from 1 to 5 that add up to ``total``, spread a little."""
    base, extra = divmod(total, n)
    values = [base + (1 if i < extra else 0) for i in range(n)]
    for i in range(n // 2):
        j = n - 1 - i
        if values[i] < 5 and values[j] > 1 and i % 2 == 0:
            values[i] += 1
            values[j] -= 1
    return [float(v) for v in values]


def _open_cycle(story: Story, spec: dict[str, Any], measures: dict[str, Measure]) -> None:
    """This quarter's cycle, open, with the few answers given so far."""
    data = spec["open_cycle"]
    cycle = story.create(
        Cycle,
        {"side": spec["side"]},
        period=periods.quarter_of(timezone.localdate()).label,
        opens_on=day(data["opens_on"]),
        closes_on=day(data["closes_on"]),
        notes=data["notes"],
    )
    for letter, answers in data["answers"].items():
        with story.at("answers", letter):
            columns = {measures[key]: values for key, values in answers.items()}
            people = spec["people"][letter][: data["invited"]]
            answered = len(next(iter(columns.values())))
            _survey(story, cycle, letter, people, columns, {}, answered)


def _survey(
    story: Story,
    cycle: Cycle,
    letter: str,
    people: list[list[str]],
    columns: dict[Measure, list[float]],
    comments: dict[str, list[str]],
    answered: int,
) -> None:
    """Invite ``people`` of side ``letter``; the first ``answered`` answer: person i gives
    ``columns[measure][i]`` and ``comments[measure key][i]``."""
    for i, (name, email) in enumerate(people):
        invitation = story.create(
            SurveyInvitation,
            {"side": letter},
            cycle=cycle,
            name=name,
            email=email,
            sent_at=at_hour(cycle.opens_on),
        )
        if i < answered:
            values = {
                m: (column[i], _nth(comments.get(m.key, []), i)) for m, column in columns.items()
            }
            _answer(invitation, values)


def _nth(notes: list[str], i: int) -> str:
    return notes[i] if i < len(notes) else ""


def _answer(invitation: SurveyInvitation, values: dict[Measure, tuple[float, str]]) -> None:
    """An anonymous response, as the survey page records it, two days after the invitation."""
    response = Response.objects.create(
        alliance=invitation.alliance,
        owner_side=invitation.owner_side,
        cycle=invitation.cycle,
        invitation=invitation,
    )
    Answer.objects.bulk_create(
        Answer(response=response, measure=m, value=v, comment=c) for m, (v, c) in values.items()
    )
    invitation.answered_at = at_hour(invitation.cycle.opens_on + timedelta(days=2), 15)
    invitation.save(update_fields=["answered_at"])
    after = {"cycle_id": invitation.cycle_id, "owner_side_id": invitation.owner_side_id}
    audit.log(None, "create", response, after=after)


def _acknowledge(story: Story, item: dict[str, Any]) -> None:
    """A side acknowledges the latest joint alert on a measure (privately), if the scan
    raised one."""
    item = dict(item)
    alert = (
        Alert.objects.filter(
            alliance=story.alliance, measure=item.pop("measure"), visibility="joint"
        )
        .order_by("-period", "-severity")
        .first()
    )
    if alert is not None:
        fields = {"visibility": "private", "kind": AlertAction.Kind.ACKNOWLEDGE}
        story.create(AlertAction, {**fields, **item}, alert=alert)


# -- realism checks -------------------------------------------------------------------------


def realism_checks(story: Story) -> None:
    spec = story.data["realism_checks"]
    with story.at("realism_checks", "kpi"):
        kpi = story.find(KPI, spec["kpi"])
    with story.at("realism_checks"):
        story.each(
            "checks", lambda item: _realism_check(story, kpi, spec["form"], item), spec["checks"]
        )


def _realism_check(story: Story, kpi: KPI, shared: dict[str, Any], item: dict[str, Any]) -> None:
    """Made through the realism-check form and service, as on the page, then dated back."""
    item = dict(item)
    letter, on = item.pop("side"), item.pop("date")
    access = get_alliance_access(story.writer(letter), story.alliance.pk, write=True)
    fields = {**shared, **item}
    ask = fields.pop("proposed_from", shared["target"])
    known = {}
    if fields.get("target") == "proposed":
        plain = {k: v for k, v in fields.items() if k not in ("target", "notes")}
        form = _realism_form(story, access, kpi, {**plain, "target": ask}, on, letter, {})
        proposed = goals.run(form.cleaned_data["document"], 1)["phases"]["proposed"]["total"]
        fields["target"], known["proposed"] = proposed, f"{proposed:,}"
    form = _realism_form(story, access, kpi, fields, on, letter, known)
    check = goals.create_check(access, form)
    RealismCheck.objects.filter(pk=check.pk).update(created_at=moment(on))


def _realism_form(
    story: Story,
    access: Any,
    kpi: KPI,
    fields: dict[str, Any],
    on: Any,
    letter: str,
    known: dict[str, str],
) -> RealismCheckForm:
    deadline = day(fields["deadline"])
    side = story.side(letter).pk
    data = {
        "owner_side": side,
        "measurements_side": side,
        "visibility": "joint",
        **{k: _fill_in(v, known) for k, v in fields.items()},
        "start": day(on).isoformat(),
        "deadline": deadline.isoformat(),
        "holidays": " ".join(f"{deadline.year}-{md}" for md in fields.get("holidays", [])),
    }
    form = RealismCheckForm(data=data, access=access, kpi=kpi)
    if not form.is_valid():
        raise ValueError(_form_errors(form))
    return form


def _fill_in(value: Any, known: dict[str, str]) -> Any:
    """``{proposed}`` and ``{in 38 days}`` in a text, filled in."""
    if not isinstance(value, str):
        return value
    return re.sub(r"\{([^}]+)\}", lambda m: known.get(m[1]) or day(m[1]).isoformat(), value)


def _form_errors(form: Any) -> str:
    return "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())


# -- decisions ------------------------------------------------------------------------------


def decision(story: Story) -> None:
    item = dict(story.data["decision"])
    weights, series = item.pop("weights", {}), item.pop("goal_series", [])
    if isinstance(item.get("periods"), str):
        with story.at("decision", "periods"):
            item["periods"] = _last_quarters(item["periods"])
    with story.at("decision"):
        made = story.create(Decision, item)
        for letter, party in weights.items():
            with story.at("weights", letter):
                story.create(PartyWeights, {"side": letter, **party}, decision=made)
        story.each("goal_series", lambda s: _goal_series(story, made, s), series)


def _last_quarters(text: str) -> list[str]:
    """``the 8 quarters before today``: their labels, oldest first, so the data stays current."""
    match = re.fullmatch(r"the (\d+) quarters before today", text.strip())
    if match is None:
        raise ValueError(f"{text!r}: write a list of periods or 'the N quarters before today'")
    return [p.label for p in periods_before_today("quarter", int(match[1]))]


def _goal_series(story: Story, made: Decision, item: dict[str, Any]) -> None:
    item = dict(item)
    guards = None
    if "guards" in item:
        with story.at("guards"):
            guards = GoalSeries.objects.get(decision=made, name=item.pop("guards"))
    story.create(GoalSeries, item, decision=made, guards=guards)


# -- negotiation ----------------------------------------------------------------------------


def negotiation(story: Story) -> None:
    """A negotiation round with its issues, each side's private preferences entered through
    the preferences form, and a neutral facilitator granted by both sides."""
    spec = story.data["negotiation"]
    access = {k: get_alliance_access(story.writer(k), story.alliance.pk) for k in "ab"}
    with story.at("negotiation"):
        issues = "\n".join(f"{k}: {', '.join(v)}" for k, v in spec["issues"].items())
        data = {
            "owner_side": story.side(spec["side"]).pk,
            "title": spec["title"],
            "purpose": spec["purpose"],
            "issues": issues,
        }
        form = RoundForm(data=data, access=access[spec["side"]])
        if not form.is_valid():
            raise ValueError(_form_errors(form))
        rnd = negotiation_services.save_round(access[spec["side"]], form)
        for letter, prefs in spec["preferences"].items():
            with story.at("preferences", letter):
                _preferences(access[letter], rnd, prefs)
        with story.at("facilitator"):
            facilitator = _facilitator(spec["facilitator"])
        for letter in "ab":
            negotiation_services.grant(access[letter], rnd, facilitator)


def _preferences(access: Any, rnd: Any, prefs: dict[str, Any]) -> None:
    issues = list(rnd.issues.all())
    data, errors = PreferencesForm.data_from_json(prefs, issues)
    form = PreferencesForm(data=data, issues=issues)
    if errors or not form.is_valid():
        raise ValueError(str(errors) if errors else _form_errors(form))
    negotiation_services.save_preferences(access, rnd, form)


def _facilitator(person: dict[str, str]) -> Any:
    """An account with no membership in any organisation: kept across demo rebuilds (the
    reset removes only members of the demo's organisations)."""
    from detente.accounts.models import User

    user = User.objects.filter(email=person["email"]).first()
    if user is None:
        user = User.objects.create_user(person["email"], DEMO_PASSWORD, full_name=person["name"])
    return user


# -- conflicts and exits --------------------------------------------------------------------

LINKS = {"signals": Signal, "commitments": Commitment, "objectives": Objective, "kpis": KPI}


def conflicts(story: Story) -> None:
    story.each("conflicts", lambda item: _conflict(story, item))


def _conflict(story: Story, item: dict[str, Any]) -> None:
    """The conflict, its links and each side's view; then, if raised, the climb up the
    ladder; then the comparison of options."""
    item = dict(item)
    links = {name: item.pop(name, []) for name in LINKS}
    views = item.pop("views", [])
    ladder_fields = {
        k: item.pop(k) for k in ("raised_jointly", "rungs", "keep_climbing") if k in item
    }
    comparison = item.pop("comparison", None)
    conflict = story.create(Conflict, item)
    for name, prefixes in links.items():
        with story.at(name):
            getattr(conflict, name).add(*(story.find(LINKS[name], p) for p in prefixes))
    story.each("views", lambda view: story.create(ConflictView, view, conflict=conflict), views)
    if "raised_jointly" in ladder_fields:
        _climb(story, conflict, item["side"], ladder_fields)
    if comparison is not None:
        with story.at("comparison"):
            _comparison(story, conflict, comparison)


def _climb(story: Story, conflict: Conflict, letter: str, spec: dict[str, Any]) -> None:
    """Raise the conflict jointly, then let each rung's time run out (the real escalation
    run, with its notifications): first the ``rungs`` whose meetings the story tells, then,
    with ``keep_climbing``, every further rung whose time is up by now."""
    access = get_alliance_access(story.writer(letter), story.alliance.pk, write=True)
    with story.at("raised_jointly"):
        ladder.raise_jointly(access, conflict, now=moment(spec["raised_jointly"]))
    for number, rung in enumerate(spec.get("rungs", []), start=1):
        with story.at("rungs", number - 1):
            told = conflict.steps.get(number=number)
            told.met_on = day(rung["met_on"])
            told.who_met, told.agreed = rung["who_met"], rung["agreed"]
            told.still_open = rung["still_open"]
            told.save()
            ladder.escalate_due(told.due_at)
    step = conflict.steps.filter(ended_at__isnull=True).first()
    while spec.get("keep_climbing") and step is not None and step.due_at is not None:
        if step.due_at > timezone.now():
            break
        ladder.escalate_due(step.due_at)
        step = conflict.steps.filter(ended_at__isnull=True).first()


def _comparison(story: Story, conflict: Conflict, item: dict[str, Any]) -> None:
    """Each side's weights, then its estimates: ``[option, likely flows, spread,
    relationship, reputation, strategic option]``; low and high flows are the likely ones
    moved by ``spread`` of their size."""
    item = dict(item)
    weights, estimates = item.pop("weights", {}), item.pop("estimates", {})
    comparison = story.create(Comparison, item, conflict=conflict)
    for letter, fields in weights.items():
        with story.at("weights", letter):
            story.create(SideWeights, {"side": letter, **fields}, comparison=comparison)
    for letter, rows in estimates.items():

        def estimate(row: list[Any], side: str = letter) -> None:
            _estimate(story, comparison, side, row)

        story.each(letter, estimate, rows)


def _estimate(story: Story, comparison: Comparison, letter: str, row: list[Any]) -> None:
    option, likely, spread, relationship, reputation, strategic = row
    fields = {
        "side": letter,
        "option": option,
        "flows_likely": likely,
        "flows_low": [round(v - spread * abs(v), 1) for v in likely],
        "flows_high": [round(v + spread * abs(v), 1) for v in likely],
        "relationship": relationship,
        "reputation": reputation,
        "strategic_option": strategic,
    }
    story.create(OptionEstimate, fields, comparison=comparison)


def exit_plan(story: Story) -> None:
    """The plan's notice period and communications come from the agreement's exit terms;
    its steps go into the commitments ledger, owed by its side."""
    item = dict(story.data["exit_plan"])
    letter = item["side"]
    access = get_alliance_access(story.writer(letter), story.alliance.pk, write=True)
    with story.at("exit_plan"):
        draft = exit_plans.draft_values(access, day(item.pop("notice_on")))
        fixed = {
            k: draft[k] for k in ("notice_on", "notice_days", "communications", "terms_source")
        }
        plan = story.create(ExitPlan, item, **fixed)
    exit_plans.track_as_commitments(access, plan, story.side(letter))


def threads(story: Story) -> None:
    """Comment threads: on a ``kind`` of record (``conflict``, ``commitment``, …) named by
    the start of its title; each comment ``by`` a person, in the ``joint`` thread or its
    side's ``internal`` one, posted as the thread page posts it (mentions tell people),
    then dated back to ``at``."""
    story.each("threads", lambda item: _thread(story, item))


def _thread(story: Story, item: dict[str, Any]) -> None:
    from django.apps import apps

    from detente.threads import services as thread_services
    from detente.threads.models import Comment
    from detente.threads.targets import TARGETS

    with story.at("kind"):
        if item["kind"] not in TARGETS:
            raise ValueError(f"kind must be one of {', '.join(TARGETS)}, not {item['kind']!r}")
    model = apps.get_model(TARGETS[item["kind"]].model)
    with story.at("record"):
        record = (
            story.find(model, item["record"])
            if model in NAMED_BY
            else model.objects.filter(alliance=story.alliance, title__startswith=item["record"])
            .order_by("id")
            .first()
        )
        if record is None:
            raise ValueError(f"no {item['kind']} whose title starts with {item['record']!r}")

    def comment(entry: dict[str, Any]) -> None:
        with story.at("by"):
            person = story.person(entry["by"])
        access = get_alliance_access(person, story.alliance.pk)
        try:
            made = thread_services.post(
                access, item["kind"], record, entry.get("thread", "joint"), entry["text"]
            )
        except thread_services.Refused as refused:
            raise ValueError(str(refused)) from None
        if "at" in entry:
            Comment.objects.filter(pk=made.pk).update(created_at=moment(entry["at"]))

    story.each("comments", comment, item["comments"])


# Every section a story may have, in the order the builder runs them (see demo/build.py).
SECTIONS = {
    "alliance": alliance,
    "status_changes": status_changes,
    "stakeholders": stakeholders,
    "history": history,
    "signals": signals,
    "interactions": interactions,
    "objectives": objectives,
    "guardrails": guardrails,
    "quarterly_commitments": quarterly_commitments,
    "commitments": commitments,
    "agreement": agreement,
    "differences": differences,
    "health": health,
    "realism_checks": realism_checks,
    "decision": decision,
    "negotiation": negotiation,
    "conflicts": conflicts,
    "exit_plan": exit_plan,
    "threads": threads,
}


# The meetings app's section lives in its own module (demo/meetings.py).
from detente.demo.meetings import meetings as _meetings  # noqa: E402

SECTIONS["meetings"] = _meetings

# The plan's section lives in its own module (demo/plans.py).
from detente.demo.plans import plan as _plan  # noqa: E402

SECTIONS["plan"] = _plan
# The vision app's section (the shared vision and the ideas) lives in demo/vision.py.
from detente.demo.vision import vision as _vision  # noqa: E402

SECTIONS["vision"] = _vision
# Internal approvals and relationship health (demo/consensus.py).
from detente.demo.consensus import approvals as _approvals  # noqa: E402
from detente.demo.consensus import check_ins as _check_ins  # noqa: E402

SECTIONS["approvals"] = _approvals
SECTIONS["check_ins"] = _check_ins
# The overlap app's section lives in its own module (demo/overlap.py).
from detente.demo.overlap import overlap as _overlap  # noqa: E402

SECTIONS["overlap"] = _overlap
# The milestones section lives in its own module (demo/milestones.py).
from detente.demo.milestones import milestones as _milestones  # noqa: E402

SECTIONS["milestones"] = _milestones
