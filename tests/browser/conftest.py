"""Browser fixtures: Debian's Chromium driven by Playwright, one synthetic site per session.

The site (1,000 products, see `synth.py`) is built once with build.py and served from
127.0.0.1 by `http.server` in a thread. Every page is opened through `Visit`, which lets
requests to that server through, records every other request and aborts it (so a test
never waits for a blocked foreign host), and keeps each response for the weight figures.
Without a Chromium, every test here is skipped with the reason printed (under CI=true it fails instead).
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser import synth
from tests.sitekit import ROOT

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
PRODUCTS = int(os.environ.get("HARVEST_BROWSER_PRODUCTS", "1000"))
WEIGHTS: dict[str, dict[str, int]] = {}  # page type -> bytes by kind, printed at the end


def chromium_path() -> str | None:
    """Debian's chromium (CI installs it with apt-get), or another Chrome on PATH."""
    explicit = os.environ.get("HARVEST_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def skip_or_fail(reason: str) -> None:
    """Skip on a developer's machine without the tool; fail under CI=true, so that CI cannot go
    green without running the browser and print tests."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI=true: these tests must run in CI)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium() -> str:
    path = chromium_path()
    if path is None:
        reason = "no Chromium found (install Debian's chromium, or set HARVEST_CHROMIUM): browser tests skipped"
        print(f"\n{reason}", file=sys.stderr)
        skip_or_fail(reason)
    return path


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the site under the path of its site_url (as published), nothing else."""

    prefix = "/"
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".webp": "image/webp"}

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "does-not-exist")
        return super().translate_path("/" + path[len(self.prefix) :])

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass


@contextlib.contextmanager
def serve_folder(root: Path) -> Iterator[str]:
    """Serve a built tiny site from 127.0.0.1 (at the root path) while the block runs; yields its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@dataclass
class Served:
    """A built site served from 127.0.0.1."""

    root: Path
    base: str
    expect: dict[str, Any]

    def url(self, path: str) -> str:
        return self.base + path

    def page_types(self) -> dict[str, str]:
        """One page of each kind found in the built site (site-relative URL by kind)."""
        site = self.root
        found: dict[str, str] = {"home": "", "404": "404.html"}

        def first(pattern: str, kind: str, skip: tuple[str, ...] = ()) -> None:
            for p in sorted(site.glob(pattern)):
                url = p.parent.relative_to(site).as_posix() + "/"
                if not any(url.startswith(s) for s in skip):
                    found[kind] = url
                    return

        for kind, pattern in (
            ("products", "products/index.html"),
            ("places", "places/index.html"),
            ("campaigns", "campaigns/index.html"),
            ("transparency", "transparency/index.html"),
            ("labels", "labels/index.html"),
        ):
            if (site / pattern).exists():
                found[kind] = pattern.removesuffix("index.html")
        first("products/*/index.html", "product")
        first("products/*/poster/index.html", "poster")
        first("places/*/index.html", "province")
        first("places/*/*/index.html", "county")
        first("campaigns/*/index.html", "campaign")
        first("ledgers/*/index.html", "ledger")
        return found


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, chromium: str) -> Iterator[Served]:
    """The synthetic site of `PRODUCTS` products, built once and served."""
    repo = tmp_path_factory.mktemp("browser") / "repo"
    expect = synth.write_site(repo, PRODUCTS)
    proc = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "build", "--config-file", str(repo / "mkdocs.yml")],
        capture_output=True,
        text=True,
        cwd=repo,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr
    root = repo / "site"
    prefix = urlsplit(expect["site_url"]).path
    handler = type("SiteHandler", (_Handler,), {"prefix": prefix})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=root))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(root, f"http://127.0.0.1:{server.server_port}{prefix}", expect)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


TEXT_KINDS = ("html", "css", "js", "json", "svg", "xml")


def kind_of(content_type: str, url: str) -> str:
    """html, css, js, images, json or other: how the weight report groups a response."""
    ct = content_type.split(";")[0].strip()
    if ct == "text/html":
        return "html"
    if ct == "text/css":
        return "css"
    if "javascript" in ct:
        return "js"
    if ct.startswith("image/"):
        return "images"
    if ct == "application/json":
        return "json"
    return "other"


@dataclass
class Visit:
    """Everything one page load asked for: responses kept, foreign requests refused."""

    allowed: str
    foreign: list[str] = field(default_factory=list)
    fetched: list[tuple[str, str, bytes]] = field(default_factory=list)  # url, content type, body

    def route(self, route: Any) -> None:
        url = route.request.url
        if urlsplit(url).netloc == urlsplit(self.allowed).netloc:
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()

    def on_response(self, response: Any) -> None:
        try:
            body = response.body()
        except Exception:  # a redirect or an aborted load has no body: it weighs nothing
            body = b""
        self.fetched.append((response.url, response.headers.get("content-type", ""), body))

    def weights(self) -> dict[str, int]:
        """Compressed bytes by kind: text gzipped at level 6 (a common server setting), images as they are."""
        out: dict[str, int] = {}
        for url, ct, body in self.fetched:
            kind = kind_of(ct, url)
            size = len(body) if kind == "images" and "svg" not in ct else len(gzip.compress(body, 6, mtime=0))
            out[kind] = out.get(kind, 0) + size
        out["total"] = sum(out.values())
        return out

    def paths(self) -> list[str]:
        return [urlsplit(u).path for u, _, _ in self.fetched]


def visit(page: Any, served: Served, path: str) -> Visit:
    """Open `path` of the served site in `page` and wait until the network is idle."""
    v = Visit(served.base)
    page.route("**/*", v.route)
    page.on("response", v.on_response)
    page.goto(served.url(path), wait_until="networkidle")
    page.remove_listener("response", v.on_response)
    page.unroute("**/*", v.route)
    return v


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not WEIGHTS:
        return
    tr = terminalreporter
    tr.section(f"page weight, first load, compressed (KB), {PRODUCTS} products, phone")
    kinds = ("html", "css", "js", "images", "json", "other", "total")
    tr.write_line("page type".ljust(14) + "".join(k.rjust(9) for k in kinds))
    for name, w in WEIGHTS.items():
        tr.write_line(name.ljust(14) + "".join(f"{w.get(k, 0) / 1024:9.1f}" for k in kinds))
