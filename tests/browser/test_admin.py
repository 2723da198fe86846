"""The editors' forms in Chromium, against `build.py edit` on a fresh clone of a tiny site.

`build.py edit` runs as editors run it (a subprocess, ports on 127.0.0.1); every request the
page makes to another host is recorded and refused, and every Content-Security-Policy
violation is recorded: both lists must stay empty.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from PIL import Image

from tests.qrread import decode_svg, inline_svgs
from tests.sitekit import ROOT, TinySite
from tests.test_admin import ADMIN

SHOTS = os.environ.get("HARVEST_ADMIN_SCREENSHOTS")  # a folder: save the README's screenshots there


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True, env=env).stdout


@dataclass
class Editing:
    """A clone with `build.py edit` running on it."""

    repo: Path
    forms: str
    preview: str
    process: subprocess.Popen[str]


@pytest.fixture(scope="module")
def editing(tmp_path_factory: pytest.TempPathFactory, chromium: str) -> Iterator[Editing]:
    origin = tmp_path_factory.mktemp("origin") / "repo"
    TinySite(origin).with_basics()
    (origin / "products/test-orange.yml").write_text(
        "# A comment the editor wrote, which a save must keep.\n"
        + (origin / "products/test-orange.yml").read_text(encoding="utf-8"), encoding="utf-8")
    _git(origin, "init", "-q", "-b", "main")
    _git(origin, "add", "-A")
    _git(origin, "commit", "-q", "-m", "start")
    clone = tmp_path_factory.mktemp("clone") / "repo"
    _git(origin.parent, "clone", "-q", str(origin), str(clone))
    preview_port, forms_port = _free_port(), _free_port()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "edit", "--config-file", str(clone / "mkdocs.yml"),
         "--dev-addr", f"127.0.0.1:{preview_port}", "--cms-addr", f"127.0.0.1:{forms_port}"],
        cwd=clone, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    forms, preview = f"http://127.0.0.1:{forms_port}/admin/", f"http://127.0.0.1:{preview_port}/sub/"
    try:
        _wait_for(preview)
        _wait_for(forms)
        yield Editing(clone, forms, preview, process)
    finally:
        process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        out, _ = process.communicate(timeout=30)
        print(out)
    assert process.returncode == 0, out
    assert "Site preview:" in out and "Content manager (forms):" in out and "Stopped." in out  # HARVEST_LANG=en
    assert "Traceback" not in out


def _wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@dataclass
class Watch:
    """Requests that left 127.0.0.1 (refused) and Content-Security-Policy violations."""

    foreign: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def route(self, route: Any) -> None:
        url = route.request.url
        if urlsplit(url).hostname == "127.0.0.1" or url.startswith(("blob:", "data:")):
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()


def _watched(browser: Any) -> tuple[Any, Any, Watch]:
    """A new browser context and page whose foreign requests and CSP violations are recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    watch = Watch()
    context.route("**/*", watch.route)
    page = context.new_page()
    page.on("console", lambda m: watch.violations.append(m.text) if m.text.startswith("CSP ") else None)
    page.add_init_script("document.addEventListener('securitypolicyviolation',"
                         " e => console.error('CSP ' + e.violatedDirective + ' ' + e.blockedURI))")
    return context, page, watch


@pytest.fixture
def forms(browser: Any, editing: Editing) -> Iterator[Any]:
    context, page, watch = _watched(browser)
    page.goto(editing.forms)
    page.get_by_role("button", name="登录").click()
    page.get_by_text("产品故事").first.wait_for()
    _shot(page, "admin-collections.png")
    yield page
    context.close()
    assert watch.foreign == [], watch.foreign
    assert watch.violations == [], watch.violations


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        page.wait_for_timeout(700)  # notices slide in
        page.screenshot(path=str(Path(SHOTS) / name))


def _fill(page: Any, name: str, value: str) -> None:
    box = page.locator(f"input[id^='{name}-field-']").first
    if box.input_value():  # Decap's inputs keep their text under a plain fill()
        box.press("Control+a")
        box.press("Delete")
    if value:
        box.fill(value)
    assert box.input_value() == value


def _choose(page: Any, name: str, text: str) -> None:
    box = page.locator(f"input[id^='{name}-field-']").first
    box.fill(text)
    page.get_by_role("option").filter(has_text=text).first.click()


def _publish(page: Any) -> None:
    page.get_by_role("button", name="发布").first.click()
    page.get_by_role("menuitem", name="立即发布").click()


def _saved(page: Any) -> None:
    page.get_by_text(re.compile("内容已(保存|发布)")).first.wait_for(timeout=20_000)
    page.wait_for_url("**/entries/**")  # Decap opens the saved entry


def _product_form(page: Any, editing: Editing, pid: str, url: str) -> None:
    page.goto(editing.forms + "#/collections/products/new")
    _fill(page, "id", pid)
    _fill(page, "name", "云岭核桃")
    _fill(page, "summary", "漾濞县山上的老品种核桃，合作社统一收购晾晒。")
    _fill(page, "province", "云南省")
    _fill(page, "county", "漾濞县")
    _fill(page, "producer", "漾濞核桃专业合作社")
    _choose(page, "category", "坚果干货")
    _fill(page, "amount", "58.00")
    _fill(page, "unit", "2 kg 袋")
    _choose(page, "campaigns", "测试活动")
    page.get_by_role("button", name="新增购买渠道").click()
    _choose(page, "channel", "京东")
    _fill(page, "url", url)


