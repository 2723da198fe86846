"""Sealed heads of a ledger, and C2SP checkpoints, signed notes and tlog proofs.

`ledgers/<id>.checkpoints` holds one sealed head a line, ``<size> <root-hex> <YYYY-MM-DD>``;
`check_sealed` tells an editor plainly when a sealed head no longer matches the ledger.
The published checkpoint is a C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint), signed
as a C2SP signed note (https://c2sp.org/signed-note) with Ed25519 when the build has a key.
Key strings use the Go ``golang.org/x/mod/sumdb/note`` format.
"""

from __future__ import annotations

import base64
import binascii
import csv
import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from harvest.i18n import _
from harvest.ledger.format import COLUMN_COUNT, COLUMNS, INDEX, join_line, split_line
from harvest.problems import Problem, shown
from harvest.proofs.merkle import MerkleTree, leaf_hash

SIGNING_KEY_ENV = "HARVEST_SIGNING_KEY"
_ED25519 = b"\x01"
_HEAD = re.compile(r"^(\S+) (\S+) (\S+)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_EXAMPLE_HEAD = "120 " + "3f" * 32 + " 2019-02-22"


@dataclass(frozen=True)
class SealedHead:
    """One sealed head: the ledger's first ``size`` entries had Merkle root ``root`` on ``date``.

    ``line`` is the 1-based line of the head in the checkpoints file.
    """

    size: int
    root: bytes
    date: date
    line: int


@dataclass(frozen=True)
class SealedVersion:
    """The ledger's entry lines as they were when a head was sealed, and the commit holding them."""

    lines: list[bytes]
    commit: str | None = None


def seal_line(size: int, root: bytes, day: date) -> str:
    """The checkpoints-file line sealing the first ``size`` entries, with its line end."""
    return f"{size} {root.hex()} {day.isoformat()}\n"


def read_checkpoints(data: bytes, path: str) -> tuple[list[SealedHead], list[Problem]]:
    """Parse a checkpoints file; every bad line is a Problem. Blank lines are ignored."""
    heads: list[SealedHead] = []
    problems: list[Problem] = []
    fix_format = _("write one sealed head a line: size, root, date, e.g. {example}").format(example=_EXAMPLE_HEAD)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = _("bytes that are not UTF-8 (at byte {position})").format(position=exc.start)
        fix = _("the seal command writes this file; restore it from git")
        return [], [Problem(path, None, "", _("UTF-8 text"), msg, fix)]
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        match = _HEAD.match(line)
        if not match:
            problems.append(Problem(path, number, "", _("size root date, one space apart"), shown(line), fix_format))
            continue
        size_text, root_text, date_text = match.groups()
        bad = len(problems)
        if not size_text.isascii() or not size_text.isdigit() or int(size_text) < 1:
            problems.append(
                Problem(
                    path,
                    number,
                    "size",
                    _("a whole number of entries, 1 or more"),
                    shown(size_text),
                    fix_format,
                )
            )
        if not _HEX64.match(root_text):
            problems.append(
                Problem(
                    path,
                    number,
                    "root",
                    _("64 lowercase hexadecimal characters"),
                    shown(root_text),
                    fix_format,
                )
            )
        day = None
        if _DATE.match(date_text):
            try:
                day = date.fromisoformat(date_text)
            except ValueError:
                day = None
        if day is None:
            problems.append(
                Problem(
                    path,
                    number,
                    "date",
                    _("a date YYYY-MM-DD, e.g. 2019-02-22"),
                    shown(date_text),
                    fix_format,
                )
            )
        if len(problems) > bad or day is None:
            continue
        head = SealedHead(int(size_text), bytes.fromhex(root_text), day, number)
        if heads and head.size <= heads[-1].size:
            problems.append(
                Problem(
                    path,
                    number,
                    "size",
                    _("a size greater than {size} (line {line})").format(size=heads[-1].size, line=heads[-1].line),
                    str(head.size),
                    _("sealed heads are appended in order as the ledger grows; restore this file from git"),
                )
            )
            continue
        heads.append(head)
    return heads, problems


OldLines = Callable[[SealedHead], "Sequence[bytes] | SealedVersion | None"]


def check_sealed(
    heads: Sequence[SealedHead],
    tree: MerkleTree,
    ledger_path: str,
    checkpoints_path: str,
    *,
    old_lines: OldLines | None = None,
    lines: Sequence[bytes] | None = None,
    today: date | None = None,
) -> list[Problem]:
    """A Problem for every sealed head that is not the root of the ledger's first ``size`` entries.

    ``old_lines(head)`` may give the sealed version (lines, or a `SealedVersion` with its
    commit) to name the entry that changed; ``lines`` are the current entry lines, to quote
    the new text. The correction each problem proposes is dated ``today`` (by default the
    date it is read on: the day the editor appends it).
    """
    problems: list[Problem] = []
    for head in heads:
        if head.size <= tree.size and tree.root(head.size) == head.root:
            continue
        old = old_lines(head) if old_lines else None
        version = old if isinstance(old, SealedVersion) or old is None else SealedVersion(list(old))
        problems.append(_rewritten(head, tree, ledger_path, checkpoints_path, version, lines,
                                   today or date.today()))
    return problems


def _rewritten(
    head: SealedHead,
    tree: MerkleTree,
    ledger_path: str,
    checkpoints_path: str,
    version: SealedVersion | None,
    lines: Sequence[bytes] | None,
    today: date,
) -> Problem:
    sealed = _("the first {size} entries exactly as sealed on {date} "
               "({path}, line {line}: size {size}, root {root}…)").format(
        size=head.size, date=head.date.isoformat(), path=checkpoints_path, line=head.line, root=head.root.hex()[:16])
    line: int | None = None
    seq: int | None = None
    if version is not None and len(version.lines) >= head.size:
        seq, what = _first_change(version.lines[: head.size], tree, lines)
        line = seq + 1
    elif head.size > tree.size:
        what = _("the ledger has only {count} entries: entries {first} to {last} "
                 "were sealed and have been deleted").format(count=tree.size, first=tree.size + 1, last=head.size)
    else:
        what = _("the first {size} entries have a different Merkle root "
                 "({root}…): a sealed entry was edited, deleted, "
                 "inserted or moved").format(size=head.size, root=tree.root(head.size).hex()[:16])
    got = _("history was rewritten: {what}").format(what=what)
    if version is not None and version.commit:
        restore = _("git show {commit}:{path} prints the sealed version").format(commit=version.commit, path=ledger_path)
    else:
        restore = _("git log -p {path} shows when it changed").format(path=ledger_path)
    # After the sealed entries are put back, the ledger has at least the sealed ones.
    next_seq = max(tree.size, head.size) + 1
    example = None
    if version is not None and seq is not None and seq <= len(version.lines):
        example = _correction_example(version.lines[seq - 1], next_seq, seq, today)
    if example is not None:
        record = _("record a correction of entry {seq} as a new line at the end of the ledger, as sealed but "
                   "with a negative amount (and quantity and orders), today's date and reference seq:{seq}: "
                   "{example}").format(seq=seq, example=example)
    else:  # the sealed text is not known: a pattern in the ledger's column order, never a made-up entry
        record = _("record a correction of the changed entry N as a new line at the end of the ledger: "
                   "{pattern}, copying its type, product, channel, unit, currency "
                   "and party as sealed, with a negative amount (and quantity and orders)").format(
            pattern=_correction_pattern(next_seq, today))
    if version is None:  # no commit holds entries with this root: the seal line itself may be wrong
        lid = checkpoints_path.rsplit("/", 1)[-1].removesuffix(".checkpoints")
        fix = _("a sealed entry is never edited. Put the sealed entries back as they were ({restore}), then "
                "{record}. If no entry was changed and line {line} of {path} was written by hand and "
                "never committed, delete that line instead, then run python build.py seal {campaign}").format(
            restore=restore, record=record, line=head.line, path=checkpoints_path, campaign=lid)
    else:
        fix = _("a sealed entry is never edited. Put the sealed entries back as they were ({restore}), then "
                "{record}").format(restore=restore, record=record)
    return Problem(ledger_path, line, "", sealed, got, fix)


def _negative(value: str) -> str:
    """A sealed amount, quantity or number of orders, taken back: with a minus sign (none on 0)."""
    value = value.strip().lstrip("-")
    return f"-{value}" if value.strip("0.") else value


def _correction_example(sealed: bytes, next_seq: int, n: int, today: date) -> str | None:
    """The correction line reversing the sealed entry ``n`` (its line ``sealed``), dated
    ``today``, that the ledger's rules accept when pasted at its end; None when the sealed line
    is not one entry."""
    try:
        row = split_line(sealed.decode("utf-8", "replace"))
    except csv.Error:
        return None
    if len(row) != COLUMN_COUNT:
        return None
    row[INDEX["seq"]], row[INDEX["date"]] = str(next_seq), today.isoformat()
    for name in ("quantity", "orders", "amount"):
        row[INDEX[name]] = _negative(row[INDEX[name]])
    row[INDEX["reference"]], row[INDEX["note"]] = f"seq:{n}", f"更正第{n}条"
    return shown(join_line(row), limit=300)


def _correction_pattern(next_seq: int, today: date) -> str:
    """The columns of a correction line, with the values the editor must copy named."""
    given = {"seq": str(next_seq), "date": today.isoformat(), "amount": "-<amount>", "quantity": "-<quantity>",
             "orders": "-<orders>", "reference": "seq:N", "note": "更正第N条"}
    return ",".join(given.get(name, f"<{name}>") for name in COLUMNS)


def _text(line: bytes) -> str:
    return shown(line.decode("utf-8", "replace"))


def _first_change(old: Sequence[bytes], tree: MerkleTree, lines: Sequence[bytes] | None) -> tuple[int, str]:
    """The seq of the first sealed entry that differs, and what happened to it."""
    n = tree.size
    old_hashes = [leaf_hash(x) for x in old]
    i = 0
    while i < len(old) and i < n and old_hashes[i] == tree.leaf(i):
        i += 1
    seq = i + 1
    if i >= len(old):
        # Every sealed line is unchanged yet the root differs: the file grew a stray line
        # before them, or the sealed head itself was edited.
        return seq, _("the sealed entries are unchanged but the head's root does not match them")
    was = _text(old[i])
    if i >= n:
        return seq, _("entry seq {seq} (line {line}) and all after it were deleted: was {was}").format(
            seq=seq, line=seq + 1, was=was)
    nxt_old = old_hashes[i + 1] if i + 1 < len(old) else None
    nxt_new = tree.leaf(i + 1) if i + 1 < n else None
    now = _text(lines[i]) if lines is not None and i < len(lines) else None
    # What the line was, and what it is now when known: `now` is one of two whole messages.
    fields = {"seq": seq, "line": seq + 1, "next": seq + 1, "was": was, "now": now}
    moved_up = nxt_old is not None and nxt_old == tree.leaf(i)
    moved_down = nxt_new is not None and old_hashes[i] == nxt_new
    if moved_up and moved_down:
        return seq, (_("entries seq {seq} and {next} were swapped (reordered): was {was}, now {now}") if now else
                     _("entries seq {seq} and {next} were swapped (reordered): was {was}")).format(**fields)
    still_there = old_hashes[i] in {tree.leaf(j) for j in range(n)}
    if moved_down and tree.leaf(i) not in set(old_hashes):
        return seq, (_("a new line was inserted before entry seq {seq} (line {line}): {now}") if now else
                     _("a new line was inserted before entry seq {seq} (line {line})")).format(**fields)
    if still_there:
        return seq, (_("entry seq {seq} (line {line}) was moved elsewhere (reordered): was {was}, now {now}") if now
                     else _("entry seq {seq} (line {line}) was moved elsewhere (reordered): was {was}")).format(**fields)
    if moved_up:
        return seq, _("entry seq {seq} (line {line}) was deleted: was {was}").format(**fields)
    return seq, (_("entry seq {seq} (line {line}) was changed: was {was}, now {now}") if now else
                 _("entry seq {seq} (line {line}) was changed: was {was}")).format(**fields)


# C2SP tlog-checkpoint ---------------------------------------------------------------------


def key_name(site_url: str) -> str:
    """The signing key's name: the site's host and path, no scheme, e.g. ``example.org/harvest``."""
    parts = urlsplit(site_url)
    return (parts.netloc + parts.path).rstrip("/")


def checkpoint_origin(site_url: str, ledger_id: str) -> str:
    """The log origin of a ledger, e.g. ``example.org/harvest/ledgers/baojing-oranges-2019``."""
    return f"{key_name(site_url)}/ledgers/{ledger_id}"


def checkpoint_body(origin: str, size: int, root: bytes) -> str:
    """The C2SP checkpoint note text: origin, size and base64 root, one a line."""
    return f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n"


UNSIGNED_PREVIEW = "unsigned preview: built without HARVEST_SIGNING_KEY; nobody vouches for this checkpoint"


def checkpoint_note(origin: str, size: int, root: bytes, signer: str | None, cosignatures: Sequence[str] = ()) -> str:
    """The published checkpoint: the body, signed by ``signer`` (the ledger's own key, named
    after ``origin``), then the witnesses' ``cosignatures`` (signature lines).

    Without a signer the note says, after the body, that it is an unsigned preview: the
    body (what witnesses cosign) is the same either way.
    """
    body = checkpoint_body(origin, size, root)
    rows = [row.rstrip("\n") for row in cosignatures]
    if signer:
        return sign_note(body, signer) + "".join(f"{row}\n" for row in rows)
    return body + "\n" + "".join(f"{row}\n" for row in [UNSIGNED_PREVIEW, *rows])


def is_unsigned_preview(text: str) -> bool:
    """Whether a checkpoint note is one a build without a signing key published."""
    return f"\n\n{UNSIGNED_PREVIEW}\n" in text


def ledger_signer(master: str, origin: str) -> str:
    """The signer key of one ledger log, named after its ``origin`` (C2SP tlog-checkpoint).

    Its Ed25519 seed is HKDF-SHA256 of the site's one secret key (``HARVEST_SIGNING_KEY``)
    with the origin as context, so one secret signs every ledger, each under its own name.
    """
    _check_name(origin)
    _name, _key_id, key = _parse_signer(master)
    seed = HKDF(algorithm=SHA256(), length=32, salt=b"harvest-ledger/ledger-key/v1", info=origin.encode()).derive(
        key.private_bytes_raw()
    )
    public = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()
    return f"PRIVATE+KEY+{origin}+{_key_hash(origin, public).hex()}+{base64.b64encode(_ED25519 + seed).decode()}"


@dataclass(frozen=True)
class Checkpoint:
    """The three mandatory lines of a checkpoint note body."""

    origin: str
    size: int
    root: bytes


def parse_checkpoint(text: str) -> Checkpoint:
    """Read origin, size and root from a checkpoint note (signature lines are ignored).

    Raises ValueError with a plain message when the text is not a checkpoint.
    """
    body = text.split("\n\n", 1)[0]
    rows = body.split("\n")
    if len(rows) < 3 or not rows[0]:
        raise ValueError(_("a checkpoint has three lines: origin, size, base64 root"))
    if not re.fullmatch(r"0|[1-9][0-9]*", rows[1]):
        raise ValueError(_("checkpoint size {size} is not a whole number").format(size=shown(rows[1])))
    try:
        root = base64.b64decode(rows[2], validate=True)
    except binascii.Error as exc:
        raise ValueError(_("checkpoint root {root} is not base64").format(root=shown(rows[2]))) from exc
    if len(root) != 32:
        raise ValueError(_("checkpoint root {root} is not a SHA-256 hash").format(root=shown(rows[2])))
    return Checkpoint(rows[0], int(rows[1]), root)


# C2SP signed-note with Ed25519 ------------------------------------------------------------


def _key_hash(name: str, public: bytes, alg: bytes = _ED25519) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + alg + public).digest()[:4]


