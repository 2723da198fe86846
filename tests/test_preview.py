"""`build.py serve`: a failed rebuild shows its problems in the browser, the real pages come back when fixed."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

from harvest import hook
from harvest.problems import Problem
from harvest.publish import preview
from harvest.render import problems_page
from tests.sitekit import PRODUCT, ROOT, TinySite

HEADING = "The site was not updated: 1 problem found"  # in Chinese: tests/test_messages_render.py


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return str(response.read().decode("utf-8"))
    except urllib.error.HTTPError as e:  # 404: the preview's 404.html
        return str(e.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError):
        return ""


def _wait_for(url: str, seen: Callable[[str], bool], server: subprocess.Popen[str], timeout: float = 60) -> str:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        assert server.poll() is None, "the preview stopped"
        text = _fetch(url)
        if seen(text):
            return text
        time.sleep(0.2)
    raise AssertionError(f"{url} did not show what was expected in {timeout} s; last: {text[:300]!r}")


def test_a_failed_rebuild_shows_its_problems_until_fixed(tiny: TinySite) -> None:
    tiny.with_basics()
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "-a", f"127.0.0.1:{port}",
         "--config-file", str(tiny.path / "mkdocs.yml")],
        cwd=tiny.path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    page = f"http://127.0.0.1:{port}/sub/products/test-orange/"
    try:
        good = _wait_for(page, lambda t: "测试脐橙" in t, server)
        assert HEADING not in good
        tiny.write("products/test-orange.yml", PRODUCT.replace("producer: 测试合作社", "producer: 测试合作社 13912345678"))
        shown = _wait_for(page, lambda t: HEADING in t, server)
        assert 'products/test-orange.yml, line 4: field &#34;producer&#34;' in shown
        assert "/livereload/" in shown  # it reloads by itself when the next rebuild is done
        # Every page and every other address shows the problems, not the stale site.
        assert HEADING in _fetch(f"http://127.0.0.1:{port}/sub/")
        assert HEADING in _fetch(f"http://127.0.0.1:{port}/sub/no-such-page/")
        tiny.write("products/test-orange.yml", PRODUCT)
        back = _wait_for(page, lambda t: HEADING not in t and "测试脐橙" in t, server)
        assert "13912345678" not in back
    finally:
        server.terminate()
        try:
            server.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate()


def test_the_problems_page_escapes_what_it_quotes() -> None:
    problem = Problem("products/<x>.yml", 3, "name", "a name", '"<script>alert(1)</script>"', "write a name")
    html = problems_page.page([problem])
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Content-Security-Policy" in html and HEADING in html


def test_show_writes_every_page_of_the_last_good_build(tmp_path: Path) -> None:
    (tmp_path / "products" / "a").mkdir(parents=True)
    (tmp_path / "products" / "a" / "index.html").write_text("old")
    (tmp_path / "ledgers" / "x.csv").parent.mkdir()
    (tmp_path / "ledgers" / "x.csv").write_text("seq")
    known = preview.pages(tmp_path)
    assert known == {"products/a/index.html"}
    preview.show(tmp_path, known, "problems")
    assert preview.pages(tmp_path) == {"products/a/index.html", "index.html", "404.html"}
    assert all((tmp_path / rel).read_text() == "problems" for rel in preview.pages(tmp_path))
    assert (tmp_path / "ledgers" / "x.csv").read_text() == "seq"



class _Server:
    """What on_serve uses of MkDocs' LiveReloadServer."""

    def __init__(self) -> None:
        self.watched: list[str] = []
        self.builder: Callable[[], None] = lambda: None

    def watch(self, path: str) -> None:
        self.watched.append(path)


def _failing(error: Exception) -> Callable[[], None]:
    def builder() -> None:
        try:
            raise error
        except Exception:
            raise Abort("Aborted with a BuildError!")  # noqa: B904  (as mkdocs.commands.build does)
    return builder


def test_only_problems_are_shown_a_bug_stays_a_failed_rebuild(tiny: TinySite, tmp_path: Path) -> None:
    tiny.with_basics()
    site_dir = tmp_path / "served"
    (site_dir / "products" / "a").mkdir(parents=True)
    (site_dir / "products" / "a" / "index.html").write_text("the last good page")
    config = load_config(str(tiny.path / "mkdocs.yml"), site_dir=str(site_dir))
    server = _Server()
    problem = Problem("products/a.yml", 4, "producer", "no phone number", '"13912345678"', "remove it")

    server.builder = _failing(PluginError("a bug"))
    hook.on_serve(server, config, server.builder)  # type: ignore[arg-type]
    assert sorted(Path(w).name for w in server.watched) == ["campaigns", "ledgers", "products"]
    with pytest.raises(Abort):
        server.builder()
    assert (site_dir / "products" / "a" / "index.html").read_text() == "the last good page"

    server.builder = _failing(hook._Stopped([problem]))
    hook.on_serve(server, config, server.builder)  # type: ignore[arg-type]
    server.builder()  # told, not raised: the preview reloads the browsers
    for rel in ("products/a/index.html", "index.html", "404.html"):
        assert "13912345678" in (site_dir / rel).read_text() and HEADING in (site_dir / rel).read_text()
