"""Every message an editor reads exists in Simplified Chinese (the default) and in English.

The code writes each message in English inside `_()` (harvest/i18n.py); the catalogs in
harvest/locale/ translate it; tools/messages.py keeps them in step (`make messages`).
"""

from __future__ import annotations

import ast
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo

from harvest.i18n import _, language, use_language
from harvest.problems import Problem, report
from tools import messages

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_message_has_a_chinese_and_an_english_text() -> None:
    assert messages.missing() == [], "run `make messages`, then translate the empty msgstr lines"


@pytest.mark.parametrize("lang", messages.LANGUAGES)
def test_translations_keep_every_placeholder(lang: str) -> None:
    wrong = [m.id for m in messages.joined(lang)
             if m.id and sorted(PLACEHOLDER.findall(m.id)) != sorted(PLACEHOLDER.findall(str(m.string)))]
    assert wrong == []


def test_chinese_texts_are_chinese() -> None:
    """A msgstr copied from English is no translation (unless the message holds no words)."""
    untranslated = [m.id for m in messages.joined("zh_CN")
                    if m.id and re.search(r"[A-Za-z]{3}", PLACEHOLDER.sub("", m.id).replace("`", ""))
                    and not CJK.search(str(m.string))]
    assert untranslated == []


@pytest.mark.parametrize("lang", messages.LANGUAGES)
def test_compiled_catalogs_are_up_to_date(lang: str) -> None:
    buffer = io.BytesIO()
    write_mo(buffer, messages.joined(lang), use_fuzzy=False)
    compiled = messages.LOCALE / lang / "LC_MESSAGES" / "harvest.mo"
    assert compiled.read_bytes() == buffer.getvalue(), "run `python tools/messages.py compile`"


def _calls(tree: ast.AST, names: set[str]):  # type: ignore[no-untyped-def]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name in names:
                yield node


@pytest.mark.parametrize("part", ["core", "load", "ledger", "proofs", "render", "commands"])
def test_messages_are_plain_strings_in_the_code(part: str) -> None:
    """`_()` takes one literal (an f-string cannot be looked up), and no Problem is built from
    text that skips the catalog."""
    bad = []
    for path in (p for p in messages.sources() if messages.part_of(p) == part):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(ROOT)
        for call in _calls(tree, {"_", "N_"}):
            arg = call.args[0] if len(call.args) == 1 else None
            literal = isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            # _(CONSTANT) translates a text marked where it was written: CONSTANT = N_("...")
            marked = isinstance(call.func, ast.Name) and call.func.id == "_" and isinstance(arg, ast.Name) and arg.id.isupper()
            if not (literal or marked):
                bad.append(f"{where}:{call.lineno}: _() of something other than one string literal")
        for call in _calls(tree, {"Problem"}):
            texts = call.args[3:6] + [k.value for k in call.keywords if k.arg in {"expected", "got", "fix"}]
            for arg in texts:
                if isinstance(arg, ast.JoinedStr) or (isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                                                      and re.search(r"[A-Za-z]{3}", arg.value)):
                    bad.append(f"{where}:{call.lineno}: Problem text not wrapped in _()")
    assert bad == []


def test_chinese_is_the_default_and_english_is_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HARVEST_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    assert language() == "zh_CN"
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert language() == "zh_CN"
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert language() == "en"
    monkeypatch.setenv("HARVEST_LANG", "zh_CN")
    assert language() == "zh_CN"


def test_a_problem_keeps_its_shape_in_both_languages() -> None:
    problem = Problem("products/x.yml", 4, "producer", "who grew it", '"A"', "write the name")
    with use_language("zh_CN"):
        text = report([problem])
        assert "products/x.yml，第 4 行，字段「producer」：" in text
        assert all(label in text for label in ("应为：", "实际：", "怎样改："))
        assert "发现 1 个问题" in text and "site/" in text
    with use_language("en"):
        text = report([problem])
        assert 'products/x.yml, line 4: field "producer"' in text and "how to fix:" in text


def test_the_command_line_speaks_chinese_by_default() -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(ROOT)}
    out = subprocess.run([sys.executable, "build.py", "--help"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and CJK.search(out.stdout), out.stdout + out.stderr
    assert "Usage:" not in out.stdout and "用法" in out.stdout
    english = subprocess.run([sys.executable, "build.py", "--help"], cwd=ROOT, env={**env, "LANG": "en_US.UTF-8"},
                             capture_output=True, text=True, timeout=120)
    assert "Usage:" in english.stdout and not CJK.search(english.stdout.split("Examples")[0]), english.stdout


def test_chinese_translation_of_a_word() -> None:
    with use_language("zh_CN"):
        assert _("nothing") != "nothing"


@pytest.mark.parametrize("lang", messages.LANGUAGES)
def test_a_message_used_in_two_parts_reads_the_same_in_both(lang: str) -> None:
    seen: dict[str, tuple[str, str]] = {}
    differ = []
    for path in sorted((messages.LOCALE / lang).glob("*.po")):
        for m in messages.read(lang, path.stem):
            if m.id and m.string:
                first = seen.setdefault(str(m.id), (path.stem, str(m.string)))
                if first[1] != m.string:
                    differ.append(f"{m.id!r}: {first[0]} says {first[1]!r}, {path.stem} says {m.string!r}")
    assert differ == []
