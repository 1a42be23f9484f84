"""The three steps of one exchange, wrapping OpenMined's PSI per kind of account.

The asking side (the library's "client") blinds each kind's keys with its own secret key
(``prepare``). The answering side (the "server") blinds its own keys with its secret key
into one Golomb-compressed set per kind, and blinds the asking side's already blinded
keys a second time (``respond``). The asking side removes its own blinding from the
doubly blinded keys and looks them up in each set (``finish``): it learns, for every pair
of kinds, how many of its accounts the other side also has, and which ones only if the
answering side chose to reveal. Neither step sees the other side's plaintext; the
messages are protocol buffers, base64 in JSON so a web server can relay and store them.

With ``reveal`` off the answering side's library sorts its answer, so the asking side can
count matches but cannot tell which of its accounts matched.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any

from ..files import InputError
from .accounts import KINDS, Account, account_key

PROTOCOL = "openmined-psi/2"
# False-positive rate of the whole lookup in one set: a chance in a billion that a
# count is one too high.
FALSE_POSITIVE_RATE = 1e-9


def _psi() -> Any:
    # Imported on use: the library is a compiled extension only the exchange needs.
    import private_set_intersection.python as psi

    return psi


def _b64(message: Any) -> str:
    return base64.b64encode(message.SerializeToString()).decode("ascii")


def _parse(kind_of_message: Any, text: Any, where: str) -> Any:
    if not isinstance(text, str):
        raise InputError(where, "missing or not text")
    try:
        message = kind_of_message()
        message.ParseFromString(base64.b64decode(text.encode("ascii"), validate=True))
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise InputError(where, f"not a blinded message of this protocol ({exc})") from None
    return message


def _kinds(message: Any, part: str) -> dict[str, Any]:
    if not isinstance(message, dict) or message.get("protocol") != PROTOCOL:
        raise InputError("protocol", f"not a message of {PROTOCOL}")
    parts = message.get(part)
    if not isinstance(parts, dict) or set(parts) != set(KINDS):
        raise InputError(part, f"needs one entry for each of {', '.join(KINDS)}")
    return parts


def prepare(sets: dict[str, list[str]], *, reveal: bool = False) -> tuple[str, dict[str, Any]]:
    """The asking side's first step: (its secret key, base64; the request to send).
    Keep the key on this machine until ``finish``."""
    psi = _psi()
    client = psi.client.CreateWithNewKey(reveal)
    requests = {kind: _b64(client.CreateRequest(sets.get(kind, []))) for kind in KINDS}
    secret = base64.b64encode(bytes(client.GetPrivateKeyBytes())).decode("ascii")
    return secret, {"protocol": PROTOCOL, "reveal": reveal, "requests": requests}


def message_sizes(request: dict[str, Any]) -> dict[str, int]:
    """How many blinded accounts of each kind a request carries (what the relay and the
    answering side learn about the asking side's list: its size)."""
    psi = _psi()
    parts = _kinds(request, "requests")
    return {
        kind: len(_parse(psi.Request, parts[kind], f"requests.{kind}").encrypted_elements)
        for kind in KINDS
    }


def relayed(message: dict[str, Any], *parts: str) -> dict[str, Any]:
    """What the relay keeps of a checked message: the protocol, ``reveal`` and the named
    blinded parts, nothing else a client may have added (an extra field could carry plain
    text that has no business on the server)."""
    kept: dict[str, Any] = {"protocol": PROTOCOL, "reveal": message.get("reveal") is True}
    for part in parts:
        kept[part] = {kind: _kinds(message, part)[kind] for kind in KINDS}
    return kept


def check_reply(request: dict[str, Any], reply: dict[str, Any]) -> None:
    """Refuse a reply that is not an answer to ``request`` (what a relay can check without
    any key): every part parses, each kind's answer has as many elements as was asked,
    and it reveals only if the request asked to."""
    psi = _psi()
    asked = message_sizes(request)
    setups, responses = _kinds(reply, "setups"), _kinds(reply, "responses")
    if reply.get("reveal") is True and request.get("reveal") is not True:
        raise InputError("reveal", "the request asked for counts only")
    for kind in KINDS:
        _parse(psi.ServerSetup, setups[kind], f"setups.{kind}")
        answered = len(
            _parse(psi.Response, responses[kind], f"responses.{kind}").encrypted_elements
        )
        if answered != asked[kind]:
            raise InputError(f"responses.{kind}", f"answers {answered} accounts, not {asked[kind]}")


def respond(
    sets: dict[str, list[str]], request: dict[str, Any], *, reveal: bool = False
) -> dict[str, Any]:
    """The answering side's step: its blinded sets and its answer to the request. A request
    for the list of shared accounts is answered only if this side agrees (``reveal``); the
    library itself refuses to answer it otherwise, so it is refused here with a reason."""
    psi = _psi()
    parts = _kinds(request, "requests")
    if request.get("reveal") is True and not reveal:
        raise InputError(
            "reveal",
            "the other side asks for the list of shared accounts: answer only if your side "
            "agrees to show it (--reveal)",
        )
    reveal = request.get("reveal") is True
    server = psi.server.CreateWithNewKey(reveal)
    parsed = {kind: _parse(psi.Request, parts[kind], f"requests.{kind}") for kind in KINDS}
    asked = max(1, sum(len(p.encrypted_elements) for p in parsed.values()))
    setups = {
        kind: _b64(
            server.CreateSetupMessage(
                FALSE_POSITIVE_RATE, asked, sets.get(kind, []), psi.DataStructure.GCS
            )
        )
        for kind in KINDS
    }
    responses = {kind: _b64(server.ProcessRequest(parsed[kind])) for kind in KINDS}
    return {"protocol": PROTOCOL, "reveal": reveal, "setups": setups, "responses": responses}


@dataclass
class Overlap:
    """What the asking side learns. ``counts[mine][theirs]``: how many of my accounts of
    kind ``mine`` the other side holds as kind ``theirs``. ``shared`` has the same shape
    with my keys, or is None when the exchange did not reveal."""

    counts: dict[str, dict[str, int]]
    shared: dict[str, dict[str, list[str]]] | None = None
    sizes: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(n for row in self.counts.values() for n in row.values())

    def shared_names(self, accounts: list[Account]) -> dict[str, dict[str, list[str]]]:
        """``shared`` with my own accounts' names in place of keys."""
        names: dict[str, str] = {}
        for account in accounts:
            names.setdefault(account_key(account), account.name)
        return {
            mine: {theirs: sorted(names.get(k, k) for k in keys) for theirs, keys in row.items()}
            for mine, row in (self.shared or {}).items()
        }

    def as_dict(self) -> dict[str, Any]:
        return {"counts": self.counts, "sizes": self.sizes, "total": self.total}


def finish(secret: str, sets: dict[str, list[str]], reply: dict[str, Any]) -> Overlap:
    """The asking side's last step, with the secret key from ``prepare`` and the same
    sets (in the same order: ``kind_sets`` sorts them)."""
    psi = _psi()
    setups = _kinds(reply, "setups")
    responses = _kinds(reply, "responses")
    reveal = reply.get("reveal") is True
    try:
        client = psi.client.CreateFromKey(base64.b64decode(secret), reveal)
    except (binascii.Error, RuntimeError) as exc:
        raise InputError("secret", f"not a key made by prepare ({exc})") from None
    parsed_setups = {k: _parse(psi.ServerSetup, setups[k], f"setups.{k}") for k in KINDS}
    counts: dict[str, dict[str, int]] = {}
    shared: dict[str, dict[str, list[str]]] = {}
    for mine in KINDS:
        response = _parse(psi.Response, responses[mine], f"responses.{mine}")
        keys = sets.get(mine, [])
        if len(response.encrypted_elements) != len(keys):
            raise InputError(
                f"responses.{mine}", "answers a different list: run prepare again on this file"
            )
        counts[mine], shared[mine] = {}, {}
        for theirs in KINDS:
            if not keys:
                counts[mine][theirs], shared[mine][theirs] = 0, []
                continue
            try:
                if reveal:
                    found = client.GetIntersection(parsed_setups[theirs], response)
                    shared[mine][theirs] = sorted(keys[i] for i in found)
                    counts[mine][theirs] = len(found)
                else:
                    counts[mine][theirs] = client.GetIntersectionSize(
                        parsed_setups[theirs], response
                    )
            except RuntimeError as exc:
                raise InputError(f"setups.{theirs}", f"the library refused it ({exc})") from None
    sizes = {kind: len(sets.get(kind, [])) for kind in KINDS}
    return Overlap(counts=counts, shared=shared if reveal else None, sizes=sizes)
