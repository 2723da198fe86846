"""Tiny sites written into a temporary folder, built with the project's own command line."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CONFIG = f"""\
site_name: Test site
site_url: https://harvest.example.org/sub/
docs_dir: content
theme:
  name: material
  custom_dir: {ROOT / "theme"}
  language: zh
  font: false
plugins:
  - search:
      separator: '[\\s\\u200b\\-]'
hooks: [{ROOT / "hooks" / "harvest.py"}]
extra_css: [assets/stylesheets/harvest.css]
extra:
  channels:
    jd: {{label: 京东, domains: [jd.com, 3.cn]}}
    taobao: {{label: 淘宝, domains: [taobao.com, tmall.com, tb.cn]}}
    pinduoduo: {{label: 拼多多, domains: [pinduoduo.com, yangkeduo.com]}}
    douyin: {{label: 抖音小店, domains: [jinritemai.com, douyin.com]}}
"""

PRODUCT = """\
name: 测试脐橙
summary: 一个测试用的产品。
origin: {province: 湖南省, county: 保靖县}
producer: 测试合作社
category: fruit
price: {amount: "39.90", currency: CNY, unit: 5 kg 箱}
verified: {by: 测试小组, on: 2019-02-12, note: 实地走访}
campaigns: [test-campaign]
purchase:
  - channel: jd
    url: https://item.jd.com/100001234567.html
  - channel: pinduoduo
    url: https://mobile.yangkeduo.com/goods.html?goods_id=1234
"""

CAMPAIGN = """\
name: 测试活动
summary: 一个测试用的活动。
organizer: 测试县商务局
start: 2019-02-20
end: 2019-02-22
goals:
  sales_amount: {amount: "1000.00", currency: CNY}
"""


@dataclass
class Result:
    code: int
    out: str
    err: str


class TinySite:
    """A site repository in a temporary folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        (path / "content" / "stories").mkdir(parents=True)
        (path / "products").mkdir()
        (path / "campaigns").mkdir()
        (path / "ledgers").mkdir()
        self.write("mkdocs.yml", CONFIG)
        self.write("content/index.md", "# 首页\n")

    def write(self, rel: str, text: str | bytes) -> Path:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(textwrap.dedent(text), encoding="utf-8")
        return target

    def with_basics(self) -> TinySite:
        self.write("products/test-orange.yml", PRODUCT)
        self.write("campaigns/test-campaign.yml", CAMPAIGN)
        self.write("content/stories/test-orange.md", "果园在山上。\n")
        return self

    def run(self, *args: str) -> Result:
        proc = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), *args, "--config-file", str(self.path / "mkdocs.yml")],
            capture_output=True,
            text=True,
            cwd=self.path,
            timeout=300,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    def run_plain(self, *args: str) -> Result:
        """build.py with exactly these arguments (for commands without --config-file)."""
        proc = subprocess.run([sys.executable, str(ROOT / "build.py"), *args], capture_output=True, text=True,
                              cwd=self.path, timeout=300)
        return Result(proc.returncode, proc.stdout, proc.stderr)

    def build(self) -> Result:
        return self.run("build")

    def read(self, rel: str) -> str:
        return (self.path / "site" / rel).read_text(encoding="utf-8")


def large_ledger(entries: int = 10_000) -> bytes:
    """A valid ledger of test-campaign (donations only) of more than 1 MB for 10,000 entries:
    large enough that the build publishes its files in a worker process."""
    note = "测试" * 15
    rows = [f"{seq},2019-02-20,donation,,,,,,1.00,CNY,匿名,R-{seq},{note}\n" for seq in range(1, entries + 1)]
    return ("seq,date,type,product,channel,quantity,unit,orders,amount,currency,party,reference,note\n"
            + "".join(rows)).encode()


def swap(old: str, new: str, text: str = PRODUCT) -> str:
    """`text` (the test product by default) with `old` written as `new`, once; `old` must be there."""
    assert old in text, old
    return text.replace(old, new, 1)
