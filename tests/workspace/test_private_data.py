"""Side B never sees what side A keeps private: not in a page, a fragment, a filter, an
export, a search, a count, an API answer or the audit log.

Every record of the cast is named after its owner and visibility ("History A-PRIVATE",
"notes A-PRIVATE"), so a leak is a search for the text "A-PRIVATE" in what side B receives.
Each test also checks that side A does see its private records, so no test passes because
a page shows nothing at all.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from detente.alliances.models import Interaction, Stakeholder
from detente.audit.models import AuditEntry

SECRET = "A-PRIVATE"
SHARED = "A-JOINT"
SIDE_B = ("bob", "bella")
KINDS = ("history", "signal", "interaction")
RECORD_KINDS = ("stakeholder", *KINDS)


def text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def without_echo(page: str) -> str:
    """The page without the search boxes, which repeat what the user typed."""
    return re.sub(r'<input[^>]*name="q"[^>]*>', "", page)


def overview(cast: Any, who: str, query: str = "", **headers: str) -> str:
    page = text(cast.client(who).get(f"/alliances/{cast.alliance.pk}/{query}", headers=headers))
    return without_echo(page)


# Pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", SIDE_B)
def test_it_keeps_side_a_private_records_out_of_the_overview(cast: Any, who: str) -> None:
    page = overview(cast, who)
    assert SECRET not in page
    for kind in RECORD_KINDS:
        assert f"{kind.title()} {SHARED}" in page


def test_it_shows_side_a_its_own_private_records_on_the_overview(cast: Any) -> None:
    for who in ("alice", "rita"):
        page = overview(cast, who)
        for kind in RECORD_KINDS:
            assert f"{kind.title()} {SECRET}" in page


@pytest.mark.parametrize(
    "query",
    [
        "?visibility=private",
        "?side={side_a}&visibility=private",
        "?q=PRIVATE",
        f"?q={SECRET}",
        "?q=notes",
        "?kind=history&visibility=private",
        "?kind=signal&q=A-",
        "?kind=interaction&side={side_a}",
        "?since=2000-01-01",
    ],
)
def test_it_keeps_side_a_private_records_out_of_every_timeline_filter(
    cast: Any, query: str
) -> None:
    query = query.format(side_a=cast.side_a.pk)
    for fragment in (False, True):
        q = query + "&fragment=timeline" if fragment else query
        headers = {"HX-Request": "true"} if fragment else {}
        for who in SIDE_B:
            assert SECRET not in overview(cast, who, q, **headers)
    seen_by_alice = overview(cast, "alice", query + "&fragment=timeline", **{"HX-Request": "true"})
    if "visibility=private" in query or "PRIVATE" in query:
        assert SECRET in seen_by_alice


def test_it_filters_side_b_private_records_for_side_b_but_never_adds_side_a_ones(
    cast: Any,
) -> None:
    fragment = overview(
        cast, "bob", "?visibility=private&fragment=timeline", **{"HX-Request": "true"}
    )
    assert "B-PRIVATE" in fragment
    assert SECRET not in fragment
    assert fragment.count('data-testid="timeline-entry"') == len(KINDS)


def test_it_counts_only_visible_entries_in_the_activity_chart(cast: Any) -> None:
    def total(who: str) -> int:
        page = overview(cast, who)
        data = re.search(r'<script id="activity-data" type="application/json">(.*?)</script>', page)
        assert data is not None
        activity = json.loads(data.group(1))
        return sum(sum(activity[kind]) for kind in KINDS)

    # Per kind, side B sees A's joint entry and its own two; side A the mirror image.
    assert total("bob") == total("bella") == total("alice") == 3 * len(KINDS)
    Interaction.objects.filter(pk=cast.records["a_private_interaction"].pk).update(
        date=timezone.localdate() - timedelta(days=40)
    )
    assert total("bob") == 3 * len(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_it_answers_404_for_side_a_private_entry_pages(cast: Any, kind: str) -> None:
    pk = cast.records[f"a_private_{kind}"].pk
    base = f"/alliances/{cast.alliance.pk}/timeline/{kind}/{pk}/"
    for who in SIDE_B:
        client = cast.client(who)
        for url in (base, base + "edit/"):
            response = client.get(url, headers={"HX-Request": "true"})
            assert response.status_code == 404
            assert SECRET not in response.content.decode()
    assert SECRET in text(cast.client("alice").get(base))
    assert SECRET in text(cast.client("rita").get(base))


def test_it_answers_404_for_side_a_private_stakeholder_pages(cast: Any) -> None:
    pk = cast.records["a_private_stakeholder"].pk
    url = f"/alliances/{cast.alliance.pk}/stakeholders/{pk}/edit/"
    for who in SIDE_B:
        response = cast.client(who).get(url)
        assert response.status_code == 404
        assert SECRET not in response.content.decode()
    assert SECRET in text(cast.client("alice").get(url))


def test_it_keeps_side_a_private_stakeholders_out_of_side_b_forms(cast: Any) -> None:
    """The counterpart and participant pickers list only what side B may see."""
    a = cast.alliance.pk
    b_stakeholder = cast.records["b_joint_stakeholder"].pk
    b_interaction = cast.records["b_joint_interaction"].pk
    for url in (
        f"/alliances/{a}/stakeholders/new/",
        f"/alliances/{a}/stakeholders/{b_stakeholder}/edit/",
        f"/alliances/{a}/timeline/interaction/new/",
        f"/alliances/{a}/timeline/interaction/{b_interaction}/edit/",
    ):
        page = text(cast.client("bob").get(url))
        assert SECRET not in page
        assert f"Stakeholder {SHARED}" in page
    assert f"Stakeholder {SECRET}" in text(
        cast.client("alice").get(f"/alliances/{a}/stakeholders/new/")
    )


def test_it_keeps_side_a_private_records_out_of_the_csv_export(cast: Any) -> None:
    def rows(who: str) -> list[list[str]]:
        response = cast.client(who).get(f"/alliances/{cast.alliance.pk}/timeline.csv")
        assert response.status_code == 200
        return list(csv.reader(io.StringIO(response.content.decode())))[1:]

    for who in SIDE_B:
        exported = rows(who)
        assert len(exported) == 3 * len(KINDS)
        assert not any(SECRET in cell for row in exported for cell in row)
        assert any(SHARED in row[3] for row in exported)
    assert sum(SECRET in row[3] for row in rows("alice")) == len(KINDS)


@pytest.mark.parametrize("query", ["PRIVATE", SECRET, "A-", "notes", "Stakeholder", "private"])
def test_it_keeps_side_a_private_records_out_of_search(cast: Any, query: str) -> None:
    for who in SIDE_B:
        page = text(cast.client(who).get("/search/", {"q": query}))
        assert SECRET not in without_echo(page).replace(f"“{query}”", "")
    assert SECRET in without_echo(text(cast.client("alice").get("/search/", {"q": query})))


def test_it_counts_only_visible_records_in_search_results(cast: Any) -> None:
    def count(who: str, query: str) -> int:
        page = text(cast.client(who).get("/search/", {"q": query}))
        found = re.search(r"(\d+) results?", page)
        assert found is not None
        return int(found.group(1))

    # "A-" matches A's records only: its four joint ones for side B, all eight for side A.
    assert count("bob", "A-") == count("bella", "A-") == len(RECORD_KINDS)
    assert count("alice", "A-") == 2 * len(RECORD_KINDS)
    assert count("bob", SECRET) == 0
    assert count("alice", SECRET) == len(RECORD_KINDS)


def test_it_keeps_side_a_private_activity_out_of_side_b_portfolio(
    cast: Any, call: Callable[..., Any]
) -> None:
    """The portfolio's "last activity" is computed from the audit entries side B may see."""
    AuditEntry.objects.update(at=timezone.now() - timedelta(days=10))
    pk = cast.records["a_private_history"].pk
    url = f"/api/v1/alliances/{cast.alliance.pk}/timeline/history/{pk}"
    assert call(cast.api("alice"), "PATCH", url, {"notes": "changed"}).status_code == 200
    assert "last activity 1\xa0week, 3\xa0days ago" in text(cast.client("bob").get("/"))
    assert "last activity 0\xa0minutes ago" in text(cast.client("alice").get("/"))


