"""The overlap engine: what the asking side learns equals a plain set intersection of the
two normalised lists, and a bad list is refused naming its row and column."""

from __future__ import annotations

import json
import random

import pytest

from detente.analysis.files import InputError
from detente.analysis.overlap import (
    KINDS,
    Account,
    account_key,
    finish,
    kind_sets,
    message_sizes,
    normalise_domain,
    normalise_name,
    prepare,
    read_accounts_text,
    respond,
)
from detente.analysis.overlap.command import add_arguments, run

SUFFIXES = ["", " Inc.", " Ltd", " GmbH", " SA", " LLC", ", Inc", " Corp."]


def _variant(rng: random.Random, stem: str, with_domain: bool) -> Account:
    """One company written the way one side's CRM happens to write it."""
    name = rng.choice([stem.title(), stem.upper(), stem]) + rng.choice(SUFFIXES)
    domain = ""
    if with_domain:
        domain = rng.choice(["", "www.", "WWW.", "https://www."]) + f"{stem}.com"
        domain = domain.upper() if rng.random() < 0.2 else domain
    return Account(name=name, domain=domain, kind=rng.choice(KINDS))


def _lists(rng: random.Random, size_a: int, size_b: int) -> tuple[list[Account], list[Account]]:
    pool = [f"company{i}" for i in range(3 * (size_a + size_b))]
    domains = {stem: rng.random() < 0.6 for stem in pool}
    a = [_variant(rng, s, domains[s]) for s in rng.sample(pool, size_a)]
    b = [_variant(rng, s, domains[s]) for s in rng.sample(pool, size_b)]
    return a, b


def _reference(a: list[Account], b: list[Account]) -> dict[str, dict[str, set[str]]]:
    """The plain intersection by kind pair, from the company stems, without PSI."""

    def stems(accounts: list[Account]) -> dict[str, str]:
        best: dict[str, str] = {}
        for acc in accounts:
            stem = normalise_name(acc.name)
            if stem not in best or KINDS.index(acc.kind) < KINDS.index(best[stem]):
                best[stem] = acc.kind
        return best

    sa, sb = stems(a), stems(b)
    return {
        mine: {theirs: {s for s in sa if sa[s] == mine and sb.get(s) == theirs} for theirs in KINDS}
        for mine in KINDS
    }


@pytest.mark.parametrize(("size_a", "size_b", "seed"), [(1, 1, 1), (40, 25, 2), (300, 700, 3)])
def test_it_counts_the_same_overlap_as_a_plain_set_intersection(size_a, size_b, seed) -> None:
    a, b = _lists(random.Random(seed), size_a, size_b)
    expected = _reference(a, b)
    sets_a, sets_b = kind_sets(a), kind_sets(b)

    secret, request = prepare(sets_a)
    overlap = finish(secret, sets_a, respond(sets_b, request))

    assert overlap.counts == {m: {t: len(expected[m][t]) for t in KINDS} for m in KINDS}
    assert overlap.shared is None


@pytest.mark.parametrize(("size_a", "size_b", "seed"), [(5, 9, 4), (200, 150, 5)])
def test_it_reveals_exactly_the_shared_accounts_when_both_agree(size_a, size_b, seed) -> None:
    a, b = _lists(random.Random(seed), size_a, size_b)
    expected = _reference(a, b)
    sets_a, sets_b = kind_sets(a), kind_sets(b)

    secret, request = prepare(sets_a, reveal=True)
    overlap = finish(secret, sets_a, respond(sets_b, request, reveal=True))

    names = overlap.shared_names(a)
    for mine in KINDS:
        for theirs in KINDS:
            assert {normalise_name(n) for n in names[mine][theirs]} == expected[mine][theirs]


def test_it_refuses_to_reveal_when_the_answering_side_does_not_agree() -> None:
    a = [Account("Acme Inc", "acme.com", "customer")]
    _, request = prepare(kind_sets(a), reveal=True)
    with pytest.raises(InputError, match="asks for the list of shared accounts"):
        respond(kind_sets(a), request, reveal=False)


def test_it_answers_a_request_for_counts_with_counts_even_if_the_other_side_would_reveal() -> None:
    a = [Account("Acme Inc", "acme.com", "customer")]
    secret, request = prepare(kind_sets(a))
    overlap = finish(secret, kind_sets(a), respond(kind_sets(a), request, reveal=True))
    assert overlap.shared is None and overlap.counts["customer"]["customer"] == 1


