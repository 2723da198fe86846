"""Hostile corpus, part B: files, parsing limits, publishing and I/O.

Each case writes what an attacker could commit (a link out of the repository, a record that
expands to billions of values, a picture that claims ten billion pixels, a disk that fills up
during the build) and checks that the build refuses it with the file (and line), exits 1
without a traceback, and leaves the last good site/ byte for byte as it was.
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import textwrap
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image

from harvest.proofs.checkpoint import generate_signer
from tests.hostile.harness import assert_refused, built_site, changed, digest
from tests.sitekit import PRODUCT, ROOT, Result, TinySite


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> TinySite:
    return built_site(tmp_path_factory.mktemp("files") / "repo")


@contextmanager
def linked(site: TinySite, rel: str, target: str) -> Iterator[Path]:
    """A symbolic link at `rel` (moving aside whatever is there), for the block."""
    path = site.path / rel
    aside = path.with_name(path.name + ".aside")
    if os.path.lexists(path):
        path.rename(aside)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, path)
    try:
        yield path
    finally:
        path.unlink()
        if os.path.lexists(aside):
            aside.rename(path)


def with_image(name: str) -> str:
    return PRODUCT + f"images:\n  - images/{name}\n"


IMAGE_LINE = PRODUCT.count("\n") + 2  # the `- images/…` line of `with_image`


def jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, "JPEG", quality=80)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims `width`×`height` (its data is a few bytes of zlib)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body + b"\0" * (1024 - 8 - len(body))


def billion_laughs() -> str:
    """The issue's record: ten levels of nine aliases (10⁹ values once expanded)."""
    lines = ['lol0: &lol0 ["哈哈哈哈哈哈哈哈哈哈", "哈哈哈哈哈哈哈哈哈哈", "哈哈哈哈哈哈哈哈哈哈"]']
    for i in range(1, 10):
        lines.append(f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * 9) + "]")
    return PRODUCT.replace("name: 测试脐橙\n", "name: 测试脐橙\n" + "\n".join(lines) + "\n")


# ---- 1. No link is ever followed -------------------------------------------------------------

def test_proc_self_environ_link_never_publishes_the_signing_key(site: TinySite, monkeypatch: pytest.MonkeyPatch) -> None:
    signer, _ = generate_signer("harvest.example.org")
    secret = signer.rsplit("+", 1)[1]
    monkeypatch.setenv("HARVEST_SIGNING_KEY", signer)
    with linked(site, "content/env.txt", "/proc/self/environ"):
        result = assert_refused(site, site.build, "content/env.txt", None, ['a link to "/proc/self/environ"'])
    assert secret not in result.err + result.out
    for f in (site.path / "site").rglob("*"):
        if f.is_file():
            assert secret.encode() not in f.read_bytes(), f


def test_story_linked_to_a_system_file(site: TinySite) -> None:
    with linked(site, "content/stories/test-orange.md", "/etc/passwd"):
        result = assert_refused(site, site.build, "content/stories/test-orange.md", None, ["a link to"])
    assert "root:" not in result.err


def test_folder_link_out_of_the_repository(site: TinySite) -> None:
    with linked(site, "content/system", "/etc"):
        assert_refused(site, site.build, "content/system", None, ['a link to "/etc"'])


def test_dangling_link(site: TinySite) -> None:
    with linked(site, "content/gone.md", "/nonexistent/file.md"):
        assert_refused(site, site.build, "content/gone.md", None, ["a link to"])


def test_relative_link_climbing_out(site: TinySite) -> None:
    with linked(site, "content/images/hostname.txt", "../../../../../../../../etc/hostname"):
        assert_refused(site, site.build, "content/images/hostname.txt", None, ["a link to"])


def test_even_a_link_inside_the_repository_is_refused(site: TinySite) -> None:
    with linked(site, "content/home.md", "index.md"):
        assert_refused(site, site.build, "content/home.md", None, ['a link to "index.md"'])


def test_record_linked_to_a_system_file_is_refused_by_check_and_diff_too(site: TinySite) -> None:
    with linked(site, "products/passwd.yml", "/etc/passwd"):
        assert_refused(site, lambda: site.run("check"), "products/passwd.yml", None, ["a link to"], "check")
        result = assert_refused(site, lambda: site.run("diff", "HEAD"), "products/passwd.yml", None,
                                ["a link to", "no report was made"], "diff")
        assert "root:" not in result.out + result.err
        assert_refused(site, site.build, "products/passwd.yml", None, ["a link to"])


def test_ledger_linked_to_a_system_file(site: TinySite) -> None:
    with linked(site, "ledgers/test-campaign.csv", "/etc/passwd"):
        assert_refused(site, site.build, "ledgers/test-campaign.csv", None, ["a link to"])


