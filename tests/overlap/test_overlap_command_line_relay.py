"""`detente overlap … --site` talks to the relay with an API token: two teams whose lists
never touch a browser run a whole exchange against a running site, and the site keeps none
of their accounts."""

from __future__ import annotations

import argparse
import json
from typing import Any

from detente.analysis.overlap.command import add_arguments, run
from tests.conftest import database_state


def _detente_overlap(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return run(parser.parse_args(list(argv)))


def test_two_teams_run_a_whole_exchange_against_the_site_from_the_command_line(
    transactional_db: Any, cast: Any, live_server: Any, tmp_path: Any, monkeypatch: Any, capsys: Any
) -> None:
    ours, theirs, key = tmp_path / "acme.csv", tmp_path / "globex.csv", tmp_path / "acme.key"
    ours.write_text(
        "name,domain,kind\nSaltmarsh Ceramics Ltd,saltmarsh.example,customer\nFernhollow Inc,,prospect\n"
    )
    theirs.write_text(
        "name,domain,kind\nSALTMARSH CERAMICS,www.saltmarsh.example,opportunity\nBrackwater,,customer\n"
    )
    site = ["--site", live_server.url, "--alliance", str(cast.alliance.pk)]

    monkeypatch.setenv("DETENTE_TOKEN", cast.token("alice"))
    assert _detente_overlap("prepare", str(ours), "--secret", str(key), "--reveal", *site) == 0
    number = capsys.readouterr().out.split("run ")[1].split(".")[0]

    monkeypatch.setenv("DETENTE_TOKEN", cast.token("bella"))
    assert _detente_overlap("respond", str(theirs), "--reveal", "--run", number, *site) == 0
    assert "waiting for Acme" in capsys.readouterr().out

    monkeypatch.setenv("DETENTE_TOKEN", cast.token("alice"))
    assert (
        _detente_overlap(
            "finish", str(ours), "--secret", str(key), "--json", "--run", number, *site
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert result["shared"]["customer"]["opportunity"] == ["Saltmarsh Ceramics Ltd"]

    stored = repr(database_state()).lower()
    assert not any(word in stored for word in ("saltmarsh", "fernhollow", "brackwater"))


def test_the_command_line_says_what_the_site_refused(
    transactional_db: Any, cast: Any, live_server: Any, tmp_path: Any, monkeypatch: Any, capsys: Any
) -> None:
    ours = tmp_path / "rita.csv"
    ours.write_text("name\nSaltmarsh\n")
    monkeypatch.setenv("DETENTE_TOKEN", cast.token("rita"))  # read-only
    site = ["--site", live_server.url, "--alliance", str(cast.alliance.pk)]
    assert _detente_overlap("prepare", str(ours), "--secret", str(tmp_path / "k"), *site) == 2
    assert "POST /runs:" in capsys.readouterr().err

    monkeypatch.delenv("DETENTE_TOKEN")
    assert _detente_overlap("prepare", str(ours), "--secret", str(tmp_path / "k"), *site) == 2
    assert "DETENTE_TOKEN: set it to an API token" in capsys.readouterr().err
