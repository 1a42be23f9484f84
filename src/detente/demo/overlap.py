"""The ``overlap`` section of a story: customer-overlap runs between the two sides, their
counts as a customer-ownership conflict's evidence, and the rule of engagement agreed.

Each run is a real private set intersection: the builder plays both sides' machines
in-process with the lists of the story (``lists.a``, ``lists.b``: CSV text), and the
server side goes through the overlap app's services exactly as the API does, so the
database holds blinded messages and counts, never the lists. A run with ``reveal`` is one
both sides agreed to; its list of shared accounts is what each side's own machine shows
(``detente overlap finish``), never stored here.
"""

from __future__ import annotations

from typing import Any

from detente.analysis.overlap import finish, kind_sets, prepare, read_accounts_text, respond
from detente.demo.story import Story, moment
from detente.overlap import services
from detente.overlap.forms import EngagementRuleForm
from detente.overlap.models import OverlapRun
from detente.records import services as record_services
from detente.records.visibility import get_alliance_access


def overlap(story: Story) -> None:
    spec = story.data["overlap"]
    with story.at("overlap", "lists"):
        sets = {letter: kind_sets(read_accounts_text(spec["lists"][letter])) for letter in "ab"}
    runs = story.each("runs", lambda item: _run(story, sets, item), spec.get("runs", []))
    if "conflict_from_run" in spec:
        with story.at("overlap", "conflict_from_run"):
            run = runs[int(spec["conflict_from_run"])]
            access = get_alliance_access(
                story.writer(spec.get("conflict_side", "a")), story.alliance.pk
            )
            services.raise_conflict(access, run.pk)
    if "rule" in spec:
        with story.at("overlap", "rule"):
            _rule(story, spec["rule"])


def _run(story: Story, sets: dict[str, Any], item: dict[str, Any]) -> OverlapRun:
    asking = item["asks"]
    answering = "b" if asking == "a" else "a"
    reveal = bool(item.get("reveal", False))
    ask = get_alliance_access(story.writer(asking), story.alliance.pk, write=True)
    answer = get_alliance_access(story.writer(answering), story.alliance.pk, write=True)
    secret, request = prepare(sets[asking], reveal=reveal)  # on the asking side's machine
    run = services.start(ask, request, story.side(asking).pk)
    reply = respond(sets[answering], services.get_run(answer, run.pk).request, reveal=reveal)
    services.answer(answer, run.pk, reply)
    result = finish(secret, sets[asking], services.get_run(ask, run.pk).reply or {})
    services.finish(ask, run.pk, result.counts)
    if "at" in item:
        when = moment(item["at"])
        OverlapRun.objects.filter(pk=run.pk).update(
            created_at=when, answered_at=when, finished_at=when
        )
    run.refresh_from_db()
    return run


def _rule(story: Story, item: dict[str, Any]) -> None:
    letter = item.get("side", "a")
    access = get_alliance_access(story.writer(letter), story.alliance.pk, write=True)
    data = {
        "owner_side": story.side(letter).pk,
        "visibility": item.get("visibility", "joint"),
        "title": item["title"],
        "leader": item["leader"],
        "handover": item["handover"],
    }
    form = EngagementRuleForm(data=data, access=access)
    if not form.is_valid():
        raise ValueError(f"the rule is refused: {dict(form.errors)}")
    record_services.save_form(access, form)