def test_it_tells_the_relay_only_how_many_accounts_of_each_kind_a_request_carries() -> None:
    a = [Account(f"Firm {i}", "", "prospect" if i % 3 else "customer") for i in range(30)]
    _, request = prepare(kind_sets(a))
    assert message_sizes(request) == {"customer": 10, "opportunity": 0, "prospect": 20}
    assert "Firm" not in json.dumps(request) and "firm" not in json.dumps(request)


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("Acme, Inc.", "acme"),
        ("ACME LTD", "acme"),
        ("Müller & Söhne GmbH & Co. KG", "muller and sohne"),
        ("Société Générale SA", "societe generale"),
        ("Globex LLC", "globex"),
        ("AG", "ag"),
    ],
)
def test_it_normalises_names_to_one_spelling(written, normal) -> None:
    assert normalise_name(written) == normal


def test_it_normalises_domains_and_prefers_them_to_names() -> None:
    assert normalise_domain("https://WWW.Acme.COM/about?x=1") == "acme.com"
    assert normalise_domain("sales@acme.com") == "acme.com"
    assert account_key(Account("Anything", "www.acme.com", "customer")) == "d:acme.com"
    assert account_key(Account("Acme Inc", "", "customer")) == "n:acme"


def test_it_counts_an_account_listed_twice_once_under_its_strongest_kind() -> None:
    sets = kind_sets([Account("Acme", "", "prospect"), Account("ACME Inc.", "", "customer")])
    assert sets == {"customer": ["n:acme"], "opportunity": [], "prospect": []}


@pytest.mark.parametrize(
    ("text", "where", "problem"),
    [
        ("", "", "empty"),
        ("company,domain\nAcme,acme.com\n", "row 1", "'name' column"),
        ("name,domain,kind\nAcme,acme.com,partner\n", "row 2, column kind", "'partner'"),
        (
            "name,domain,kind\nAcme,,customer\nBeta,not a domain,\n",
            "row 3, column domain",
            "not a domain",
        ),
        ("name,domain,kind\n,,customer\n", "row 2, column name", "empty"),
        ("name,domain,kind\n!!!,,customer\n", "row 2, column name", "no letters"),
        ("name,domain\n", "", "no accounts"),
    ],
)
def test_it_refuses_a_bad_list_naming_the_row_and_column(text, where, problem) -> None:
    with pytest.raises(InputError) as refused:
        read_accounts_text(text)
    assert refused.value.field == where and problem in refused.value.problem


def test_it_refuses_a_list_over_the_cap() -> None:
    text = "name\n" + "".join(f"firm {i}\n" for i in range(11))
    with pytest.raises(InputError, match="row 12: more than 10 accounts"):
        read_accounts_text(text, limit=10)


def _cli(*argv: str) -> int:
    import argparse

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return run(parser.parse_args(list(argv)))


def test_it_runs_the_whole_exchange_from_the_command_line(tmp_path, capsys) -> None:
    mine, theirs = tmp_path / "mine.csv", tmp_path / "theirs.csv"
    mine.write_text("name,domain,kind\nAcme Inc.,www.acme.com,customer\nBeta Ltd,,prospect\n")
    theirs.write_text("name,domain,kind\nACME,acme.com,prospect\nGamma,,customer\n")
    request, reply, secret = tmp_path / "req.json", tmp_path / "reply.json", tmp_path / "s.key"

    assert (
        _cli("prepare", str(mine), "--out", str(request), "--secret", str(secret), "--reveal") == 0
    )
    assert _cli("respond", str(theirs), str(request), "--out", str(reply), "--reveal") == 0
    assert _cli("finish", str(mine), str(reply), "--secret", str(secret), "--json") == 0

    result = json.loads(capsys.readouterr().out)
    assert result["total"] == 1 and result["counts"]["customer"]["prospect"] == 1
    assert result["shared"]["customer"]["prospect"] == ["Acme Inc."]
    assert "acme" not in request.read_text().lower() and "acme" not in reply.read_text().lower()


def test_it_names_the_bad_cell_on_the_command_line(tmp_path, capsys) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("name,kind\nAcme,customer\nBeta,vendor\n")
    assert _cli("prepare", str(bad), "--secret", str(tmp_path / "s.key")) == 2
    assert "row 3, column kind: 'vendor' is not one of" in capsys.readouterr().err


def test_it_finds_the_demo_alliances_eleven_shared_accounts_in_the_examples(
    tmp_path, capsys
) -> None:
    from pathlib import Path

    examples = Path(__file__).parents[2] / "examples" / "overlap"
    a, b = examples / "innovatetech.csv", examples / "globalconnect.csv"
    request, reply, secret = tmp_path / "req.json", tmp_path / "reply.json", tmp_path / "a.key"
    assert _cli("prepare", str(a), "--out", str(request), "--secret", str(secret)) == 0
    assert _cli("respond", str(b), str(request), "--out", str(reply)) == 0
    assert _cli("finish", str(a), str(reply), "--secret", str(secret)) == 0
    out = capsys.readouterr().out
    assert out.startswith("11 of your accounts are also the other side's accounts.")
    assert "your prospects that are their customers: 4" in out
