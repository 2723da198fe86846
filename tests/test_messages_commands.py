"""The command line in the editors' language: one mistake of each kind the commands report
(harvest/cli.py, build.py, harvest/commands/), read in Chinese as an editor reads it.

The commands run as an editor runs them, in a process of their own with HARVEST_LANG=zh_CN
(the language is chosen once per process, and click's help texts when cli.py is imported);
the forms' backend runs in this process, inside `use_language("zh_CN")`.
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from harvest.commands.edit_backend import Refused, Workspace
from harvest.i18n import use_language
from tests.sitekit import PRODUCT, ROOT, Result, TinySite, swap

CJK = re.compile(r"[\u4e00-\u9fff]")
LEDGER = ("seq,date,type,product,channel,quantity,unit,orders,amount,currency,party,reference,note\n"
          "1,2019-02-20,donation,,,,,,3000.00,CNY,测试协会,R-001,首笔捐赠\n"
          "2,2019-02-21,donation,,,,,,500.00,CNY,匿名,R-002,\n")
GIT_ENV = {"GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
           "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@example.org"}


@pytest.fixture(autouse=True)
def chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command this test starts speaks as to an editor: in Chinese."""
    monkeypatch.setenv("HARVEST_LANG", "zh_CN")


def _problem_shape(text: str) -> None:
    assert all(label in text for label in ("应为：", "实际：", "怎样改：")), text


def test_a_command_typed_wrong_is_answered_in_chinese(tiny: TinySite) -> None:
    """Click's own texts: an unknown command (with a "did you mean"), a missing argument."""
    typo = tiny.run_plain("chek")
    assert typo.code == 2
    assert "没有 'chek' 这个命令" in typo.err and "你是不是想写 'check'" in typo.err
    assert "用法：" in typo.err and "运行 'build.py --help' 查看说明" in typo.err and "Usage" not in typo.err
    missing = tiny.run_plain("seal")
    assert missing.code == 2 and "错误：缺少参数 'CAMPAIGN_ID'" in missing.err, missing.err


def test_every_help_page_is_in_chinese_with_its_examples() -> None:
    script = """
import click
from harvest.cli import cli

def pages(group, path):
    for name, command in sorted(group.commands.items()):
        yield [*path, name]
        if isinstance(command, click.Group):
            yield from pages(command, [*path, name])

runner = click.testing.CliRunner()
for path in [[], *pages(cli, [])]:
    print("=== " + " ".join(path))
    print(runner.invoke(cli, [*path, "--help"], prog_name="build.py").output)
"""
    done = subprocess.run([sys.executable, "-c", "import click.testing\n" + script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "HARVEST_LANG": "zh_CN"})
    assert done.returncode == 0, done.stderr
    pages = dict(page.split("\n", 1) for page in done.stdout.split("=== ")[1:])
    assert {"", "build", "check", "import", "seal", "diff", "new product", "witness cosign"} <= set(pages)
    for name, page in pages.items():
        assert "用法：" in page and "选项：" in page and "显示这段说明，然后退出。" in page, name
        assert "例子：" in page, f"build.py {name} --help has no example"
        assert not re.search(r"\b(Usage|Options|Commands|Examples?|Show this message)\b", page), name
    assert "命令：" in pages[""] and "检查所有记录、故事和账本" in pages[""]
    assert "[默认：(mkdocs.yml)]" in pages["check"]
    # Chinese text is wrapped by terminal columns (two per character): no line of it is wider than 80
    # (the examples are commands, kept whole on their lines as in English).
    wide = [line for page in pages.values() for line in page.splitlines()
            if len(line) + len(CJK.findall(line)) > 80 and not line.strip().startswith("python build.py")]
    assert wide == []


def test_a_site_with_a_mistake_is_refused_in_chinese(tiny: TinySite) -> None:
    """A Problem: file, line, field, the three labels, and what became of the work."""
    tiny.with_basics()
    tiny.write("products/test-orange.yml", swap("producer: 测试合作社\n", "", PRODUCT))
    checked = tiny.run("check")
    assert checked.code == 1
    assert "products/test-orange.yml" in checked.err and "字段「" in checked.err
    _problem_shape(checked.err)
    assert checked.err.rstrip().endswith("发现 1 个问题；什么也没有生成。"), checked.err
    sealed = tiny.run("seal", "test-campaign")
    assert sealed.code == 1 and sealed.err.rstrip().endswith("发现 1 个问题；什么也没有改动。"), sealed.err