def test_records_folder_that_is_a_link(site: TinySite) -> None:
    (site.path / "elsewhere").mkdir(exist_ok=True)
    site.write("elsewhere/test-campaign.yml", (site.path / "campaigns/test-campaign.yml").read_text(encoding="utf-8"))
    with linked(site, "campaigns", "elsewhere"):  # the real folder is moved aside meanwhile
        assert_refused(site, site.build, "campaigns", None, ['a link to "elsewhere"'])


def test_config_file_that_is_a_link(site: TinySite) -> None:
    site.write("real.yml", (site.path / "mkdocs.yml").read_text(encoding="utf-8"))
    with linked(site, "mkdocs.yml", "real.yml"):
        assert_refused(site, site.build, "mkdocs.yml", None, ['a link to "real.yml"'])
    (site.path / "real.yml").unlink()


def test_link_in_the_theme_folder(site: TinySite) -> None:
    config = (site.path / "mkdocs.yml").read_text(encoding="utf-8")
    local = config.replace(f"custom_dir: {ROOT / 'theme'}", "custom_dir: theme")
    assert local != config
    (site.path / "theme").mkdir()
    try:
        with changed(site, {"mkdocs.yml": local}), linked(site, "theme/leak.txt", "/etc/hostname"):
            assert_refused(site, site.build, "theme/leak.txt", None, ["a link to"])
    finally:
        (site.path / "theme").rmdir()


def test_pages_folder_outside_the_repository(site: TinySite) -> None:
    config = (site.path / "mkdocs.yml").read_text(encoding="utf-8")
    with changed(site, {"mkdocs.yml": config.replace("docs_dir: content", "docs_dir: /etc")}):
        assert_refused(site, site.build, "mkdocs.yml", None, ["docs_dir", "inside the repository"])


def test_named_pipe_does_not_hang_the_build(site: TinySite) -> None:
    fifo = site.path / "content/stories/pipe.md"
    os.mkfifo(fifo)
    try:
        assert_refused(site, site.build, "content/stories/pipe.md", None, ["a pipe"])
    finally:
        fifo.unlink()


# ---- 2. Bounded parsing ----------------------------------------------------------------------

def test_billion_laughs_record_is_refused_at_once(site: TinySite) -> None:
    text = billion_laughs()
    assert 1000 < len(text.encode()) < 2000
    start = time.monotonic()
    with changed(site, {"products/test-orange.yml": text}):
        assert_refused(site, site.build, "products/test-orange.yml", 2, ["&lol0", "write each value out in full"])
        assert_refused(site, lambda: site.run("check"), "products/test-orange.yml", 3, ["&lol1 *lol0"], "check")
    assert time.monotonic() - start < 30


def test_record_above_the_size_limit(site: TinySite) -> None:
    padding = "".join(f"# 注释 {i} " + "很长的说明" * 20 + "\n" for i in range(3000))
    with changed(site, {"products/test-orange.yml": PRODUCT + padding}):
        assert_refused(site, site.build, "products/test-orange.yml", None, ["at most 256 KB"])


@pytest.mark.parametrize(("depth", "words"), [(50, ["at most 20 levels"]), (100_000, ["maximum nesting depth"])])
def test_deeply_nested_record(site: TinySite, depth: int, words: list[str]) -> None:
    deep = "extra: " + "[" * depth + "]" * depth + "\n"
    with changed(site, {"products/test-orange.yml": PRODUCT + deep}):
        assert_refused(site, site.build, "products/test-orange.yml", None, words)


def test_number_of_ten_thousand_digits(site: TinySite) -> None:
    huge = PRODUCT.replace('price: {amount: "39.90"', "price: {amount: " + "9" * 10000)
    with changed(site, {"products/test-orange.yml": huge}):
        assert_refused(site, site.build, "products/test-orange.yml", 6, ["a number of 10000 characters"])


def test_picture_claiming_ten_billion_pixels(site: TinySite) -> None:
    data = png_claiming(100_000, 100_000)
    assert len(data) == 1024
    with changed(site, {"content/images/bomb.png": data, "products/test-orange.yml": with_image("bomb.png")}):
        assert_refused(site, site.build, "products/test-orange.yml", IMAGE_LINE, ["images[0]", "million pixels"])


def test_picture_just_above_the_pixel_limit_names_its_size(site: TinySite) -> None:
    with changed(site, {"content/images/big.png": png_claiming(9000, 9000), "products/test-orange.yml": with_image("big.png")}):
        assert_refused(site, site.build, "products/test-orange.yml", IMAGE_LINE, ["9000×9000 pixels", "at most 64 million"])