def _check_name(name: str) -> None:
    if not name or "+" in name or any(c.isspace() for c in name):
        raise ValueError(_("key name {name} must be non-empty, without spaces or '+'").format(name=shown(name)))


def generate_signer(name: str, alg: bytes = _ED25519) -> tuple[str, str]:
    """A new Ed25519 key pair as (signer, verifier) strings in the Go note format.

    ``alg`` is the signature type: 0x01 for note signatures, 0x04 for C2SP cosignatures.
    """
    _check_name(name)
    seed = Ed25519PrivateKey.generate().private_bytes_raw()
    public = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()
    hash_hex = _key_hash(name, public, alg).hex()
    signer = f"PRIVATE+KEY+{name}+{hash_hex}+{base64.b64encode(alg + seed).decode()}"
    verifier = f"{name}+{hash_hex}+{base64.b64encode(alg + public).decode()}"
    return signer, verifier


def _key_bytes(encoded: str, what: str, alg: bytes = _ED25519) -> bytes:
    try:
        raw = base64.b64decode(encoded, validate=True)
    except binascii.Error as exc:
        raise ValueError(_("the signing key's last part is not base64") if what == "signing" else
                          _("the verifier key's last part is not base64")) from exc
    if len(raw) != 33 or raw[:1] != alg:
        raise ValueError((_("the signing key is not an Ed25519 key (algorithm {algorithm}, 32 bytes)")
                          if what == "signing" else
                          _("the verifier key is not an Ed25519 key (algorithm {algorithm}, 32 bytes)")).format(
            algorithm=alg[0]))
    return raw[1:]


