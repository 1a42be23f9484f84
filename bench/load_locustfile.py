"""Locust users for bench/load.py: the demo's people reading pages and writing through the API.

Run by bench/load.py, which builds the demo, signs each simulated user in (a session cookie
and an API token of its own, for one of the demo's people) and writes them to the JSON file
named by DETENTE_LOAD_PEOPLE. Every write that succeeds is logged (model, id, action,
actor) to DETENTE_LOAD_WRITES when the run stops, so bench/load.py can check that each one
left exactly one audit row and that the record equals its last audited state.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from datetime import date, timedelta
from typing import Any

from locust import HttpUser, between, events, task

with open(os.environ["DETENTE_LOAD_PEOPLE"]) as people_file:
    PEOPLE: list[dict[str, Any]] = json.load(people_file)
NEXT_PERSON = itertools.count()
WRITES: list[dict[str, Any]] = []
# Timeline kinds and a valid body for each, with the model the API writes.
ENTRY_BODIES = {
    "history": lambda n: {"title": f"Load history {n}", "category": "owed"},
    "signal": lambda n: {"title": f"Load signal {n}", "kind": "other", "severity": 1},
    "interaction": lambda n: {"subject": f"Load call {n}", "kind": "call"},
}
MODEL_OF = {
    "stakeholder": "Stakeholder",
    "history": "HistoryEntry",
    "signal": "Signal",
    "interaction": "Interaction",
}


@events.test_stop.add_listener
def save_writes(**_: Any) -> None:
    with open(os.environ["DETENTE_LOAD_WRITES"], "w") as f:
        json.dump(WRITES, f)


class DemoPerson(HttpUser):
    """One of the demo's people, in a browser and through a script, on their alliances."""

    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.me = PEOPLE[next(NEXT_PERSON) % len(PEOPLE)]
        self.client.cookies.set("sessionid", self.me["session"])
        self.api_headers = {"Authorization": f"Bearer {self.me['token']}"}
        self.mine: list[tuple[str, int, int]] = []  # (kind, alliance id, record id) I created
        self.n = 0

    def _alliance(self) -> dict[str, Any]:
        return random.choice(self.me["alliances"])

    def _writable(self) -> dict[str, Any] | None:
        writable = [a for a in self.me["alliances"] if a["my_sides"]]
        return random.choice(writable) if writable else None

    def _log(self, kind: str, record_id: int, action: str) -> None:
        WRITES.append(
            {"model": MODEL_OF[kind], "id": record_id, "action": action, "actor": self.me["email"]}
        )

    # Reads ------------------------------------------------------------------------------

    def _page(self, url: str, name: str) -> None:
        # A lost session would redirect to the sign-in page, which answers 200: count any
        # redirect as a failure so every page read is a page of the workspace.
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code == 200:
                r.success()
            else:
                r.failure(f"{r.status_code} {r.headers.get('Location', '')}")

    @task(4)
    def portfolio(self) -> None:
        self._page("/", "page: portfolio")

    @task(8)
    def alliance_tab(self) -> None:
        tab = random.choice(self._alliance()["tabs"])
        self._page(tab["url"], f"page: {tab['label']}")

    @task(8)
    def api_lists(self) -> None:
        alliance = self._alliance()["id"]
        what = random.choice(["stakeholders", "timeline", "commitments", "audit"])
        self.client.get(
            f"/api/v1/alliances/{alliance}/{what}",
            headers=self.api_headers,
            name=f"api: list {what}",
        )

    # Writes -----------------------------------------------------------------------------

    @task(3)
    def create_record(self) -> None:
        alliance = self._writable()
        if alliance is None:
            return self.api_lists()
        self.n += 1
        kind = random.choice(["stakeholder", *ENTRY_BODIES])
        body: dict[str, Any] = {
            "visibility": random.choice(["joint", "private"]),
            "side_id": random.choice(alliance["my_sides"]),
        }
        if kind == "stakeholder":
            body |= {"name": f"Load person {self.me['email']} {self.n}", "title": "Analyst"}
            url = f"/api/v1/alliances/{alliance['id']}/stakeholders"
        else:
            body |= ENTRY_BODIES[kind](self.n)
            body["date"] = (date.today() - timedelta(days=random.randint(0, 30))).isoformat()
            url = f"/api/v1/alliances/{alliance['id']}/timeline/{kind}"
        with self.client.post(
            url,
            json=body,
            headers=self.api_headers,
            name=f"api: create {kind}",
            catch_response=True,
        ) as response:
            if response.status_code == 201:
                record_id = response.json()["id"]
                self.mine.append((kind, alliance["id"], record_id))
                self._log(kind, record_id, "create")
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @task(3)
    def edit_record(self) -> None:
        if not self.mine:
            return self.create_record()
        kind, alliance, record_id = random.choice(self.mine)
        self.n += 1
        if kind == "stakeholder":
            url = f"/api/v1/alliances/{alliance}/stakeholders/{record_id}"
            body = {"title": f"Edited {self.n}", "influence": random.randint(1, 5)}
        else:
            url = f"/api/v1/alliances/{alliance}/timeline/{kind}/{record_id}"
            body = {"notes": f"Edited {self.n} by {self.me['email']}"}
        with self.client.patch(
            url, json=body, headers=self.api_headers, name=f"api: edit {kind}", catch_response=True
        ) as response:
            if response.status_code == 200:
                self._log(kind, record_id, "update")
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @task(1)
    def delete_record(self) -> None:
        if not self.mine:
            return self.create_record()
        kind, alliance, record_id = self.mine.pop(random.randrange(len(self.mine)))
        url = (
            f"/api/v1/alliances/{alliance}/stakeholders/{record_id}"
            if kind == "stakeholder"
            else f"/api/v1/alliances/{alliance}/timeline/{kind}/{record_id}"
        )
        with self.client.delete(
            url, headers=self.api_headers, name=f"api: delete {kind}", catch_response=True
        ) as response:
            if response.status_code == 200:
                self._log(kind, record_id, "delete")
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")
