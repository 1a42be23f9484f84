"""A side's accounts: read from CSV, normalised, grouped by kind.

Two sides write the same company differently ("ACME Inc." and "Acme", "WWW.Acme.com" and
"acme.com"). Normalisation runs on the side's own machine before anything is blinded, so
both sides must apply exactly this function: the CLI and the page use the same rules.
An account is matched by its domain when it has one, else by its name.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..files import InputError

# The kinds, strongest claim first: an account listed under two kinds by one side counts
# once, as the first of them (a customer who is also a prospect is a customer).
KINDS: tuple[str, ...] = ("customer", "opportunity", "prospect")
KIND_WORDS = {
    "customer": "customer",
    "customers": "customer",
    "client": "customer",
    "opportunity": "opportunity",
    "open opportunity": "opportunity",
    "opportunities": "opportunity",
    "pipeline": "opportunity",
    "prospect": "prospect",
    "prospects": "prospect",
    "lead": "prospect",
}

# Legal forms stripped from the end of a name (after punctuation is removed), longest
# first so "pty ltd" goes before "ltd".
LEGAL_SUFFIXES = sorted(
    {
        "inc", "incorporated", "corp", "corporation", "co", "company", "llc", "llp", "lp",
        "ltd", "limited", "plc", "pty ltd", "pty", "gmbh", "ag", "kg", "gmbh co kg", "ug",
        "sa", "sas", "sarl", "sl", "srl", "spa", "bv", "nv", "oy", "ab", "as", "aps", "kk",
        "pte ltd", "pte", "bhd", "sdn bhd", "jsc", "oao", "ooo", "sp z oo", "se",
        "and co", "and co kg", "co kg",
    },
    key=lambda s: -len(s),
)  # fmt: skip
_SUFFIX_RE = re.compile(r"(?:\s+(?:" + "|".join(re.escape(s) for s in LEGAL_SUFFIXES) + r"))+$")
_DOMAIN_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")
MAX_FIELD = 300


@dataclass(frozen=True)
class Account:
    name: str
    domain: str
    kind: str


def normalise_name(name: str) -> str:
    """Lower case, accents folded, '&' as 'and', punctuation gone, legal form stripped:
    'Acme, Inc.' -> 'acme'; 'Müller & Söhne GmbH' -> 'muller and sohne'."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    text = text.lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    stripped = _SUFFIX_RE.sub("", text).strip()
    return stripped or text  # a company called just "AG" keeps its name


def normalise_domain(domain: str) -> str:
    """'https://WWW.Acme.com/about' -> 'acme.com'; '' when there is no domain."""
    text = domain.strip().lower()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    text = text.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    text = text.rsplit("@", 1)[-1].split(":", 1)[0].rstrip(".")
    if text.startswith("www."):
        text = text[4:]
    return text


def account_key(account: Account) -> str:
    """What is blinded and compared: 'd:acme.com' when the account has a domain, else
    'n:acme'. The prefix keeps a name from ever matching a domain."""
    domain = normalise_domain(account.domain)
    return f"d:{domain}" if domain else f"n:{normalise_name(account.name)}"


def kind_sets(accounts: Iterable[Account]) -> dict[str, list[str]]:
    """Each kind's keys, sorted (the order is what the intersection's indices refer to),
    each key in one kind only, the strongest."""
    best: dict[str, str] = {}
    for account in accounts:
        key = account_key(account)
        held = best.get(key)
        if held is None or KINDS.index(account.kind) < KINDS.index(held):
            best[key] = account.kind
    sets: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for key, kind in best.items():
        sets[kind].append(key)
    return {kind: sorted(keys) for kind, keys in sets.items()}


def kind_of(text: str) -> str | None:
    return KIND_WORDS.get(re.sub(r"[\s_-]+", " ", text.strip().lower()))


def read_accounts_text(text: str, *, limit: int | None = None) -> list[Account]:
    """Accounts from CSV text with a header row: ``name`` (required), ``domain`` and
    ``kind`` (customer, opportunity or prospect; customer when absent). A bad cell raises
    ``InputError`` naming the row (as a spreadsheet numbers it) and the column."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise InputError("", "the file is empty: give a header row name,domain,kind") from None
    except csv.Error as exc:
        raise InputError("row 1", f"not valid CSV ({exc})") from None
    if "name" not in header:
        found = ", ".join(h for h in header if h) or "nothing"
        raise InputError("row 1", f"the header needs a 'name' column (found {found})")
    column = {name: header.index(name) for name in ("name", "domain", "kind") if name in header}
    accounts: list[Account] = []
    row_number = 1
    try:
        for row_number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            cells = {name: (row[i].strip() if i < len(row) else "") for name, i in column.items()}
            accounts.append(_account(row_number, cells))
            if limit is not None and len(accounts) > limit:
                raise InputError(
                    f"row {row_number}", f"more than {limit:,} accounts: split the list"
                )
    except csv.Error as exc:
        raise InputError(f"row {row_number + 1}", f"not valid CSV ({exc})") from None
    if not accounts:
        raise InputError("", "the file has a header but no accounts")
    return accounts


def _account(row: int, cells: dict[str, str]) -> Account:
    name, domain, kind_text = cells["name"], cells.get("domain", ""), cells.get("kind", "")
    for column, value in (("name", name), ("domain", domain)):
        if len(value) > MAX_FIELD:
            raise InputError(f"row {row}, column {column}", f"longer than {MAX_FIELD} characters")
    if not name and not domain:
        raise InputError(f"row {row}, column name", "empty: give a name or a domain")
    if domain and not _DOMAIN_RE.match(normalise_domain(domain)):
        raise InputError(f"row {row}, column domain", f"{domain!r} is not a domain like acme.com")
    if name and not domain and not normalise_name(name):
        raise InputError(f"row {row}, column name", f"{name!r} has no letters or digits")
    kind = kind_of(kind_text) if kind_text else "customer"
    if kind is None:
        raise InputError(
            f"row {row}, column kind",
            f"{kind_text!r} is not one of customer, opportunity, prospect",
        )
    return Account(name=name or domain, domain=domain, kind=kind)


def read_accounts(path: str | Path, *, limit: int | None = None) -> list[Account]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("", f"file not found: {path}") from None
    except UnicodeDecodeError:
        raise InputError("", f"{path} is not UTF-8 text") from None
    return read_accounts_text(text, limit=limit)