def _parse_signer(signer: str, alg: bytes = _ED25519) -> tuple[str, bytes, Ed25519PrivateKey]:
    # Messages never quote the signer: it is a secret.
    parts = signer.strip().split("+", 4)
    if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
        raise ValueError(_(
            "a signing key looks like PRIVATE+KEY+<name>+<8 hex digits>+<base64>; make one with: python build.py keygen"
        ))
    name, hash_hex = parts[2], parts[3]
    _check_name(name)
    key = Ed25519PrivateKey.from_private_bytes(_key_bytes(parts[4], "signing", alg))
    key_id = _key_hash(name, key.public_key().public_bytes_raw(), alg)
    if hash_hex != key_id.hex():
        raise ValueError(_("the signing key's hash does not match its name and key: it was altered"))
    return name, key_id, key


def _parse_verifier(verifier: str, alg: bytes = _ED25519) -> tuple[str, bytes, Ed25519PublicKey]:
    parts = verifier.strip().split("+", 2)
    if len(parts) != 3:
        raise ValueError(_("a verifier key looks like <name>+<8 hex digits>+<base64>, got {key}").format(
            key=shown(verifier)))
    name, hash_hex, encoded = parts
    _check_name(name)
    public = _key_bytes(encoded, "verifier", alg)
    key_id = _key_hash(name, public, alg)
    if hash_hex != key_id.hex():
        raise ValueError(_("the verifier key's hash does not match its name and key: it was altered"))
    return name, key_id, Ed25519PublicKey.from_public_bytes(public)


