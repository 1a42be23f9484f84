"""Engine input files read through libyaml's parser when it is there, with the same answers
and the same messages as PyYAML's pure-Python parser."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from detente.analysis import files

TEXT = """\
deadline: 2027-03-31
bad_date: 2027-02-30
worse_date: 2027-13-04
when: 2027-03-31 10:00:00
count: 10
share: 0.25
flag: yes
name: Acme
items: [1, two, 3.0]
"""


@pytest.fixture(params=["c", "pure"])
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "pure":
        monkeypatch.setattr(files, "_Loader", files._dates_as_text(yaml.SafeLoader))
    return request.param


def test_the_c_parser_is_used_when_pyyaml_has_it() -> None:
    if yaml.__with_libyaml__:
        assert issubclass(files._Loader, yaml.CSafeLoader)


def test_both_parsers_read_the_same_values_and_keep_impossible_dates_as_text(
    tmp_path: Path, loader: str
) -> None:
    path = tmp_path / "in.yaml"
    path.write_text(TEXT, encoding="utf-8")
    assert files.load_document(path) == {
        "deadline": dt.date(2027, 3, 31),
        "bad_date": "2027-02-30",
        "worse_date": "2027-13-04",
        "when": dt.datetime(2027, 3, 31, 10, 0),
        "count": 10,
        "share": 0.25,
        "flag": True,
        "name": "Acme",
        "items": [1, "two", 3.0],
    }


def test_both_parsers_name_the_line_of_a_syntax_error(tmp_path: Path, loader: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("a: 1\nb: [1, 2\nc: 3\n", encoding="utf-8")
    with pytest.raises(files.InputError, match=r"is not valid YAML \(line 3\)"):
        files.load_document(path)


def test_neither_parser_builds_python_objects(tmp_path: Path, loader: str) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text("x: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    with pytest.raises(files.InputError, match="not valid YAML"):
        files.load_document(path)
