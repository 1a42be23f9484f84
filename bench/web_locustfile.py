"""Locust users for bench/web.py: one manager who sees every alliance, on the pages that grow.

bench/web.py signs ``raj@globalconnect.example`` in and writes the session, API token and
pages to the JSON file named by DETENTE_WEB_WHO; every simulated user asks for one of those
pages at random (each counted under its own name), with a think time between pages of
DETENTE_WEB_THINK seconds ("0.5-2" by default: a stress figure, ~150 requests/s offered
by 200 users; "5-15" is a person reading each page).
"""

from __future__ import annotations

import json
import os
import random

from locust import HttpUser, between, task

with open(os.environ["DETENTE_WEB_WHO"]) as who_file:
    WHO = json.load(who_file)


LOW, HIGH = (float(x) for x in os.environ.get("DETENTE_WEB_THINK", "0.5-2").split("-"))


class Manager(HttpUser):
    wait_time = between(LOW, HIGH)

    def on_start(self) -> None:
        self.client.cookies.set("sessionid", WHO["session"])
        self.api = {"Authorization": f"Bearer {WHO['token']}"}

    @task
    def page(self) -> None:
        """One of the pages, chosen at random (so every page gets its share of requests
        however short the run), then the think time."""
        name, path = random.choice(list(WHO["pages"].items()))
        headers = self.api if path.startswith("/api/") else {}
        with self.client.get(
            path, name=name, headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
