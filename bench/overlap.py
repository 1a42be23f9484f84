"""Benchmark: a whole customer-overlap exchange, 100,000 x 100,000 accounts, against the
PSI library's own raw time on the same data and machine.

detente's whole exchange, as the CLI and the relay run it:
  read and normalise both CSVs -> kind sets -> prepare -> JSON (the request as relayed)
  -> the relay's checks (parse, sizes) -> respond -> JSON -> the relay's reply check
  -> finish (every pair of kinds: 3 requests, 3 sets, 9 look-ups).
The library's raw time: the same keys in one set per side, ``CreateRequest``,
``CreateSetupMessage``, ``ProcessRequest``, ``GetIntersectionSize`` (one look-up), no
serialisation. The counts of both must agree with a plain set intersection.

Run:  .venv/bin/python bench/overlap.py [N]
"""

from __future__ import annotations

import json
import random
import sys
import time

import private_set_intersection.python as psi

from detente.analysis.overlap import (
    KINDS,
    check_reply,
    finish,
    kind_sets,
    message_sizes,
    prepare,
    read_accounts_text,
    respond,
)
from detente.analysis.overlap.exchange import FALSE_POSITIVE_RATE

SUFFIXES = ["", " Inc.", " Ltd", " GmbH", " SA", " LLC"]


def make_csv(rng: random.Random, stems: list[str]) -> str:
    rows = ["name,domain,kind"]
    for stem in stems:
        # A company has a domain or not whatever list it is in (6 in 10 have one).
        domain = f"www.{stem}.example" if int(stem[-7:]) % 10 < 6 else ""
        rows.append(f"{stem.title()}{rng.choice(SUFFIXES)},{domain},{rng.choice(KINDS)}")
    return "\n".join(rows) + "\n"


def main(n: int) -> None:
    rng = random.Random(7)
    pool = [f"company{i:07d}" for i in range(int(n * 1.7))]
    stems_a, stems_b = rng.sample(pool, n), rng.sample(pool, n)
    csv_a, csv_b = make_csv(rng, stems_a), make_csv(rng, stems_b)
    expected = len(set(stems_a) & set(stems_b))

    c0 = time.process_time()
    t0 = time.perf_counter()
    accounts_a, accounts_b = read_accounts_text(csv_a), read_accounts_text(csv_b)
    sets_a, sets_b = kind_sets(accounts_a), kind_sets(accounts_b)
    t1 = time.perf_counter()
    secret, request = prepare(sets_a)
    relayed_request = json.loads(json.dumps(request))
    t2 = time.perf_counter()
    sizes = message_sizes(relayed_request)
    t3 = time.perf_counter()
    reply = respond(sets_b, relayed_request)
    relayed_reply = json.loads(json.dumps(reply))
    t4 = time.perf_counter()
    check_reply(relayed_request, relayed_reply)
    t5 = time.perf_counter()
    overlap = finish(secret, sets_a, relayed_reply)
    t6 = time.perf_counter()
    c6 = time.process_time()
    assert sum(sizes.values()) == n
    assert overlap.total == expected, (overlap.total, expected)

    keys_a = [k for kind in KINDS for k in sets_a[kind]]
    keys_b = [k for kind in KINDS for k in sets_b[kind]]
    r0, q0 = time.perf_counter(), time.process_time()
    client = psi.client.CreateWithNewKey(False)
    server = psi.server.CreateWithNewKey(False)
    raw_request = client.CreateRequest(keys_a)
    setup = server.CreateSetupMessage(
        FALSE_POSITIVE_RATE, len(keys_a), keys_b, psi.DataStructure.GCS
    )
    response = server.ProcessRequest(raw_request)
    raw_count = client.GetIntersectionSize(setup, response)
    r1, q1 = time.perf_counter(), time.process_time()
    assert raw_count == expected

    # The library alone on the same calls detente makes (3 kinds a side, 9 look-ups).
    k0, p0 = time.perf_counter(), time.process_time()
    client = psi.client.CreateWithNewKey(False)
    server = psi.server.CreateWithNewKey(False)
    requests = {k: client.CreateRequest(sets_a[k]) for k in KINDS}
    setups = {
        k: server.CreateSetupMessage(FALSE_POSITIVE_RATE, n, sets_b[k], psi.DataStructure.GCS)
        for k in KINDS
    }
    responses = {k: server.ProcessRequest(requests[k]) for k in KINDS}
    by_kind = sum(client.GetIntersectionSize(setups[t], responses[m]) for m in KINDS for t in KINDS)
    k1, p1 = time.perf_counter(), time.process_time()
    assert by_kind == expected

    mb = (len(json.dumps(request)) + len(json.dumps(reply))) / 1e6
    whole = t6 - t0
    print(f"{n:,} x {n:,} accounts, {expected:,} shared; relayed {mb:.1f} MB of JSON")
    print(f"read + normalise both lists       {t1 - t0:7.2f} s")
    print(f"prepare (blind A) + JSON          {t2 - t1:7.2f} s")
    print(f"relay: parse request, count       {t3 - t2:7.2f} s")
    print(f"respond (blind B, re-blind A)+JSON {t4 - t3:6.2f} s")
    print(f"relay: check the reply            {t5 - t4:7.2f} s")
    print(f"finish (9 kind pairs)             {t6 - t5:7.2f} s")
    print(f"whole exchange                    {whole:7.2f} s")
    print(f"library raw (one set, no JSON)    {r1 - r0:7.2f} s")
    print(f"library raw, same 9 kind pairs    {k1 - k0:7.2f} s")
    # CPU time of this process: what to compare on a shared, loaded machine.
    print(f"CPU: whole {c6 - c0:.1f} s, raw one set {q1 - q0:.1f} s, raw 9 pairs {p1 - p0:.1f} s")
    print(f"plumbing over the same calls      {whole / (k1 - k0) - 1:7.0%}")
    print(f"whole exchange over one raw set   {whole / (r1 - r0) - 1:7.0%}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