# API ------------------------------------------------------------------------------------


def api_json(client: Any, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


def api_items(client: Any, url: str) -> list[Any]:
    """Every record of a paginated API list, read page by page through ``next``."""
    page = api_json(client, url + ("&" if "?" in url else "?") + "limit=500")
    items = page["items"]
    while page["next"]:
        page = api_json(client, page["next"])
        items += page["items"]
    assert len(items) == page["count"]
    return items


@pytest.mark.parametrize("who", SIDE_B)
def test_it_keeps_side_a_private_records_out_of_every_api_list(cast: Any, who: str) -> None:
    client = cast.api(who)
    a = f"/api/v1/alliances/{cast.alliance.pk}"
    private_ids = {kind: cast.records[f"a_private_{kind}"].pk for kind in RECORD_KINDS}
    stakeholders = api_items(client, a + "/stakeholders")
    assert private_ids["stakeholder"] not in {s["id"] for s in stakeholders}
    assert len(stakeholders) == 3
    for query in ("", "?kind=history", "?kind=signal", "?kind=interaction", "?since=2000-01-01"):
        entries = api_items(client, a + "/timeline" + query)
        assert entries, query
        for entry in entries:
            assert entry["id"] != private_ids[entry["kind"]] or entry["side_id"] != cast.side_a.pk
            assert SECRET not in json.dumps(entry)
    everything = json.dumps([api_json(client, a + path) for path in ("", "/sides", "/audit")])
    assert SECRET not in everything + json.dumps(stakeholders)


def test_it_lists_side_a_private_records_for_side_a_in_the_api(cast: Any) -> None:
    a = f"/api/v1/alliances/{cast.alliance.pk}"
    for who in ("alice", "rita"):
        client = cast.api(who)
        assert SECRET in json.dumps(api_items(client, a + "/stakeholders"))
        timeline = api_items(client, a + "/timeline")
        assert sum(SECRET in entry["title"] for entry in timeline) == len(KINDS)


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_it_answers_404_for_side_a_private_records_in_the_api(cast: Any, kind: str) -> None:
    pk = cast.records[f"a_private_{kind}"].pk
    a = f"/api/v1/alliances/{cast.alliance.pk}"
    url = f"{a}/stakeholders/{pk}" if kind == "stakeholder" else f"{a}/timeline/{kind}/{pk}"
    for who in SIDE_B:
        response = cast.api(who).get(url)
        assert response.status_code == 404
        assert SECRET not in response.content.decode()
    assert SECRET in json.dumps(api_json(cast.api("alice"), url))


# Audit ----------------------------------------------------------------------------------


@pytest.fixture
def audited(cast: Any, call: Callable[..., Any]) -> dict[str, Any]:
    """Alice creates, changes and deletes private records of every kind through the API,
    so the audit holds entries about them (the cast's records were made without audit)."""
    client = cast.api("alice")
    a = f"/api/v1/alliances/{cast.alliance.pk}"
    bodies = {
        "stakeholder": {
            "name": "Audit A-PRIVATE person",
            "role": "sponsor",
            "influence": 5,
            "stance": "sceptic",
        },
        "history": {"date": "2025-04-01", "category": "broken", "title": "Audit A-PRIVATE history"},
        "signal": {"date": "2025-04-01", "kind": "other", "title": "Audit A-PRIVATE signal"},
        "interaction": {"date": "2025-04-01", "kind": "call", "title": "Audit A-PRIVATE call"},
    }
    ids = {}
    for kind, fields in bodies.items():
        url = a + ("/stakeholders" if kind == "stakeholder" else f"/timeline/{kind}")
        created = call(client, "POST", url, {**fields, "visibility": "private"})
        assert created.status_code == 201, created.content
        ids[kind] = created.json()["id"]
        record_url = f"{url}/{ids[kind]}"
        changed = call(client, "PATCH", record_url, {"notes": "walk-away A-PRIVATE"})
        if kind == "stakeholder":
            changed = call(client, "PATCH", record_url, {"title": "Chief A-PRIVATE"})
        assert changed.status_code == 200, changed.content
    # The cast's own private records: changed, and one deleted.
    for kind in KINDS:
        pk = cast.records[f"a_private_{kind}"].pk
        assert call(client, "PATCH", f"{a}/timeline/{kind}/{pk}", {"notes": "n"}).status_code == 200
    pk = cast.records["a_private_stakeholder"].pk
    assert call(client, "DELETE", f"{a}/stakeholders/{pk}").status_code == 200
    # And one joint change, which side B should see.
    pk = cast.records["a_joint_signal"].pk
    assert (
        call(client, "PATCH", f"{a}/timeline/signal/{pk}", {"notes": "A-JOINT n"}).status_code
        == 200
    )
    return ids


@pytest.mark.parametrize("who", SIDE_B)
def test_it_keeps_side_a_private_changes_out_of_the_audit_page(
    cast: Any, audited: dict, who: str
) -> None:
    page = text(cast.client(who).get(f"/alliances/{cast.alliance.pk}/audit/"))
    assert SECRET not in page
    assert "walk-away" not in page
    assert "A-JOINT n" in page  # the joint change is there


@pytest.mark.parametrize("who", SIDE_B)
def test_it_keeps_side_a_private_changes_out_of_the_audit_api(
    cast: Any, audited: dict, who: str
) -> None:
    entries = api_items(cast.api(who), f"/api/v1/alliances/{cast.alliance.pk}/audit")
    dumped = json.dumps(entries)
    assert SECRET not in dumped
    assert "walk-away" not in dumped
    private_ids = {str(pk) for pk in audited.values()}
    private_ids |= {str(cast.records[f"a_private_{k}"].pk) for k in RECORD_KINDS}
    for entry in entries:
        model = entry["model"].split(".")[1]
        kind = {"historyentry": "history"}.get(model, model)
        if kind in RECORD_KINDS:
            mine = {str(audited[kind]), str(cast.records[f"a_private_{kind}"].pk)}
            assert entry["object_id"] not in mine, entry
    assert any("A-JOINT n" in json.dumps(e["after"]) for e in entries)


def test_it_shows_side_a_its_own_private_changes_in_the_audit(cast: Any, audited: dict) -> None:
    page = text(cast.client("rita").get(f"/alliances/{cast.alliance.pk}/audit/"))
    assert "Audit A-PRIVATE person" in page
    assert "walk-away A-PRIVATE" in page
    entries = api_items(cast.api("alice"), f"/api/v1/alliances/{cast.alliance.pk}/audit")
    private = [e for e in entries if SECRET in json.dumps(e)]
    # Per new record: create and update (two updates for the stakeholder); three changed
    # cast records and the deleted stakeholder.
    assert len(private) == 4 * 2 + 1 + 3 + 1


def test_it_keeps_the_private_past_of_a_record_made_joint_out_of_the_audit(
    cast: Any, call: Callable[..., Any]
) -> None:
    client = cast.api("alice")
    url = f"/api/v1/alliances/{cast.alliance.pk}/stakeholders"
    created = call(
        client,
        "POST",
        url,
        {
            "name": "Codename Walrus",
            "title": "Secret hire",
            "role": "sponsor",
            "influence": 4,
            "stance": "champion",
            "visibility": "private",
        },
    )
    assert created.status_code == 201, created.content
    record = f"{url}/{created.json()['id']}"
    assert call(client, "PATCH", record, {"phone": "+44 20 7946 0000"}).status_code == 200
    published = call(
        client,
        "PATCH",
        record,
        {"visibility": "joint", "name": "Dana Scully", "title": "CEO", "phone": "+1 555 0100"},
    )
    assert published.status_code == 200, published.content
    assert call(client, "PATCH", record, {"influence": 5}).status_code == 200

    # Side B now sees the stakeholder as it is...
    stakeholders = api_items(cast.api("bob"), url)
    assert "Dana Scully" in json.dumps(stakeholders)
    # ...but nothing of what it was while private.
    for who in SIDE_B:
        page = text(cast.client(who).get(f"/alliances/{cast.alliance.pk}/audit/"))
        audit = json.dumps(api_items(cast.api(who), f"/api/v1/alliances/{cast.alliance.pk}/audit"))
        for past in ("Codename Walrus", "Secret hire", "7946"):
            assert past not in page
            assert past not in audit
        assert '"influence": 5' in audit  # the change made after it became joint
    alice_audit = json.dumps(api_items(client, f"/api/v1/alliances/{cast.alliance.pk}/audit"))
    assert "Codename Walrus" in alice_audit


# Records side A made private after side B linked to them ---------------------------------


@pytest.fixture
def hidden_participant(cast: Any, call: Callable[..., Any]) -> Stakeholder:
    """Side A's joint stakeholder takes part in side B's joint call and is B's counterpart;
    then side A makes the stakeholder private and renames it."""
    stakeholder = cast.records["a_joint_stakeholder"]
    interaction = cast.records["b_joint_interaction"]
    interaction.participants.add(stakeholder, cast.records["b_joint_stakeholder"])
    Stakeholder.objects.filter(pk=cast.records["b_joint_stakeholder"].pk).update(
        counterpart=stakeholder
    )
    url = f"/api/v1/alliances/{cast.alliance.pk}/stakeholders/{stakeholder.pk}"
    changed = call(
        cast.api("alice"), "PATCH", url, {"visibility": "private", "name": "Hidden A-PRIVATE"}
    )
    assert changed.status_code == 200, changed.content
    return stakeholder


def test_it_hides_a_participant_made_private_everywhere_side_b_looks(
    cast: Any, hidden_participant: Stakeholder
) -> None:
    a = cast.alliance.pk
    pk = cast.records["b_joint_interaction"].pk
    client = cast.client("bob")
    pages = [
        overview(cast, "bob"),
        overview(cast, "bob", "?fragment=timeline", **{"HX-Request": "true"}),
        text(client.get(f"/alliances/{a}/timeline/interaction/{pk}/")),
        text(client.get(f"/alliances/{a}/timeline/interaction/{pk}/edit/")),
        text(client.get(f"/alliances/{a}/timeline/interaction/{pk}/edit/", HTTP_HX_REQUEST="true")),
        text(
            client.get(
                f"/alliances/{a}/stakeholders/{cast.records['b_joint_stakeholder'].pk}/edit/"
            )
        ),
        without_echo(text(client.get("/search/", {"q": "Hidden"}))).replace("“Hidden”", ""),
        text(client.get(f"/alliances/{a}/audit/")),
    ]
    for page in pages:
        assert "Hidden" not in page
    api = cast.api("bob")
    entry = api_json(api, f"/api/v1/alliances/{a}/timeline/interaction/{pk}")
    assert entry["participant_ids"] == [cast.records["b_joint_stakeholder"].pk]
    listed = api_items(api, f"/api/v1/alliances/{a}/timeline?kind=interaction")
    assert hidden_participant.pk not in {p for e in listed for p in e["participant_ids"]}
    b_stakeholder = api_json(
        api, f"/api/v1/alliances/{a}/stakeholders/{cast.records['b_joint_stakeholder'].pk}"
    )
    assert b_stakeholder["counterpart_id"] is None
    # Side A still sees its stakeholder in the call.
    assert "Hidden A-PRIVATE" in text(
        cast.client("alice").get(f"/alliances/{a}/timeline/interaction/{pk}/")
    )


def test_it_hides_a_participant_made_private_after_side_b_edits_the_call_in_place(
    cast: Any, hidden_participant: Stakeholder
) -> None:
    a = cast.alliance.pk
    pk = cast.records["b_joint_interaction"].pk
    response = cast.client("bob").post(
        f"/alliances/{a}/timeline/interaction/{pk}/edit/",
        {
            "date": "2025-05-01",
            "kind": "call",
            "subject": "Interaction B-JOINT",
            "participants": [cast.records["b_joint_stakeholder"].pk],
            "visibility": "joint",
        },
        headers={"HX-Request": "true"},
    )
    assert "Hidden" not in text(response)
    # Side B's edit keeps the participant it cannot see: it is side A's to remove.
    interaction = Interaction.objects.get(pk=pk)
    assert hidden_participant in interaction.participants.all()


def test_it_lets_side_b_change_its_records_through_the_api_after_a_link_went_private(
    cast: Any, hidden_participant: Stakeholder, call: Callable[..., Any]
) -> None:
    """Side B changes a field it sees; the hidden link is neither named, nor refused, nor lost."""
    a = f"/api/v1/alliances/{cast.alliance.pk}"
    client = cast.api("bob")
    interaction = cast.records["b_joint_interaction"].pk
    response = call(client, "PATCH", f"{a}/timeline/interaction/{interaction}", {"notes": "ok"})
    assert response.status_code == 200, response.content
    assert response.json()["participant_ids"] == [cast.records["b_joint_stakeholder"].pk]
    stakeholder = cast.records["b_joint_stakeholder"].pk
    response = call(client, "PATCH", f"{a}/stakeholders/{stakeholder}", {"title": "COO"})
    assert response.status_code == 200, response.content
    assert response.json()["counterpart_id"] is None
    assert hidden_participant in Interaction.objects.get(pk=interaction).participants.all()
    assert Stakeholder.objects.get(pk=stakeholder).counterpart == hidden_participant


def test_it_blanks_references_to_records_side_b_may_not_see_in_the_audit(
    cast: Any, hidden_participant: Stakeholder, call: Callable[..., Any]
) -> None:
    """Side B's own joint entries still point at side A's stakeholder, now private: the audit
    shows side B neither its name nor its id, while the stored entries and side A keep it."""
    a = cast.alliance.pk
    hidden = hidden_participant.pk
    client = cast.api("bob")
    interaction = cast.records["b_joint_interaction"].pk
    counterpart = cast.records["b_joint_stakeholder"].pk
    url = f"/api/v1/alliances/{a}"
    for path, body in (
        (f"/timeline/interaction/{interaction}", {"notes": "ok"}),
        (f"/stakeholders/{counterpart}", {"title": "Head"}),
    ):
        assert call(client, "PATCH", url + path, body).status_code == 200
    stored = AuditEntry.objects.filter(alliance=cast.alliance, visibility="joint")
    assert any(hidden in (e.after or {}).get("participants", []) for e in stored)
    assert any((e.after or {}).get("counterpart_id") == hidden for e in stored)

    def references(entries: list[dict]) -> tuple[list, list]:
        values = [v for e in entries for v in (e["before"] or {}, e["after"] or {}) if v]
        return (
            [pk for v in values for pk in v.get("participants", [])],
            [v["counterpart_id"] for v in values if "counterpart_id" in v],
        )

    for who in SIDE_B:
        participants, counterparts = references(api_items(cast.api(who), f"{url}/audit"))
        assert hidden not in participants
        assert counterpart in participants  # side B's own stakeholder is still named
        assert hidden not in counterparts
        assert counterparts  # the entries are there, with the reference blanked
        page = text(cast.client(who).get(f"/alliances/{a}/audit/"))
        assert f"[{hidden}, {counterpart}]" not in page
        assert f"[{counterpart}, {hidden}]" not in page
    participants, counterparts = references(api_items(cast.api("alice"), f"{url}/audit"))
    assert hidden in participants
    assert hidden in counterparts
    # Nothing stored was altered by reading.
    assert any(hidden in (e.after or {}).get("participants", []) for e in stored.all())