def test_an_editor_adds_a_product_with_its_story_and_picture(forms: Any, editing: Editing, tmp_path: Path) -> None:
    page, repo = forms, editing.repo
    picture = tmp_path / "walnut.jpg"
    Image.new("RGB", (120, 90), (140, 100, 60)).save(picture, quality=85)
    _product_form(page, editing, "yangbi-walnut", "https://item.jd.com/100009876543.html")
    page.get_by_role("button", name="新增图片").click()
    page.get_by_role("button", name="选择图片").click()
    page.locator("input[type=file]").first.set_input_files(str(picture))
    page.get_by_role("button", name="选用已选中项目").click()
    _shot(page, "admin-product-form.png")
    _publish(page)
    _saved(page)
    assert (repo / "products/yangbi-walnut.yml").is_file()
    assert (repo / "content/images/walnut.jpg").read_bytes() == picture.read_bytes()

    page.goto(editing.forms + "#/collections/stories/new")
    _choose(page, "product", "云岭核桃")
    page.locator("[data-slate-editor=true]").first.click()
    page.keyboard.type("核桃树长在漾濞县的山坡上，合作社的社员秋天打下核桃，晾晒后统一收购。")
    _shot(page, "admin-story-form.png")
    _publish(page)
    _saved(page)
    story = (repo / "content/stories/yangbi-walnut.md").read_text(encoding="utf-8")
    assert story.startswith("核桃树长在漾濞县的山坡上") and "---" not in story

    record = (repo / "products/yangbi-walnut.yml").read_text(encoding="utf-8")
    assert "images/walnut.jpg" in record and "id:" not in record and "town" not in record
    checked = subprocess.run([sys.executable, str(ROOT / "build.py"), "check", "--config-file", str(repo / "mkdocs.yml")],
                             capture_output=True, text=True, cwd=repo, timeout=120)
    assert checked.returncode == 0, checked.stderr
    assert "2 products" in checked.stdout
    _git(repo, "add", "-A")
    assert set(_git(repo, "status", "--porcelain").split()) == {
        "A", "products/yangbi-walnut.yml", "content/stories/yangbi-walnut.md", "content/images/walnut.jpg"}

    # The preview rebuilds by itself: the new product's page, with its story and QR codes.
    html = _preview(editing, "products/yangbi-walnut/", "核桃树长在漾濞县")
    codes = [text for svg in inline_svgs(html) for text in decode_svg(svg)]
    assert editing.preview + "go/yangbi-walnut/jd/" in codes, codes
    page.goto(editing.preview + "products/yangbi-walnut/")
    _shot(page, "admin-preview.png")


def _preview(editing: Editing, path: str, expect: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    html = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(editing.preview + path, timeout=5) as response:
                html = response.read().decode("utf-8")
            if expect in html:
                return html
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"the preview never showed {expect!r} at {path}")


def test_editing_a_price_changes_only_that_line(forms: Any, editing: Editing) -> None:
    page, repo = forms, editing.repo
    page.goto(editing.forms + "#/collections/products/entries/test-orange")
    amount = page.locator("input[id^='amount-field-']").first
    amount.wait_for()
    assert amount.input_value() == "39.90"
    _fill(page, "amount", "42.50")
    _publish(page)
    _saved(page)
    numstat = _git(repo, "diff", "--numstat", "--", "products")
    assert numstat.strip() == "1\t1\tproducts/test-orange.yml", numstat
    diff = _git(repo, "diff", "-U0", "--", "products/test-orange.yml")
    assert '-price: {amount: "39.90", currency: CNY, unit: 5 kg 箱}' in diff
    assert '+price: {amount: "42.50", currency: CNY, unit: 5 kg 箱}' in diff


def test_a_link_on_the_wrong_domain_cannot_be_saved(forms: Any, editing: Editing) -> None:
    page, repo = forms, editing.repo
    # Not on any channel's domain: the form itself says so.
    _product_form(page, editing, "bad-link", "https://item.jd.com.example.net/1.html")
    _publish(page)
    page.get_by_text("在这些网站之一").first.wait_for()
    _shot(page, "admin-wrong-domain.png")
    assert not (repo / "products/bad-link.yml").exists()
    # On another channel's domain: the form cannot tell, the save is refused in check's words.
    _fill(page, "url", "https://item.taobao.com/item.htm?id=1")
    _publish(page)
    page.get_by_text("purchase[0].url").first.wait_for(timeout=20_000)
    _shot(page, "admin-refused.png")
    assert page.get_by_text('a link on jd.com or 3.cn (channel "jd")').count() > 0
    assert not (repo / "products/bad-link.yml").exists()


def test_a_missing_required_field_cannot_be_saved(forms: Any, editing: Editing) -> None:
    page, repo = forms, editing.repo
    before = sorted((repo / "products").iterdir())
    _product_form(page, editing, "no-producer", "https://item.jd.com/1.html")
    _fill(page, "producer", "")
    _publish(page)
    page.get_by_text("你漏掉了一个必填项").first.wait_for()
    assert not (repo / "products/no-producer.yml").exists()
    # The id is not part of the record (so not "required" there), but a new record needs one.
    _fill(page, "producer", "漾濞核桃专业合作社")
    _fill(page, "id", "")
    _publish(page)
    page.get_by_text("请先填写“产品编号”").first.wait_for()
    assert sorted((repo / "products").iterdir()) == before


def test_the_published_forms_ask_to_log_in_to_the_forge(browser: Any, tmp_path: Path) -> None:
    site = TinySite(tmp_path / "repo").with_basics()
    site.write("mkdocs.yml", (site.path / "mkdocs.yml").read_text(encoding="utf-8") + ADMIN)
    assert site.build().code == 0
    handler = functools.partial(_Quiet, directory=str(site.path / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context, page, watch = _watched(browser)
    try:
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/admin/")
        page.get_by_role("button", name="使用 GitHub 登录").wait_for()
        _shot(page, "admin-login-github.png")
    finally:
        context.close()
        server.shutdown()
        server.server_close()
    assert watch.foreign == [] and watch.violations == []


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass
