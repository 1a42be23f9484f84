"""Background jobs: with the database backend a job waits in the database until a worker
runs it (nothing is sent inside the request), a periodic job is started by one worker
only, and an email's key makes it one email however often it is queued."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from detente.jobs import schedule, worker
from detente.jobs.mail import queue_email
from detente.jobs.models import OutgoingEmail

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_request_only_queues_the_email_and_the_worker_sends_it(
    cast: Any, settings: Any, transactional_db: Any
) -> None:
    # The worker closes the database connection between runs, as a real worker does; that
    # needs a test outside the wrapping transaction (PostgreSQL refuses the closed one).
    settings.TASKS = DATABASE
    response = cast.client("alice").post(
        f"/alliances/{cast.alliance.pk}/invite/",
        {"email": "new@acme.example", "side": cast.side_a.pk, "role": "member"},
    )
    assert response.status_code == 302
    assert mail.outbox == []  # not sent inside the request
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    worker._db_worker(batch=True, interval=0).run()
    assert [m.to for m in mail.outbox] == [["new@acme.example"]]
    assert OutgoingEmail.objects.get().status == "sent"
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_the_same_key_is_one_email(db: Any) -> None:
    for _ in range(3):
        queue_email("once:1", "a@example.com", "Hello", "Body")
    assert len(mail.outbox) == 1 and OutgoingEmail.objects.count() == 1


def test_a_periodic_job_is_started_once_per_period_by_any_number_of_workers(db: Any) -> None:
    now = timezone.now()
    every = timedelta(minutes=15)
    assert schedule.claim("test-job", every, now) is True
    assert schedule.claim("test-job", every, now) is False  # a second worker, same moment
    assert schedule.claim("test-job", every, now + timedelta(minutes=14)) is False
    assert schedule.claim("test-job", every, now + every) is True


def test_the_worker_command_runs_the_due_periodic_jobs_and_exits_in_batch_mode(
    transactional_db: Any, settings: Any
) -> None:
    settings.TASKS = DATABASE
    from detente.cli import main

    assert main(["worker", "--batch"]) == 0
    names = set(schedule.PERIODIC)
    assert {"sweep", "scan_due", "daily_digest", "escalate", "early_warning_scan"} <= names
    done = DBTaskResult.objects.filter(status="SUCCESSFUL").count()
    assert done == len(names)
    assert main(["worker", "--batch"]) == 0  # nothing due again so soon
    assert DBTaskResult.objects.count() == len(names)
