"""What the site's loader, the build and the preview tell an editor, read in Chinese (the default):
one mistake of each kind that harvest/site.py, harvest/hook.py, harvest/render/ and
harvest/publish/ report, with the file, the field and the labels 应为 / 实际 / 怎样改."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError

from harvest import hook
from harvest.i18n import use_language
from harvest.problems import Problem, ProblemsFound, report
from harvest.render import csp, images, problems_page
from harvest.site import load_site
from tests.sitekit import ROOT, TinySite
from tests.test_preview import _failing, _Server

LABELS = ("应为：", "实际：", "怎样改：")


def _load(tiny: TinySite, site_url: str | None = "https://harvest.example.org/sub/",
          environ: dict[str, str] | None = None, docs_dir: Path | None = None) -> str:
    """Every problem the loader finds in `tiny`, as the editor reads them in Chinese."""
    with use_language("zh_CN"):
        site, problems = load_site(tiny.path, docs_dir or tiny.path / "content", site_url, {}, environ or {})
        assert site is None and problems
        return report(problems)


@pytest.mark.parametrize(("site_url", "expected", "fix"), [
    (None, "应为：网站发布的网址", "在 mkdocs.yml 里写上网站的网址，例如\n      site_url: https://harvest.example.org/"),
    ("harvest example", "应为：一个网址，例如 https://harvest.example.org/", "site_url: https://harvest.example.org/"),
    ("HTTPS://Harvest.Example.org/sub", "应为：按浏览器的写法写出的网址", "请照这样写：\n      site_url: https://harvest.example.org/sub/"),
], ids=["missing", "not-an-address", "not-as-browsers-write-it"])
def test_the_site_address(tiny: TinySite, site_url: str | None, expected: str, fix: str) -> None:
    tiny.with_basics()
    text = _load(tiny, site_url)
    assert "mkdocs.yml，字段「site_url」：" in text and expected in text and fix in text
    assert all(label in text for label in LABELS)
    assert "实际：（空）" in text if site_url is None else f'实际："{site_url}"' in text


def test_a_story_of_no_product_in_the_build_log(tiny: TinySite) -> None:
    """The whole way: `build.py build` prints the problem through MkDocs' log, in Chinese."""
    tiny.with_basics()
    tiny.write("content/stories/no-such.md", "故事\n")
    env = {**os.environ, "HARVEST_LANG": "zh_CN"}
    out = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--config-file", str(tiny.path / "mkdocs.yml")],
                         capture_output=True, text=True, cwd=tiny.path, env=env, timeout=300)
    assert out.returncode == 1
    assert "content/stories/no-such.md：" in out.stderr
    assert "应为：故事文件以 products/ 里某个产品的 id 命名" in out.stderr
    assert "怎样改：把文件名改成某个产品的 id 加 .md（<product-id>.md），或者添加产品记录 products/no-such.yml" in out.stderr
    assert "发现 1 个问题" in out.stderr and "Traceback" not in out.stderr


def test_the_pages_folder_outside_the_repository(tiny: TinySite, tmp_path: Path) -> None:
    tiny.with_basics()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    text = _load(tiny, docs_dir=elsewhere)
    assert "mkdocs.yml，字段「docs_dir」：" in text and "页面文件夹" in text
    assert all(label in text for label in LABELS)


def test_a_malformed_signing_key(tiny: TinySite) -> None:
    tiny.with_basics()
    text = _load(tiny, environ={"HARVEST_SIGNING_KEY": "not-a-key"})
    assert "HARVEST_SIGNING_KEY：" in text
    assert "应为：Ed25519 签名密钥，形如 PRIVATE+KEY+<name>+<hash>+<key>" in text
    assert "实际：格式不对的密钥" in text
    assert "。请用这条命令生成新的密钥：python build.py keygen" in text


def test_a_picture_that_no_longer_opens(tmp_path: Path) -> None:
    docs = tmp_path / "content"
    (docs / "images").mkdir(parents=True)
    (docs / "images" / "orange.jpg").write_bytes(b"not a picture any more")
    with use_language("zh_CN"), pytest.raises(ProblemsFound) as caught:
        list(images.outputs({"images/orange.jpg": images.plan("images/orange.jpg", 1200, 900)}, docs))
    text = str(caught.value)
    assert "content/images/orange.jpg：" in text
    assert "应为：一张能打开的图片" in text and "实际：生成网站时这个文件被改动了，现在打不开" in text
    assert "怎样改：重新生成一次；如果还是这样，请把图片重新另存为 JPEG 格式" in text


def test_a_script_inside_a_page_is_told_as_a_bug() -> None:
    page = SimpleNamespace(file=SimpleNamespace(src_uri="about.md"))
    html = "<html><head><meta charset=\"utf-8\"></head><body>" + csp.mark_content("<script>x()</script>") + "</body></html>"
    from harvest.load.cache import Cache
    from harvest.render.finished import FinishedPages

    config = SimpleNamespace(extra={hook._FINISHED: FinishedPages(Cache(None))})
    with use_language("zh_CN"), pytest.raises(PluginError) as caught:
        hook.on_post_page(html, page, config)  # type: ignore[arg-type]
    assert str(caught.value) == ("about.md：页面正文里有内嵌的 <script> 或 <style>；"
                                 "这是程序的错误（网页清理部分），请报告给开发人员")


def test_the_preview_shows_the_problems_in_chinese(tiny: TinySite, tmp_path: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    tiny.with_basics()
    site_dir = tmp_path / "served"
    site_dir.mkdir()
    config = load_config(str(tiny.path / "mkdocs.yml"), site_dir=str(site_dir))
    server = _Server()
    problems = [Problem("products/a.yml", 4, "producer", "不带电话号码的名字", '"13912345678"', "删掉电话号码"),
                Problem("products/b.yml", None, "", "a", "b", "c")]
    server.builder = _failing(hook._Stopped(problems))
    with use_language("zh_CN"), caplog.at_level(logging.INFO):
        hook.on_serve(server, config, server.builder)  # type: ignore[arg-type]
        server.builder()
    page = (site_dir / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page and "<h1>网站没有更新：发现 2 个问题</h1>" in page
    assert "预览里显示的是这些问题，不是网站。" in page
    assert "<h2>products/a.yml，第 4 行，字段「producer」：</h2>" in page and "<h2>products/b.yml：</h2>" in page
    assert all(f"<dt>{label}</dt>" in page for label in ("应为", "实际", "怎样改"))
    assert "在这些问题改好之前，浏览器里的预览会一直显示它们。" in caplog.text
    with use_language("en"):
        assert "The site was not updated: 1 problem found" in problems_page.page(problems[:1])