def test_a_campaign_or_ledger_that_is_not_there(tiny: TinySite) -> None:
    tiny.with_basics()
    unknown = tiny.run("seal", "test-campaing")
    assert unknown.code == 1
    assert '没有「test-campaing」这个活动：' in unknown.err and "test-campaign" in unknown.err
    assert "请检查 id，或者先新建 campaigns/test-campaing.yml" in unknown.err
    no_ledger = tiny.run("seal", "test-campaign")
    assert no_ledger.code == 1
    assert "活动「test-campaign」还没有账本 ledgers/test-campaign.csv：请先导入一个" in no_ledger.err


def test_a_wrong_value_for_an_option(tiny: TinySite) -> None:
    tiny.with_basics().write("ledgers/test-campaign.csv", LEDGER)
    date = tiny.run("seal", "test-campaign", "--date", "2026-13-01")
    assert date.code == 1 and date.err.strip() == "--date 要写成 YYYY-MM-DD 格式的日期，例如 2026-01-31，而不是「2026-13-01」。"
    folder = tiny.run("build", "--site-dir", str(tiny.path / "content"))
    assert folder.code == 1 and "生成的网站会替换掉整个文件夹，所以它必须是一个单独的文件夹" in folder.err
    far = tiny.run("edit", "--cms-addr", "10.0.0.1:8081")
    assert far.code == 2 and "错误：--cms-addr 的值不对：'10.0.0.1:8081'：只能用这台电脑上的地址，例如 127.0.0.1:8000" in far.err
    sealed = tiny.run("seal", "test-campaign", "--date", "2019-02-22")
    assert sealed.code == 0 and "已封存 ledgers/test-campaign.csv 的前 2 个条目" in sealed.out
    again = tiny.run("seal", "test-campaign")
    assert again.code == 0 and "不需要封存：上一次封存已经包括了全部 2 个条目。" in again.out


def test_new_records_are_commented_in_chinese(tiny: TinySite) -> None:
    tiny.with_basics()
    made = tiny.run("new", "product", "new-thing")
    assert made.code == 0 and "已写入 products/new-thing.yml" in made.out and "请填写各个字段" in made.out
    record = (tiny.path / "products/new-thing.yml").read_text(encoding="utf-8")
    assert "name: 新产品名称                      # 必填：产品名称\n" in record
    assert "# 一条产品记录。以 # 开头的行是说明；用不上的可以删掉。" in record
    comments = [line.split("# ", 1)[1] for line in record.splitlines()[1:] if "# " in line]
    assert comments and not [c for c in comments if not CJK.search(c)], comments
    assert "这里写产品的故事" in (tiny.path / "content/stories/new-thing.md").read_text(encoding="utf-8")
    assert tiny.run("check").code == 0
    taken = tiny.run("new", "product", "new-thing")
    assert taken.code == 1 and "products/new-thing.yml 已经存在；请换一个 id，或者直接编辑那个文件。" in taken.err
    bad = tiny.run("new", "campaign", "Bad_Id")
    assert bad.code == 2 and "'Bad_Id' 不是合格的 id：只能用小写字母、数字和单个短横线" in bad.err