def verifier_for(signer: str) -> str:
    """The public verifier key string of a signer key string."""
    name, key_id, key = _parse_signer(signer)
    public = key.public_key().public_bytes_raw()
    return f"{name}+{key_id.hex()}+{base64.b64encode(_ED25519 + public).decode()}"


def signer_from_env(environ: Mapping[str, str]) -> str | None:
    """The signer key from ``HARVEST_SIGNING_KEY``, None when unset or empty.

    Raises ValueError with a plain message (never quoting the secret) when it is malformed.
    """
    value = environ.get(SIGNING_KEY_ENV, "").strip()
    if not value:
        return None
    try:
        _parse_signer(value)
    except ValueError as exc:
        raise ValueError(_("the environment variable {name} is not a valid key: {error}").format(
            name=SIGNING_KEY_ENV, error=exc)) from exc
    return value


def sign_note(body: str, signer: str) -> str:
    """The signed note: ``body``, a blank line, and the signature line ``— <name> <base64>``."""
    if not body.endswith("\n") or "\n\n" in body:
        raise ValueError(_("a note body is non-empty lines, each ending with a newline"))
    name, key_id, key = _parse_signer(signer)
    signature = key.sign(body.encode("utf-8"))
    return f"{body}\n\u2014 {name} {base64.b64encode(key_id + signature).decode()}\n"