def test_truncated_jpeg(site: TinySite) -> None:
    data = jpeg((640, 480))
    with changed(site, {"content/images/cut.jpg": data[: len(data) // 2], "products/test-orange.yml": with_image("cut.jpg")}):
        assert_refused(site, site.build, "products/test-orange.yml", IMAGE_LINE, ["truncated"])


def test_text_file_named_like_a_picture(site: TinySite) -> None:
    with changed(site, {"content/images/fake.jpg": b"not a picture\n", "products/test-orange.yml": with_image("fake.jpg")}):
        assert_refused(site, site.build, "products/test-orange.yml", IMAGE_LINE, ["not a picture"])


def test_picture_linked_out_of_the_repository(site: TinySite) -> None:
    with changed(site, {"products/test-orange.yml": with_image("stolen.jpg")}), \
            linked(site, "content/images/stolen.jpg", "/etc/passwd"):
        assert_refused(site, site.build, "content/images/stolen.jpg", None, ["a link to"])


def test_story_above_the_size_limit(site: TinySite) -> None:
    with changed(site, {"content/stories/test-orange.md": "果园在山上。" * 70_000}):
        assert_refused(site, site.build, "content/stories/test-orange.md", None, ["at most 1.0 MB"])


def test_page_above_the_size_limit(site: TinySite) -> None:
    with changed(site, {"content/huge.md": "# 大\n" + "字" * 400_000}):
        assert_refused(site, site.build, "content/huge.md", None, ["at most 1.0 MB"])


# ---- 3. No traceback for errors of the system ------------------------------------------------

def run_patched(site: TinySite, patch: str, *args: str) -> Result:
    """build.py run with `patch` (Python) executed first: a fault injected in one process."""
    script = f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n" + textwrap.dedent(patch) + textwrap.dedent(f"""
        sys.argv = ["build.py", *{list(args)!r}, "--config-file", {str(site.path / "mkdocs.yml")!r}]
        from harvest import cli as build
        build.cli()
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=site.path, timeout=300)
    return Result(proc.returncode, proc.stdout, proc.stderr)


def test_disk_full_while_writing_pages(site: TinySite) -> None:
    patch = """
        import errno, mkdocs.utils
        _write, calls = mkdocs.utils.write_file, []
        def write_file(content, output_path):
            calls.append(output_path)
            if len(calls) == 3:
                raise OSError(errno.ENOSPC, "No space left on device", output_path)
            return _write(content, output_path)
        mkdocs.utils.write_file = write_file
    """
    result = assert_refused(site, lambda: run_patched(site, patch, "build"), "site/", None,
                            ["the disk is full", "free some space", "site/ was left as it was"])
    assert ".site-" not in result.err  # the file is named as it would be in site/
    assert not list(site.path.glob(".site-*"))


def test_read_only_disk(site: TinySite) -> None:
    patch = """
        import errno, tempfile
        def mkdtemp(*a, **k):
            raise OSError(errno.EROFS, "Read-only file system", k.get("dir"))
        tempfile.mkdtemp = mkdtemp
    """
    assert_refused(site, lambda: run_patched(site, patch, "build"), str(site.path), None, ["read-only", "--site-dir"])


def test_permission_denied_while_sealing(site: TinySite) -> None:
    ledger = "seq,date,type,product,channel,quantity,unit,orders,amount,currency,party,reference,note\n"
    ledger += "1,2019-02-20,donation,,,,,,400.00,CNY,测试小组,T-0001,\n"
    patch = """
        import errno, pathlib
        _open = pathlib.Path.open
        def denied(self, mode="r", *a, **k):
            if self.suffix == ".checkpoints" and "a" in mode:
                raise PermissionError(errno.EACCES, "Permission denied", str(self))
            return _open(self, mode, *a, **k)
        pathlib.Path.open = denied
    """
    with changed(site, {"ledgers/test-campaign.csv": ledger}):
        assert site.run("check").code == 0
        result = assert_refused(site, lambda: run_patched(site, patch, "seal", "test-campaign"),
                                "ledgers/test-campaign.checkpoints", None, ["no permission"], "seal")
    assert not (site.path / "ledgers/test-campaign.checkpoints").exists(), result.err


@pytest.mark.parametrize(("fault", "words"), [("full", "the disk is full"), ("ro", "read-only")])
def test_real_full_or_read_only_disk_keeps_the_last_good_site(tmp_path: Path, fault: str, words: str) -> None:
    """A real tmpfs (root only) with room for one site but not two: the second build fills it
    up; or the same tmpfs made read-only after the first build."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    repo = TinySite(tmp_path / "repo").with_basics()
    first = repo.run("build", "--site-dir", str(tmp_path / "probe"))
    assert first.code == 0, first.err
    size = sum(f.stat().st_size + 4096 for f in (tmp_path / "probe").rglob("*"))
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size * 3 // 2}", "tmpfs", str(mnt)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        assert repo.run("build", "--site-dir", str(mnt / "site")).code == 0
        before = digest(mnt / "site")
        if fault == "ro":
            subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
        repo.write("content/extra.md", "# 多一页\n")
        result = repo.run("build", "--site-dir", str(mnt / "site"))
        assert result.code == 1, result.err
        assert "Traceback" not in result.err and words in result.err, result.err
        assert digest(mnt / "site") == before
        assert not list(mnt.glob(".site-*"))
    finally:
        subprocess.run(["umount", str(mnt)], check=True)


# ---- commands that write: never through a link ------------------------------------------------

def test_new_record_is_not_written_through_a_dangling_link(site: TinySite, tmp_path: Path) -> None:
    outside = tmp_path / "bashrc"
    with linked(site, "products/new-thing.yml", str(outside)):
        result = site.run("new", "product", "new-thing")
        assert result.code == 1 and "already exists" in result.err, result.err
    assert not outside.exists()


def test_import_never_appends_through_a_linked_ledger(site: TinySite, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("untouched\n", encoding="utf-8")
    export = tmp_path / "export.csv"
    export.write_text("日期,类型,金额,备注\n2019-02-21,捐赠,100.00,测试\n", encoding="utf-8")
    with linked(site, "ledgers/test-campaign.csv", str(outside)):
        assert_refused(site, lambda: site.run("import", "test-campaign", str(export)),
                       "ledgers/test-campaign.csv", None, ["a link to", "nothing was appended"], "import")
    assert outside.read_text(encoding="utf-8") == "untouched\n"


def test_config_reading_the_signing_key_from_the_environment(site: TinySite, monkeypatch: pytest.MonkeyPatch) -> None:
    signer, _ = generate_signer("harvest.example.org")
    monkeypatch.setenv("HARVEST_SIGNING_KEY", signer)
    config = (site.path / "mkdocs.yml").read_text(encoding="utf-8")
    with changed(site, {"mkdocs.yml": config.replace("site_name: Test site", "site_name: !ENV HARVEST_SIGNING_KEY")}):
        result = assert_refused(site, site.build, "mkdocs.yml", 1, ["!ENV"])
    assert signer.rsplit("+", 1)[1] not in result.err


def test_picture_file_above_the_size_limit(site: TinySite) -> None:
    with changed(site, {"content/images/huge.jpg": jpeg() + b"\0" * (51 * 1024 * 1024)}):
        assert_refused(site, site.build, "content/images/huge.jpg", None, ["at most 50.0 MB"])


def test_disk_full_while_writing_a_ledgers_files(site: TinySite) -> None:
    ledger = "seq,date,type,product,channel,quantity,unit,orders,amount,currency,party,reference,note\n"
    ledger += "1,2019-02-20,donation,,,,,,400.00,CNY,测试小组,T-0001,\n"
    patch = """
        import errno, harvest.publish.publisher as w
        def write_copy(path, data, *more):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        w.write_copy = write_copy
    """
    with changed(site, {"ledgers/test-campaign.csv": ledger}):
        assert_refused(site, lambda: run_patched(site, patch, "build"), "site/ledgers/test-campaign.csv", None,
                       ["the disk is full", "site/ was left as it was"])


@pytest.mark.parametrize(("code", "words"), [
    ("ENOSPC", "the disk is full"), ("EDQUOT", "the disk is full"), ("EROFS", "read-only"),
    ("EACCES", "no permission"), ("EPERM", "no permission"), ("ENOENT", "vanished"), ("EIO", "an error of the system"),
])
def test_every_system_error_is_told_in_plain_words(code: str, words: str) -> None:
    import errno

    from harvest.cli import _io_message

    number = getattr(errno, code)
    message = _io_message(OSError(number, os.strerror(number), "/somewhere/site/x.html"), "Nothing was changed.")
    assert "/somewhere/site/x.html:" in message and words in message and "how to fix:" in message
    assert message.endswith("Nothing was changed.")


@pytest.mark.parametrize("name", ["late.txt", "late.md"])
def test_link_made_after_the_check_is_not_published(site: TinySite, name: str) -> None:
    """A link slipped in between the check and MkDocs' copy (a race): the page is read without
    following it, a copied file is caught by the second look before the swap."""
    patch = f"""
        import os, harvest.hook as c
        _load = c.load_site
        def load_site(*a, **k):
            found = _load(*a, **k)
            os.symlink("/etc/passwd", {str(site.path / "content" / name)!r})
            return found
        c.load_site = load_site
    """
    try:
        result = assert_refused(site, lambda: run_patched(site, patch, "build"), f"content/{name}", None, ["a link"])
    finally:
        (site.path / "content" / name).unlink()
    assert "root:" not in result.err