def _git(path: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=path, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def test_the_change_report_is_in_chinese(tiny: TinySite) -> None:
    tiny.with_basics().write("ledgers/test-campaign.csv", LEDGER)
    _git(tiny.path, "init", "-q", "-b", "main")
    _git(tiny.path, "add", "-A")
    _git(tiny.path, "commit", "-q", "-m", "start")
    unknown = tiny.run("diff", "nope")
    assert unknown.code == 1 and 'git 里没有叫「nope」的提交。请用分支、标签或某次提交' in unknown.err
    tiny.write("ledgers/test-campaign.csv", LEDGER + "3,2019-02-22,donation,,,,,,100.00,CNY,匿名,R-003,\n")
    appended = tiny.run("diff", "HEAD")
    assert appended.code == 0, appended.err
    assert appended.out.startswith("## 这次改动给公开的网站带来的变化\n")
    assert "与 `HEAD` 相比：账本 test-campaign：追加 1 个条目" in appended.out
    assert "追加了 1 个条目（序号 3）：1 笔捐赠。" in appended.out and "| CNY | 之前 | 之后 | 变化 |" in appended.out
    assert "没有动到已封存的条目" in appended.out
    tiny.write("ledgers/test-campaign.csv", LEDGER.replace("500.00", "50.00"))
    rewritten = tiny.run("diff", "HEAD")
    assert "**账本 `test-campaign` 的历史被改写了**：序号 2 被改动。" in rewritten.out, rewritten.out
    assert "- 原来：`2,2019-02-21,donation" in rewritten.out


def test_the_forms_refuse_in_chinese(tiny: TinySite) -> None:
    tiny.with_basics()
    extra = yaml.safe_load((tiny.path / "mkdocs.yml").read_text(encoding="utf-8"))["extra"]
    workspace = Workspace(tiny.path, "content", extra, log=lambda line: None)
    not_a_picture = base64.b64encode(b"<svg onload=alert(1)>").decode()
    with use_language("zh_CN"):
        with pytest.raises(Refused, match="content/images/a.png：不是能打开的 JPEG、PNG 或 WebP 图片"):
            workspace.handle("persistMedia", {"asset": {"path": "content/images/a.png", "content": not_a_picture,
                                                        "encoding": "base64"}})
        with pytest.raises(Refused, match="表单只能编辑 products/、campaigns/"):
            workspace.handle("getEntry", {"path": "ledgers/test-campaign.csv"})
        raw = PRODUCT.replace("https://item.jd.com/100001234567.html", "https://evil.example/x")
        with pytest.raises(Refused) as refused:
            workspace.handle("persistEntry", {"entry": {"path": "products/test-orange.yml", "raw": raw}})
    said = str(refused.value)
    assert "products/test-orange.yml，第 " in said and said.endswith("发现 1 个问题；什么也没有保存。")
    _problem_shape(said)


def test_witness_and_verify_speak_chinese(tiny: TinySite) -> None:
    key = tiny.write("witness.key", "already here\n")
    kept = tiny.run_plain("witness", "keygen", "witness.example.edu", "--out", str(key))
    assert kept.code == 1 and "witness.key 已经存在；见证方密钥永远不会被覆盖。请换一个文件。" in kept.err
    (tiny.path / "empty").mkdir()
    verified = tiny.run_plain("verify", "empty")
    assert verified.code == 1 and verified.err.startswith("未通过核验："), verified.err


def test_build_py_outside_the_virtual_environment_in_chinese() -> None:
    done = subprocess.run([sys.executable, "-S", "build.py", "check"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, env={**os.environ, "HARVEST_LANG": "zh_CN"})
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1
    assert done.stderr.startswith("缺少 Python 库 ") and "请先运行一次 make site，再用 .venv/bin/python build.py" in done.stderr


def test_english_when_the_locale_asks(tiny: TinySite, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HARVEST_LANG")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    result: Result = tiny.run_plain("seal")
    assert result.code == 2 and "Error: Missing argument 'CAMPAIGN_ID'." in result.err and not CJK.search(result.err)


def test_what_mkdocs_says_while_previewing_is_told_in_chinese() -> None:
    from harvest.cli import _mkdocs_says

    with use_language("zh_CN"):
        assert _mkdocs_says("[06:17:43] Serving on http://127.0.0.1:8000/") == (
            "[06:17:43] 预览地址：http://127.0.0.1:8000/（用浏览器打开；按 Ctrl+C 停止）")
        assert _mkdocs_says("Documentation built in 7.09 seconds") == "网站生成好了，用了 7.09 秒。"
        assert _mkdocs_says("Some other line MkDocs writes") == "Some other line MkDocs writes"