def split_note(text: str) -> tuple[str, list[str]]:
    """A signed note's body (with its last newline) and its signature lines (``— name base64``).

    Raises ValueError when the note has no signature lines or a malformed one.
    """
    cut = text.find("\n\n")
    if cut < 0 or not text.endswith("\n"):
        raise ValueError(_("the note is not signed: no blank line before signature lines"))
    rows = text[cut + 2 : -1].split("\n")
    for row in rows:
        if not row.startswith("\u2014 ") or row.count(" ") != 2:
            raise ValueError(_("malformed signature line {line}").format(line=shown(row)))
    return text[: cut + 1], rows


def parse_verifier(verifier: str, alg: bytes = _ED25519) -> tuple[str, bytes, Ed25519PublicKey]:
    """Name, key id and public key of a verifier key ``<name>+<hash>+<base64>`` (Ed25519).

    Raises ValueError with a plain message when it is malformed or altered.
    """
    return _parse_verifier(verifier, alg)


def parse_signer(signer: str, alg: bytes = _ED25519) -> tuple[str, bytes, Ed25519PrivateKey]:
    """Name, key id and private key of a signer key ``PRIVATE+KEY+<name>+<hash>+<base64>``."""
    return _parse_signer(signer, alg)


def verify_note(text: str, verifier: str) -> str:
    """The body of a signed note after checking its signature by ``verifier``.

    Raises ValueError when the note has no valid signature by that key.
    """
    name, key_id, key = _parse_verifier(verifier)
    if is_unsigned_preview(text):
        raise ValueError(_("the checkpoint is an unsigned preview (built without a signing key)"))
    body, rows = split_note(text)
    for row in rows:
        sig_name, _space, encoded = row[2:].rpartition(" ")
        if sig_name != name:
            continue
        try:
            raw = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            continue
        if len(raw) != 68 or raw[:4] != key_id:
            continue
        try:
            key.verify(raw[4:], body.encode("utf-8"))
        except InvalidSignature as exc:
            raise ValueError(_("the signature by {name} does not match the note: it was altered").format(
                name=name)) from exc
        return body
    raise ValueError(_("the note carries no signature by the key {key}").format(key=f"{name}+{key_id.hex()}"))


