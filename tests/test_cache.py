"""The build cache (harvest/load/cache.py): found again by its inputs, never trusted when damaged."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from harvest.load.cache import Cache


def test_stored_work_is_found_again_by_its_inputs(tmp_path: Path) -> None:
    cache = Cache.for_site(tmp_path)
    key = cache.key("qr", "https://item.jd.com/1.html")
    assert cache.get("qr", key) is None
    cache.put("qr", key, b"<svg/>")
    assert cache.get("qr", key) == b"<svg/>"
    assert cache.key("qr", "https://item.jd.com/1.html") == key
    assert cache.key("qr", "https://item.jd.com/2.html") != key
    assert cache.key("ab", "c") != cache.key("a", "bc")  # parts are length-prefixed
    assert (cache.counts.hits, cache.counts.misses, cache.counts.written) == (1, 1, 1)


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "other-magic"])
def test_a_damaged_entry_is_dropped_and_never_returned(tmp_path: Path, damage: str) -> None:
    cache = Cache.for_site(tmp_path)
    key = cache.key("picture", "x")
    cache.put("picture", key, b"JPEG" * 100)
    path = next((tmp_path / ".cache" / "harvest" / "picture").rglob(key))
    blob = bytearray(path.read_bytes())
    if damage == "flip":
        blob[-1] ^= 1
    elif damage == "truncate":
        del blob[-10:]
    elif damage == "empty":
        blob = bytearray()
    else:
        blob[:4] = b"XXXX"
    path.write_bytes(bytes(blob))
    assert cache.get("picture", key) is None
    assert not path.exists() and cache.counts.damaged == 1


def test_no_cache_stores_nothing(tmp_path: Path) -> None:
    cache = Cache.for_site(tmp_path, enabled=False)
    cache.put("qr", cache.key("x"), b"1")
    assert cache.get("qr", cache.key("x")) is None and not (tmp_path / ".cache").exists()


def test_a_linked_cache_folder_is_not_used(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".cache").symlink_to(elsewhere)
    cache = Cache.for_site(repo)
    assert not cache.enabled
    cache.put("qr", cache.key("x"), b"1")
    assert list(elsewhere.iterdir()) == []


def test_a_linked_entry_is_not_read(tmp_path: Path) -> None:
    cache = Cache.for_site(tmp_path)
    key = cache.key("qr", "x")
    secret = tmp_path / "secret"
    secret.write_bytes(b"HLC1" + b"\0" * 32)
    folder = tmp_path / ".cache" / "harvest" / "qr" / key[:2]
    folder.mkdir(parents=True)
    (folder / key).symlink_to(secret)
    assert cache.get("qr", key) is None


def test_a_committed_cache_is_not_trusted(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    planted = Cache.for_site(tmp_path)
    key = planted.key("qr", "https://item.jd.com/1.html")
    planted.put("qr", key, b"<svg>not what the link makes</svg>")
    subprocess.run(["git", "-C", str(tmp_path), "add", "-f", ".cache"], check=True)
    assert not Cache.for_site(tmp_path).enabled


def test_a_cache_that_cannot_be_written_only_slows_the_build(tmp_path: Path) -> None:
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "harvest").write_bytes(b"a file where the folder should be")
    cache = Cache.for_site(tmp_path)
    cache.put("qr", cache.key("x"), b"1")
    assert cache.get("qr", cache.key("x")) is None and cache.counts.written == 0


def test_a_kept_file_is_linked_and_a_damaged_one_made_again(tmp_path: Path) -> None:
    import hashlib

    cache = Cache.for_site(tmp_path / "repo")
    site = tmp_path / "site"
    site.mkdir()
    content = b"tile " * 100
    digest = hashlib.sha256(content).digest()
    assert not cache.link_file(digest, str(site / "a"))
    (site / "a").write_bytes(content)
    cache.keep_file(digest, str(site / "a"))
    assert cache.link_file(digest, str(site / "b"))
    assert (site / "b").read_bytes() == content and (site / "b").stat().st_nlink == 3
    kept = next((tmp_path / "repo" / ".cache" / "harvest" / "files").rglob(digest.hex()))
    kept.unlink()
    kept.write_bytes(content[:-1] + b"X")  # damaged (not through the site's links)
    assert not cache.link_file(digest, str(site / "c"))
    assert not (site / "c").exists() and not kept.exists() and cache.counts.damaged == 1


def test_made_work_is_made_once_and_found_by_the_next_build(tmp_path: Path) -> None:
    calls: list[int] = []

    def make() -> bytes:
        calls.append(1)
        return b"<svg/>"

    first = Cache.for_site(tmp_path)
    assert first.made("qr", ("https://a.example/",), make, keep=True) == b"<svg/>"
    assert first.made("qr", ("https://a.example/",), make, keep=True) == b"<svg/>"  # kept in memory
    assert len(calls) == 1 and first.counts.written == 1
    second = Cache.for_site(tmp_path)  # the next build
    assert second.made("qr", ("https://a.example/",), make) == b"<svg/>"
    assert len(calls) == 1 and second.counts.hits == 1
    assert Cache(None).made("qr", ("https://a.example/",), make) == b"<svg/>" and len(calls) == 2


def test_entries_written_behind_are_found_at_once_and_on_disk_after_flush(tmp_path: Path) -> None:
    cache = Cache.for_site(tmp_path)
    cache.write_behind()
    keys = [cache.key("page", str(i)) for i in range(200)]
    for i, key in enumerate(keys):
        cache.put("page", key, f"<p>{i}</p>".encode())
    assert cache.get("page", keys[-1]) == b"<p>199</p>"  # written or not yet, it is found
    cache.flush()
    assert cache.counts.written == 200
    again = Cache.for_site(tmp_path)
    assert [again.get("page", key) for key in keys] == [f"<p>{i}</p>".encode() for i in range(200)]


def test_git_never_offers_to_commit_the_cache(tmp_path: Path) -> None:
    """Even in a repository whose .gitignore does not name .cache/ (a county's own site)."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    cache = Cache.for_site(tmp_path)
    cache.put("qr", cache.key("x"), b"1")
    status = subprocess.run(["git", "-C", str(tmp_path), "status", "--porcelain", "--untracked-files=all"],
                            capture_output=True, text=True, check=True).stdout
    assert status == "" and cache.get("qr", cache.key("x")) == b"1"
