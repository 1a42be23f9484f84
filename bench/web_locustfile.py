"""Locust users for bench/web.py: one manager who sees every alliance, on the pages that grow.

bench/web.py signs ``raj@globalconnect.example`` in and writes the session, API token and
pages to the JSON file named by DETENTE_WEB_WHO; every simulated user asks for those pages
in turn (each counted under its own name), with 0.5-2 s of think time.
"""

from __future__ import annotations

import json
import os

from locust import HttpUser, between, task

with open(os.environ["DETENTE_WEB_WHO"]) as who_file:
    WHO = json.load(who_file)


class Manager(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.client.cookies.set("sessionid", WHO["session"])
        self.api = {"Authorization": f"Bearer {WHO['token']}"}

    @task
    def pages(self) -> None:
        for name, path in WHO["pages"].items():
            headers = self.api if path.startswith("/api/") else {}
            with self.client.get(
                path, name=name, headers=headers, allow_redirects=False, catch_response=True
            ) as response:
                if response.status_code != 200:
                    response.failure(f"status {response.status_code}")