# C2SP tlog-proof --------------------------------------------------------------------------

TLOG_PROOF_HEADER = "c2sp.org/tlog-proof@v1"


@dataclass(frozen=True)
class TlogProof:
    """A parsed c2sp.org/tlog-proof@v1: leaf index, inclusion proof and the checkpoint note."""

    index: int
    proof: list[bytes]
    checkpoint: str
    extra: bytes | None = None


def tlog_proof(index: int, proof: Sequence[bytes], checkpoint_text: str, extra: bytes | None = None) -> str:
    """The offline-verifiable proof text (c2sp.org/tlog-proof@v1) of leaf ``index``."""
    rows = [TLOG_PROOF_HEADER]
    if extra is not None:
        rows.append(f"extra {base64.b64encode(extra).decode()}")
    rows.append(f"index {index}")
    rows.extend(base64.b64encode(h).decode() for h in proof)
    return "\n".join(rows) + "\n\n" + checkpoint_text


def parse_tlog_proof(text: str) -> TlogProof:
    """Parse a c2sp.org/tlog-proof@v1 text; raises ValueError when it is malformed."""
    head, sep, checkpoint = text.partition("\n\n")
    rows = head.split("\n")
    if not sep or rows[0] != TLOG_PROOF_HEADER:
        raise ValueError(_("a proof starts with the line {header}").format(header=TLOG_PROOF_HEADER))
    rest = rows[1:]
    extra = None
    if rest and rest[0].startswith("extra "):
        try:
            extra = base64.b64decode(rest[0][6:], validate=True)
        except binascii.Error as exc:
            raise ValueError(_("the extra line is not base64")) from exc
        rest = rest[1:]
    if not rest or not re.fullmatch(r"index (0|[1-9][0-9]*)", rest[0]):
        raise ValueError(_("the line after the header must be: index <number>"))
    hashes: list[bytes] = []
    for row in rest[1:]:
        try:
            value = base64.b64decode(row, validate=True)
        except binascii.Error as exc:
            raise ValueError(_("proof line {line} is not base64").format(line=shown(row))) from exc
        if len(value) != 32:
            raise ValueError(_("proof line {line} is not a SHA-256 hash").format(line=shown(row)))
        hashes.append(value)
    parse_checkpoint(checkpoint)
    return TlogProof(int(rest[0][6:]), hashes, checkpoint, extra)
