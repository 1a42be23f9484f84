"""The browser side of the overlap (static/overlap/*.js, run here under node) builds the
same keys as the Python side and speaks the same messages: an exchange between a browser
and the command line gives the plain intersection either way round."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

import detente.overlap
from detente.analysis.files import InputError
from detente.analysis.overlap import (
    KINDS,
    account_key,
    finish,
    kind_sets,
    prepare,
    read_accounts_text,
    respond,
)
from detente.overlap.present import browser_config

NODE = shutil.which("node")
STATIC = Path(detente.overlap.__file__).parent / "static" / "overlap"
HARNESS = Path(__file__).parent / "overlap_harness.js"
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")


def _js(command: dict[str, Any]) -> Any:
    done = subprocess.run(
        [str(NODE), str(HARNESS), str(STATIC)],
        input=json.dumps(command),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout)


def _csv(seed: int, size: int) -> str:
    rng = random.Random(seed)
    rows = ["name,domain,kind"]
    names = ["Acme", "Müller & Söhne", "Société Générale", "O'Brien Bros", "Globex", "Ünïcorn"]
    forms = ["", " Inc.", " Ltd", " GmbH & Co. KG", " S.A.", " LLC", " Pty Ltd", ", Inc"]
    kinds = ["customer", "Customer", "open opportunity", "prospect", "lead", "", "Pipeline"]
    for i in range(size):
        name = f"{rng.choice(names)} {i}{rng.choice(forms)}"
        domain = rng.choice(
            ["", f"www.firm{i}.example", f"https://FIRM{i}.example/x", f"a@firm{i}.example"]
        )
        rows.append(f'"{name}",{domain},{rng.choice(kinds)}')
    return "\n".join(rows) + "\n"


@pytest.mark.parametrize("seed", [1, 2])
def test_it_builds_the_same_keys_in_the_browser_as_on_the_command_line(seed) -> None:
    text = _csv(seed, 80)
    python = read_accounts_text(text)
    js = _js({"step": "read", "text": text, "config": browser_config()})
    assert js["keys"] == [account_key(a) for a in python]
    assert js["sets"] == kind_sets(python)


@pytest.mark.parametrize(
    "text",
    [
        "company,domain\nAcme,acme.com\n",
        "name,domain,kind\nAcme,acme.com,partner\n",
        "name,domain,kind\nAcme,,customer\nBeta,not a domain,\n",
        "name,domain,kind\n,,customer\n",
    ],
)
def test_it_names_the_same_bad_cell_in_the_browser(text) -> None:
    with pytest.raises(InputError) as refused:
        read_accounts_text(text)
    js = _js({"step": "read", "text": text, "config": browser_config()})
    assert js["error"].startswith(refused.value.field + ": ")


@pytest.mark.parametrize("reveal", [False, True])
def test_a_browser_and_the_command_line_exchange_either_way_round(reveal) -> None:
    a = kind_sets(read_accounts_text(_csv(3, 60)))
    b = kind_sets(read_accounts_text(_csv(4, 60)))
    expected = {m: {t: len(set(a[m]) & set(b[t])) for t in KINDS} for m in KINDS}

    secret, request = prepare(a, reveal=reveal)  # command line asks, browser answers
    reply = _js({"step": "respond", "sets": b, "request": request, "reveal": reveal})
    assert finish(secret, a, reply).counts == expected

    asked = _js({"step": "prepare", "sets": a, "reveal": reveal})  # and the other way
    result = _js({"step": "finish", "secret": asked["secret"], "sets": a,
                  "reply": respond(b, asked["request"], reveal=reveal)})  # fmt: skip
    assert result["counts"] == expected
    if reveal:
        assert result["shared"] == {
            m: {t: sorted(set(a[m]) & set(b[t])) for t in KINDS} for m in KINDS
        }
