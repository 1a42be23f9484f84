"""A bad story file stops the demo build with a message naming the file and the field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from detente.demo import build
from detente.demo.story import StoryError

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def stories(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings) -> Path:
    """A copy of the demo's story files, which the builder reads instead of its own."""
    settings.PASSWORD_HASHERS = FAST_HASHER
    for path in build.STORIES.glob("*.yaml"):
        shutil.copy(path, tmp_path)
    monkeypatch.setattr(build, "STORIES", tmp_path)
    return tmp_path


def _edit(stories: Path, name: str, old: str, new: str) -> None:
    path = stories / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _error(stories: Path) -> str:
    with pytest.raises(StoryError) as caught:
        build.build_demo()
    return str(caught.value)


@pytest.mark.django_db
def test_it_names_the_file_and_field_of_a_value_that_is_not_a_choice(stories: Path) -> None:
    _edit(stories, "10_network_ai.yaml", "stance: champion}", "stance: fan}")
    message = _error(stories)
    assert message.startswith("10_network_ai.yaml: stakeholders[0]: stance: ")
    assert "'fan' is not a valid choice" in message


@pytest.mark.django_db
def test_it_names_a_field_the_record_does_not_have(stories: Path) -> None:
    _edit(stories, "20_driver_rollout.yaml", "    title: Partnerships lead", "    titel: x")
    assert _error(stories) == (
        "20_driver_rollout.yaml: stakeholders[0].titel: stakeholder has no field 'titel'"
    )


@pytest.mark.django_db
def test_it_names_a_date_it_cannot_read(stories: Path) -> None:
    _edit(stories, "30_niche_analytics.yaml", "date: 1900 days ago", "date: yesterday")
    message = _error(stories)
    assert message.startswith("30_niche_analytics.yaml: history[0].date: 'yesterday' is not a date")


@pytest.mark.django_db
def test_it_names_a_missing_field(stories: Path) -> None:
    _edit(stories, "40_pricing_change.yaml", "    reason: Both leads", "    why: Both leads")
    assert _error(stories) == "40_pricing_change.yaml: status_changes[0]: missing field 'reason'"


@pytest.mark.django_db
def test_it_names_an_unknown_section_and_an_unknown_person(stories: Path) -> None:
    _edit(stories, "50_data_quality_resale.yaml", "\nsignals:", "\nsignal:")
    assert _error(stories).startswith(
        "50_data_quality_resale.yaml: story: unknown section 'signal'"
    )
    _edit(stories, "50_data_quality_resale.yaml", "\nsignal:", "\nsignals:")
    _edit(stories, "50_data_quality_resale.yaml", "  b: raj ", "  b: rajesh ")
    assert _error(stories) == (
        "50_data_quality_resale.yaml: sides.b: no person 'rajesh' in workspace.yaml"
    )


@pytest.mark.django_db
def test_it_names_a_linked_record_that_does_not_exist(stories: Path) -> None:
    _edit(
        stories,
        "20_driver_rollout.yaml",
        "source_interaction: Monthly milestone review",
        "source_interaction: Weekly review",
    )
    assert _error(stories) == (
        "20_driver_rollout.yaml: commitments[2].source_interaction: "
        "no interaction whose subject starts with 'Weekly review'"
    )
