"""Witness cosignatures of checkpoints (C2SP tlog-cosignature, ``cosignature/v1``), and the
site's witness policy: which witnesses it trusts and how many must cosign (the quorum).

A cosignature is a signed-note signature line ``— <witness name> base64(key id ‖ timestamp ‖
signature)``, the Ed25519 signature over ``cosignature/v1\\ntime <t>\\n`` and the checkpoint
body. Witness keys are signer/verifier strings in the Go note format with signature type 0x04
(https://c2sp.org/tlog-cosignature).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature

from harvest.i18n import _
from harvest.problems import Problem, shown
from harvest.proofs.checkpoint import generate_signer, parse_signer, parse_verifier

COSIGNATURE_ALG = b"\x04"
_HEADER = "cosignature/v1\n"


def witness_keygen(name: str) -> tuple[str, str]:
    """A new witness key pair (signer, verifier), signature type 0x04."""
    return generate_signer(name, COSIGNATURE_ALG)


def witness_verifier(signer: str) -> str:
    """The verifier key of a witness signer key."""
    name, key_id, key = parse_signer(signer, COSIGNATURE_ALG)
    public = key.public_key().public_bytes_raw()
    return f"{name}+{key_id.hex()}+{base64.b64encode(COSIGNATURE_ALG + public).decode()}"


def _message(body: str, timestamp: int) -> bytes:
    return f"{_HEADER}time {timestamp}\n{body}".encode()


def cosign(body: str, signer: str, timestamp: int) -> str:
    """The cosignature line (without line end) of checkpoint ``body`` at POSIX time ``timestamp``."""
    name, key_id, key = parse_signer(signer, COSIGNATURE_ALG)
    signature = key.sign(_message(body, timestamp))
    raw = key_id + timestamp.to_bytes(8, "big") + signature
    return f"\u2014 {name} {base64.b64encode(raw).decode()}"


def cosignature_time(line: str, body: str, verifier: str) -> int | None:
    """The timestamp of ``line`` when it is a valid cosignature of ``body`` by ``verifier``.

    None when the line is by another key; raises ValueError when it claims to be by this
    key but its signature does not hold (altered, or made for another checkpoint).
    """
    name, key_id, key = parse_verifier(verifier, COSIGNATURE_ALG)
    parts = line.strip().split(" ")
    if len(parts) != 3 or parts[0] != "\u2014" or parts[1] != name:
        return None
    try:
        raw = base64.b64decode(parts[2], validate=True)
    except binascii.Error:
        raise ValueError(_("the cosignature by {name} is not base64").format(name=name)) from None
    if len(raw) != 4 + 8 + 64 or raw[:4] != key_id:
        return None
    timestamp = int.from_bytes(raw[4:12], "big")
    if timestamp >= 1 << 63:
        raise ValueError(_("the cosignature by {name} has an impossible time").format(name=name))
    try:
        key.verify(raw[12:], _message(body, timestamp))
    except InvalidSignature:
        raise ValueError(_("the cosignature by {name} does not match this checkpoint").format(name=name)) from None
    return timestamp


@dataclass(frozen=True)
class Policy:
    """The witnesses a site trusts (verifier keys) and how many must cosign a head."""

    witnesses: tuple[str, ...] = ()
    quorum: int = 0

    def names(self) -> list[str]:
        """The witnesses' names, in the order of the policy."""
        return [key.split("+", 1)[0] for key in self.witnesses]


@dataclass(frozen=True)
class Witnessed:
    """The valid cosignatures of one checkpoint body: (witness name, time, line)."""

    valid: tuple[tuple[str, int, str], ...]
    rejected: tuple[tuple[str, str], ...]  # (line, why)

    def names(self) -> list[str]:
        """The witnesses who cosigned, each once."""
        return sorted({name for name, _, _ in self.valid})


def check_cosignatures(lines: Sequence[str], body: str, policy: Policy) -> Witnessed:
    """Which of ``lines`` are valid cosignatures of ``body`` by a witness in ``policy``.

    A line by an unknown witness, by a known witness over another checkpoint (stale) or
    altered is rejected with the reason; one valid cosignature per witness is kept.
    """
    valid: dict[str, tuple[str, int, str]] = {}
    rejected: list[tuple[str, str]] = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        why = _("it is not by any witness listed under extra: witnesses: in mkdocs.yml")
        for key in policy.witnesses:
            try:
                when = cosignature_time(line, body, key)
            except ValueError:
                why = _("it does not match the current checkpoint (stale: made for an earlier head, or altered)")
                continue
            if when is not None:
                name = key.split("+", 1)[0]
                if name not in valid or when > valid[name][1]:
                    valid[name] = (name, when, line)
                break
        else:
            rejected.append((line, why))
    return Witnessed(tuple(sorted(valid.values())), tuple(rejected))


def parse_policy(extra: Mapping[str, Any] | None, path: str = "mkdocs.yml") -> tuple[Policy, list[Problem]]:
    """The witness policy under ``extra: witnesses:`` (``quorum`` and ``keys``); none is quorum 0."""
    value = (extra or {}).get("witnesses")
    if value is None:
        return Policy(), []
    example = _("{example} (keys from: build.py witness keygen)").format(
        example="witnesses: {quorum: 2, keys: [<name>+<8 hex digits>+<base64>, …]}")
    if not isinstance(value, Mapping) or set(value) - {"quorum", "keys"}:
        return Policy(), [Problem(path, None, "extra.witnesses", _("quorum and keys"), shown(str(value)), example)]
    keys = value.get("keys") or []
    quorum = value.get("quorum", len(keys))
    problems: list[Problem] = []
    if not isinstance(keys, list):
        return Policy(), [Problem(path, None, "extra.witnesses.keys", _("a list of witness verifier keys"),
                                  shown(str(keys)), example)]
    for key in keys:
        try:
            parse_verifier(str(key), COSIGNATURE_ALG)
        except ValueError as exc:
            problems.append(Problem(path, None, "extra.witnesses.keys", _("a witness verifier key (type 0x04)"),
                                    shown(str(key)), _("{error}; {example}").format(error=exc, example=example)))
    names = [str(key).split("+", 1)[0] for key in keys]
    if len(set(names)) != len(names):
        problems.append(Problem(path, None, "extra.witnesses.keys", _("each witness once"), ", ".join(names),
                                _("remove the repeated witness")))
    if isinstance(quorum, bool) or not isinstance(quorum, int) or not 0 <= quorum <= len(keys):
        problems.append(Problem(path, None, "extra.witnesses.quorum",
                                _("a whole number from 0 to {count}").format(count=len(keys)),
                                shown(str(quorum)), _("set quorum to how many listed witnesses must cosign")))
    if problems:
        return Policy(), problems
    return Policy(tuple(str(k) for k in keys), int(quorum)), []
