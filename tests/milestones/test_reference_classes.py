"""Reference classes in the site: an organisation's completed milestones and imported past
projects, private to it, used by a private realism check as `detente realism` uses a class."""

from __future__ import annotations

import math
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from detente.analysis.realism import analyse
from detente.goals.models import RealismCheck
from detente.milestones.models import Milestone, PastProject
from tests.goals.realism_helpers import check_form
from tests.milestones.conftest import DUE, START

pytestmark = pytest.mark.django_db

GOOD = b"name,planned,achieved,notes\nLaos pilot,1000,620,\nThai pilot,800,800,on time\nHub launch,500,410,\n"


def url(cast: Any, suffix: str = "") -> str:
    return f"/alliances/{cast.alliance.pk}/goals/reference/{suffix}"


def api(cast: Any, suffix: str = "") -> str:
    return f"/api/v1/alliances/{cast.alliance.pk}/goals/reference{suffix}"


def upload(content: bytes) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("past.csv", content, content_type="text/csv")}


def test_it_imports_past_projects_all_or_nothing_naming_row_and_column(cast: Any) -> None:
    bad = b"name,planned,achieved\nLaos pilot,1000,620\n,800,x\nHub,0,10\n"
    refused = cast.api("alice").post(api(cast, "/import"), upload(bad))
    assert refused.status_code == 422
    problems = {(p["row"], p["column"]) for p in refused.json()["errors"]}
    assert problems == {(3, "name"), (3, "achieved"), (4, "planned")}
    assert not PastProject.objects.exists()
    assert cast.api("rita").post(api(cast, "/import"), upload(GOOD)).status_code == 403
    done = cast.api("alice").post(api(cast, "/import"), upload(GOOD))
    assert done.status_code == 201, done.content
    assert done.json()["imported"] == 3
    assert {p.organisation for p in PastProject.objects.all()} == {cast.acme}
    page = cast.client("alice").post(url(cast, "import/"), upload(b"name,planned\nX,1\n"))
    assert page.status_code == 302
    assert PastProject.objects.count() == 3  # the page refused the file whole


def test_it_keeps_an_organisations_reference_class_from_the_partner(cast: Any, track: Any) -> None:
    cast.api("alice").post(
        api(cast, "/import"), upload(b"name,planned,achieved\nSECRET-PAST,100,70\n")
    )
    track.milestone(
        cast, title="SECRET-DRAFT", visibility="private", state="draft", status="met", achieved=5000
    )
    track.milestone(cast, title="Joint met", status="met", achieved=5200)
    for who in ("bob", "bella"):
        seen = (
            cast.api(who).get(api(cast)).content.decode()
            + cast.client(who).get(url(cast)).content.decode()
        )
        assert "SECRET-PAST" not in seen and "SECRET-DRAFT" not in seen
        assert cast.api(who).get(api(cast)).json()["organisation"] == "Globex"
    mine = cast.api("rita").get(api(cast)).json()
    assert mine["organisation"] == "Acme"
    assert sorted(m["name"] for m in mine["milestones"]) == ["Joint met", "SECRET-DRAFT"]
    assert [p["name"] for p in mine["projects"]] == ["SECRET-PAST"]
    # The partner's own class holds the joint milestone it sees, never side A's draft.
    assert [m["name"] for m in cast.api("bob").get(api(cast)).json()["milestones"]] == ["Joint met"]


def test_a_private_check_uses_the_reference_class_as_the_command_does(
    cast: Any, track: Any
) -> None:
    cast.api("alice").post(api(cast, "/import"), upload(GOOD))
    track.milestone(cast, title="Q1 drivers", status="missed", achieved=4000)
    for period, value in [("2025-10", 1500), ("2025-11", 1600)]:
        track.value(cast, period, value)
    today = timezone.localdate()
    form = check_form(
        cast, cast.side_a, visibility="private", funnel="drivers", measured_stage="first",
        target=3000, use_reference_class="on", start=today.isoformat(),
    )  # fmt: skip
    answer = cast.client("alice").post(
        f"/alliances/{cast.alliance.pk}/goals/kpis/{track.kpi.pk}/", form
    )
    assert answer.status_code == 302, answer.content.decode()[-1500:]
    check = RealismCheck.objects.get()
    ref = check.result["reference_class"]
    # The command on the saved inputs gives the same class.
    assert analyse(check.inputs, seed=check.seed)["reference_class"] == ref
    # By hand: ratios 0.62, 1.0, 0.82, 0.8; at 80% the order statistic at floor(0.2 n) = 0.
    ratios = sorted([620 / 1000, 800 / 800, 410 / 500, 4000 / 5000])
    assert ref["ratios"] == [round(r, 6) for r in ratios]
    assert ref["adjustment"] == ratios[math.floor(0.2 * 4 + 1e-9)]
    assert ref["adjusted_target"] == math.floor(3000 * ratios[0] + 1e-9)
    assert START < DUE  # the fixture's milestone dates, unchanged


def test_a_joint_check_cannot_use_the_private_reference_class(cast: Any, track: Any) -> None:
    cast.api("alice").post(api(cast, "/import"), upload(GOOD))
    track.value(cast, "2025-10", 1500)
    form = check_form(
        cast, cast.side_a, funnel="drivers", measured_stage="first", use_reference_class="on"
    )
    answer = cast.client("alice").post(
        f"/alliances/{cast.alliance.pk}/goals/kpis/{track.kpi.pk}/", form
    )
    assert answer.status_code == 200
    assert "keep the check private" in answer.content.decode()
    assert not RealismCheck.objects.exists()
    assert not Milestone.objects.exists()
