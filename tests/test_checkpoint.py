"""Sealed heads, C2SP checkpoints, signed notes and tlog proofs."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import date

import pytest

from harvest.proofs.checkpoint import (
    SIGNING_KEY_ENV,
    UNSIGNED_PREVIEW,
    SealedHead,
    SealedVersion,
    check_sealed,
    checkpoint_body,
    checkpoint_note,
    checkpoint_origin,
    generate_signer,
    key_name,
    parse_checkpoint,
    parse_tlog_proof,
    read_checkpoints,
    seal_line,
    sign_note,
    signer_from_env,
    tlog_proof,
    verifier_for,
    verify_note,
)
from harvest.proofs.merkle import MerkleTree

LEDGER = "ledgers/baojing-oranges-2019.csv"
SEALS = "ledgers/baojing-oranges-2019.checkpoints"

# golang.org/x/mod/sumdb/note's documented example key and note.
GO_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
GO_SIGNATURE = (
    "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
# The C2SP signed-note specification's example.
SPEC_VERIFIER = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXp"
    "pzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)


def entry(seq: int, amount: str = "100.00", party: str = "匿名", kind: str = "donation") -> bytes:
    return f"{seq},2019-02-2{seq % 3},{kind},,,,,,{amount},CNY,{party},R-{seq:04d},".encode()


LINES = [entry(i) for i in range(1, 11)]
TODAY = date(2026, 12, 1)


def head(size: int, lines: list[bytes] = LINES, line: int = 1) -> SealedHead:
    return SealedHead(size, MerkleTree.from_leaves(lines[:size]).root(), date(2019, 2, 22), line)


# Sealed heads ------------------------------------------------------------------------------


def test_seal_line_round_trips() -> None:
    root = MerkleTree.from_leaves(LINES).root()
    text = seal_line(10, root, date(2019, 2, 22)) + seal_line(12, root, date(2019, 3, 1))
    assert text.splitlines()[0] == f"10 {root.hex()} 2019-02-22"
    heads, problems = read_checkpoints(text.encode(), SEALS)
    assert problems == []
    assert heads == [
        SealedHead(10, root, date(2019, 2, 22), 1),
        SealedHead(12, root, date(2019, 3, 1), 2),
    ]


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("10 abc 2019-02-22", "root"),
        ("ten " + "a" * 64 + " 2019-02-22", "size"),
        ("0 " + "a" * 64 + " 2019-02-22", "size"),
        ("10 " + "A" * 64 + " 2019-02-22", "root"),
        ("10 " + "a" * 64 + " 2019-02-30", "date"),
        ("10 " + "a" * 64 + " 22/02/2019", "date"),
        ("10 " + "a" * 64, ""),
        ("10  " + "a" * 64 + " 2019-02-22", ""),
    ],
)
def test_bad_lines_are_problems_with_their_line(line: str, field: str) -> None:
    good = f"5 {'b' * 64} 2019-02-20\n"
    heads, problems = read_checkpoints((good + "\n" + line + "\n").encode(), SEALS)
    assert [h.size for h in heads] == [5]
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.path, problem.line, problem.field) == (SEALS, 3, field)
    assert problem.expected and problem.fix


def test_sizes_must_increase_and_text_must_be_utf8() -> None:
    text = f"5 {'b' * 64} 2019-02-20\n5 {'c' * 64} 2019-02-21\n3 {'d' * 64} 2019-02-22\n"
    heads, problems = read_checkpoints(text.encode(), SEALS)
    assert [h.size for h in heads] == [5]
    assert [(p.line, p.field) for p in problems] == [(2, "size"), (3, "size")]
    assert "greater than 5" in problems[0].expected
    _, problems = read_checkpoints(b"5 \xff\n", SEALS)
    assert problems[0].expected == "UTF-8 text"


def test_heads_that_still_hold_are_quiet() -> None:
    tree = MerkleTree.from_leaves([*LINES, entry(11)])
    assert check_sealed([head(3), head(10, line=2)], tree, LEDGER, SEALS) == []


def test_a_truncated_ledger_is_named() -> None:
    tree = MerkleTree.from_leaves(LINES[:7])
    [problem] = check_sealed([head(3), head(10, line=2)], tree, LEDGER, SEALS)
    assert problem.path == LEDGER
    assert f"{SEALS}, line 2: size 10" in problem.expected and "2019-02-22" in problem.expected
    assert "history was rewritten" in problem.got
    assert "only 7 entries" in problem.got and "8 to 10" in problem.got
    assert "negative amount" in problem.fix and "seq:" in problem.fix


def test_an_edited_entry_is_named_with_old_and_new_text() -> None:
    edited = list(LINES)
    edited[4] = entry(5, amount="1000.00")
    tree = MerkleTree.from_leaves(edited)
    version = SealedVersion(LINES[:10], "0123abcd" * 5)
    problems = check_sealed([head(3), head(10, line=2)], tree, LEDGER, SEALS, old_lines=lambda h: version, lines=edited,
                            today=TODAY)
    [problem] = problems
    assert problem.line == 6
    assert "entry seq 5 (line 6) was changed" in problem.got
    assert LINES[4].decode() in problem.got and edited[4].decode() in problem.got
    assert f"git show {'0123abcd' * 5}:{LEDGER}" in problem.fix
    # The example correction reverses the sealed entry: same type, negative amount, seq:5, today.
    assert '"11,2026-12-01,donation,,,,,,-100.00,CNY,匿名,seq:5,更正第5条"' in problem.fix


def test_the_example_correction_is_a_line_of_the_ledger_when_the_party_holds_a_comma() -> None:
    sealed = [*LINES[:4], entry(5, party='"张先生, 李女士"'), *LINES[5:]]
    edited = [*sealed[:4], entry(5, amount="1.00"), *sealed[5:]]
    version = SealedVersion(sealed, "0123abcd" * 5)
    [problem] = check_sealed([head(10, sealed)], MerkleTree.from_leaves(edited), LEDGER, SEALS,
                             old_lines=lambda h: version, lines=edited, today=TODAY)
    assert '11,2026-12-01,donation,,,,,,-100.00,CNY,"张先生, 李女士",seq:5,更正第5条' in problem.fix


SALE = "{seq},2019-02-21,sale,baojing-navel-orange,jd,{quantity},kg,{orders},{amount},CNY,京东买家,S-{seq},"


@pytest.mark.parametrize(("sealed", "edited"), [
    (entry(7, amount="500.00", party="长沙商户"), entry(7, amount="5000.00", party="长沙商户")),
    (SALE.format(seq=7, quantity="12.5", orders=3, amount="350.00"), SALE.format(seq=7, quantity="12.5", orders=30, amount="350.00")),
])
def test_the_proposed_correction_is_accepted_when_pasted(sealed: str | bytes, edited: str | bytes) -> None:
    """The hint quotes the changed entry (its seq, type, product, channel, unit, currency and
    party as sealed, its amount, quantity and orders negative) dated today, in the ledger's
    column order: the ledger with the sealed entries put back and that line appended checks."""
    from harvest.ledger.format import HEADER
    from harvest.ledger.parse import parse_ledger

    as_sealed = [*LINES[:6], sealed if isinstance(sealed, bytes) else sealed.encode(), *LINES[7:]]
    now = [*as_sealed[:6], edited if isinstance(edited, bytes) else edited.encode(), *as_sealed[7:]]
    [problem] = check_sealed([head(10, as_sealed)], MerkleTree.from_leaves(now), LEDGER, SEALS,
                             old_lines=lambda h: SealedVersion(as_sealed), lines=now, today=TODAY)
    proposed = re.findall(r'"((?:[^"]|"")*)"$', problem.fix)[0].replace('""', '"')
    fields = proposed.split(",")
    assert fields[0] == "11" and fields[1] == TODAY.isoformat() and fields[11] == "seq:7", proposed
    sealed_fields = as_sealed[6].decode().split(",")
    assert fields[10] == sealed_fields[10] and fields[8] == "-" + sealed_fields[8], proposed
    data = "\n".join([HEADER, *(x.decode() for x in as_sealed), proposed]) + "\n"
    ledger, problems = parse_ledger(data.encode(), LEDGER, "baojing-oranges-2019", products={"baojing-navel-orange"},
                                    channels={"jd"}, today=TODAY)
    assert problems == [] and ledger is not None, problems
    assert ledger.entries[-1].corrects == 7


def test_without_the_sealed_text_no_entry_is_made_up() -> None:
    """When no commit holds the sealed entries, the hint cannot know which entry changed or
    what it held: it gives the columns to fill in, never a made-up entry of seq 1."""
    edited = [*LINES[:6], entry(7, amount="5.00"), *LINES[7:]]
    [problem] = check_sealed([head(10)], MerkleTree.from_leaves(edited), LEDGER, SEALS, old_lines=lambda h: None,
                             today=TODAY)
    assert ("11,2026-12-01,<type>,<product>,<channel>,-<quantity>,<unit>,-<orders>,-<amount>,<currency>,<party>,"
            "seq:N,更正第N条") in problem.fix
    assert "seq:1" not in problem.fix and "匿名" not in problem.fix and "2019-03-01" not in problem.fix
    # Nor is a seal line that no commit holds taken for proof that entries changed.
    assert f"line 1 of {SEALS} was written by hand and never committed, delete that line instead, then run " \
           "python build.py seal baojing-oranges-2019" in problem.fix


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda ls: ls[:3] + ls[4:], "entry seq 4 (line 5) was deleted"),
        (lambda ls: ls[:3] + [entry(99)] + ls[3:], "a new line was inserted before entry seq 4"),
        (lambda ls: ls[:3] + [ls[4], ls[3]] + ls[5:], "entries seq 4 and 5 were swapped"),
        (lambda ls: ls[:3] + ls[4:8] + [ls[3]] + ls[8:], "entry seq 4 (line 5) was moved"),
        (lambda ls: ls[:3], "entry seq 4 (line 5) and all after it were deleted"),
    ],
)
def test_deleted_inserted_and_reordered_entries(change, words: str) -> None:  # type: ignore[no-untyped-def]
    changed = change(list(LINES))
    tree = MerkleTree.from_leaves(changed)
    problems = check_sealed([head(10)], tree, LEDGER, SEALS, old_lines=lambda h: LINES[: h.size], lines=changed)
    assert len(problems) == 1
    assert words in problems[0].got
    assert f"git log -p {LEDGER}" in problems[0].fix


def test_without_the_sealed_version_the_problem_still_says_what_happened() -> None:
    edited = [*LINES[:2], entry(3, party="某公司"), *LINES[3:]]
    problems = check_sealed(
        [head(2), head(5, line=2)], MerkleTree.from_leaves(edited), LEDGER, SEALS, old_lines=lambda h: None
    )
    [problem] = problems
    assert problem.line is None
    assert "first 5 entries have a different Merkle root" in problem.got


# C2SP checkpoints and signed notes ---------------------------------------------------------


def test_checkpoint_body_and_origin() -> None:
    root = bytes(range(32))
    assert key_name("https://example.org/harvest/") == "example.org/harvest"
    origin = checkpoint_origin("https://example.org/harvest/", "baojing-oranges-2019")
    assert origin == "example.org/harvest/ledgers/baojing-oranges-2019"
    body = checkpoint_body(origin, 120, root)
    assert body == f"{origin}\n120\n{base64.b64encode(root).decode()}\n"
    parsed = parse_checkpoint(body)
    assert (parsed.origin, parsed.size, parsed.root) == (origin, 120, root)
    assert checkpoint_note(origin, 120, root, None) == body + "\n" + UNSIGNED_PREVIEW + "\n"
    for bad in ["x\n", "x\n01\nAAAA\n", "x\n1\nnot base64!\n", "x\n1\nAAAA\n"]:
        with pytest.raises(ValueError):
            parse_checkpoint(bad)


def test_go_reference_note_is_reproduced_and_verified() -> None:
    note = sign_note(GO_TEXT, GO_SIGNER)
    assert note == GO_TEXT + "\n" + GO_SIGNATURE
    assert verify_note(note, GO_VERIFIER) == GO_TEXT
    assert verifier_for(GO_SIGNER) == GO_VERIFIER
    assert verify_note(SPEC_NOTE, SPEC_VERIFIER) == "This is an example message.\n"


def test_generated_keys_follow_the_note_key_format() -> None:
    signer, verifier = generate_signer("example.org/harvest")
    match = re.fullmatch(r"example\.org/harvest\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)", verifier)
    assert match
    public = base64.b64decode(match.group(2))
    assert public[0] == 1 and len(public) == 33
    expected = hashlib.sha256(b"example.org/harvest\n\x01" + public[1:]).digest()[:4]
    assert match.group(1) == expected.hex()
    assert signer.startswith(f"PRIVATE+KEY+example.org/harvest+{expected.hex()}+")
    assert verifier_for(signer) == verifier


def test_signed_checkpoint_verifies_and_tampering_fails() -> None:
    signer, verifier = generate_signer("example.org/harvest")
    origin = "example.org/harvest/ledgers/x"
    note = checkpoint_note(origin, 3, bytes(32), signer)
    assert note.startswith(checkpoint_body(origin, 3, bytes(32)) + "\n\u2014 example.org/harvest ")
    assert verify_note(note, verifier) == checkpoint_body(origin, 3, bytes(32))
    assert parse_checkpoint(note).size == 3
    with pytest.raises(ValueError, match="altered"):
        verify_note(note.replace("\n3\n", "\n4\n"), verifier)
    _, other = generate_signer("example.org/harvest")
    with pytest.raises(ValueError, match="no signature"):
        verify_note(note, other)
    with pytest.raises(ValueError, match="not signed"):
        verify_note(checkpoint_body(origin, 3, bytes(32)), verifier)
    with pytest.raises(ValueError):
        verify_note(note, verifier.replace("+", "-", 1))


def test_signer_from_environment() -> None:
    signer, _ = generate_signer("example.org/harvest")
    assert signer_from_env({}) is None
    assert signer_from_env({SIGNING_KEY_ENV: "  "}) is None
    assert signer_from_env({SIGNING_KEY_ENV: signer + "\n"}) == signer
    broken = [
        signer[:-6],
        signer.replace("PRIVATE+KEY+", "PRIVATE+"),
        signer.replace("example.org", "example.net"),
        GO_VERIFIER,
    ]
    # The key data (base64, which may itself hold "+") is everything after the fourth "+".
    secret = signer.split("+", 4)[4]
    for value in broken:
        with pytest.raises(ValueError) as caught:
            signer_from_env({SIGNING_KEY_ENV: value})
        message = str(caught.value)
        assert SIGNING_KEY_ENV in message
        assert secret[:16] not in message  # the secret is never echoed
        if value.count("+") >= 4:
            assert value.split("+", 4)[4][:16] not in message


# C2SP tlog-proof --------------------------------------------------------------------------


def test_tlog_proof_format_and_parser() -> None:
    checkpoint = checkpoint_body("example.org/h/ledgers/x", 5, bytes(32))
    hashes = [bytes([i]) * 32 for i in range(3)]
    text = tlog_proof(2, hashes, checkpoint)
    lines = text.split("\n")
    assert lines[0] == "c2sp.org/tlog-proof@v1"
    assert lines[1] == "index 2"
    assert lines[2:5] == [base64.b64encode(h).decode() for h in hashes]
    assert lines[5] == ""
    assert text.endswith("\n\n" + checkpoint)
    parsed = parse_tlog_proof(text)
    assert (parsed.index, parsed.proof, parsed.checkpoint, parsed.extra) == (
        2,
        hashes,
        checkpoint,
        None,
    )
    with_extra = tlog_proof(0, [], checkpoint, extra=b"receipt")
    assert with_extra.split("\n")[1] == "extra cmVjZWlwdA=="
    assert parse_tlog_proof(with_extra).extra == b"receipt"
    for bad in [
        text.replace("@v1", "@v2"),
        text.replace("index 2", "index two"),
        text.replace(lines[2], "AAAA"),
        text.replace("\n\n", "\n"),
    ]:
        with pytest.raises(ValueError):
            parse_tlog_proof(bad)
