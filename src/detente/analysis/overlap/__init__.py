"""Customer overlap between two sides without either side's list leaving its machine.

Private set intersection (PSI) with OpenMined's library (``openmined-psi``, ECDH with a
Golomb-compressed set): ``accounts`` reads and normalises a side's list, ``exchange`` wraps
the library's three steps (``prepare`` on the asking side, ``respond`` on the answering
side, ``finish`` back on the asking side) per kind of account, so the asking side learns
how many of its customers, open opportunities and prospects are each kind of account of
the other side, and, when the exchange reveals, which ones. No Django here.
"""

from .accounts import (
    KINDS,
    Account,
    account_key,
    kind_sets,
    normalise_domain,
    normalise_name,
    read_accounts,
    read_accounts_text,
)
from .exchange import Overlap, check_reply, finish, message_sizes, prepare, relayed, respond

__all__ = [
    "KINDS",
    "Account",
    "Overlap",
    "account_key",
    "check_reply",
    "finish",
    "kind_sets",
    "message_sizes",
    "normalise_domain",
    "normalise_name",
    "prepare",
    "read_accounts",
    "read_accounts_text",
    "relayed",
    "respond",
]
