"""`build.py edit`'s local backend: what it reads and writes, what it refuses, and how a record
keeps its layout when only values change."""

from __future__ import annotations

import base64
import http.client
import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image

from harvest.commands.edit_backend import MAX_PICTURE_BYTES, Refused, Workspace, make_server
from harvest.commands.yamlpatch import patch_scalars
from harvest.load.yamlfile import parse_yaml
from tests.sitekit import TinySite

RECORD = """\
# yaml-language-server: $schema=../schemas/product.schema.json
# The county's own note.
name: 测试脐橙   # the name on the box
summary: 一个测试用的产品。
origin: {province: 湖南省, county: 保靖县}
producer: 测试合作社
category: fruit
price: {amount: "39.90", currency: CNY, unit: 5 kg 箱}
verified: {by: 测试小组, on: 2019-02-12}
purchase:
  - channel: jd
    url: https://item.jd.com/100001234567.html
"""


def _data(text: str) -> Any:
    doc, problems = parse_yaml(text, "x")
    assert doc is not None and not problems
    return doc.data


def test_a_changed_value_changes_only_its_own_text() -> None:
    data = _data(RECORD)
    data["price"]["amount"] = "41.00"
    data["name"] = "新名字: 有冒号"
    data["verified"]["on"] = _data("d: 2020-03-04")["d"]
    patched = patch_scalars(RECORD, data)
    assert patched is not None
    changed = [(a, b) for a, b in zip(RECORD.splitlines(), patched.splitlines(), strict=True) if a != b]
    assert changed == [
        ("name: 测试脐橙   # the name on the box", 'name: "新名字: 有冒号"   # the name on the box'),
        ('price: {amount: "39.90", currency: CNY, unit: 5 kg 箱}', 'price: {amount: "41.00", currency: CNY, unit: 5 kg 箱}'),
        ("verified: {by: 测试小组, on: 2019-02-12}", "verified: {by: 测试小组, on: 2020-03-04}"),
    ]
    assert _data(patched) == data


def test_unchanged_record_is_left_byte_for_byte() -> None:
    assert patch_scalars(RECORD, _data(RECORD)) == RECORD


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(season="11月"),  # a new field
        lambda d: d["purchase"].append({"channel": "jd", "url": "https://jd.com/2"}),  # a longer list
        lambda d: d.pop("verified"),  # a field removed
        lambda d: d.update(price="39.90"),  # a group become a value
    ],
)
def test_a_changed_shape_is_not_patched(change: Any) -> None:
    data = _data(RECORD)
    change(data)
    assert patch_scalars(RECORD, data) is None


@pytest.fixture
def workspace(tiny: TinySite) -> Workspace:
    tiny.with_basics()
    tiny.write("products/test-orange.yml", RECORD + "campaigns: [test-campaign]\n")
    extra = yaml.safe_load((tiny.path / "mkdocs.yml").read_text(encoding="utf-8"))["extra"]
    return Workspace(tiny.path, "content", extra, log=lambda line: None)


def _picture(fmt: str = "JPEG", size: tuple[int, int] = (40, 30)) -> str:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 30)).save(out, fmt)
    return base64.b64encode(out.getvalue()).decode("ascii")


@pytest.mark.parametrize(
    "path",
    ["../outside.yml", "/etc/passwd", "ledgers/test-campaign.csv", "mkdocs.yml", "products/../mkdocs.yml",
     "products/Bad_Name.yml", "content/stories/x.txt", "content/images/evil.svg", "products\\x.yml", "harvest/render/admin.py"],
)
def test_only_records_stories_and_pictures_are_reachable(workspace: Workspace, path: str) -> None:
    with pytest.raises(Refused):
        workspace.handle("getEntry", {"path": path})
    with pytest.raises(Refused):
        workspace.handle("persistEntry", {"entry": {"path": path, "raw": "x"}, "assets": []})


def test_symlinks_are_not_followed(workspace: Workspace, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yml").write_text("name: secret\n", encoding="utf-8")
    (workspace.root / "campaigns").rename(workspace.root / "campaigns-real")
    (workspace.root / "campaigns").symlink_to(outside)
    with pytest.raises(Refused, match="symbolic link"):
        workspace.handle("getEntry", {"path": "campaigns/secret.yml"})
    with pytest.raises(Refused, match="symbolic link"):
        workspace.handle("entriesByFolder", {"folder": "campaigns", "extension": "yml", "depth": 1})
    (workspace.root / "products/linked.yml").symlink_to(outside / "secret.yml")
    listed = workspace.handle("entriesByFolder", {"folder": "products", "extension": "yml", "depth": 1})
    assert [e["file"]["path"] for e in listed] == ["products/test-orange.yml"]


def test_pictures_are_checked(workspace: Workspace) -> None:
    ok = workspace.handle("persistMedia", {"asset": {"path": "content/images/a.jpg", "content": _picture(),
                                                      "encoding": "base64"}})
    assert ok["path"] == "content/images/a.jpg" and (workspace.root / "content/images/a.jpg").is_file()
    bad = {
        "content/images/b.jpg": (_picture("PNG"), "PNG picture, but its name ends in .jpg"),
        "content/images/c.png": (base64.b64encode(b"<svg onload=alert(1)>").decode(), "not a JPEG, PNG or WebP"),
        "content/images/d.png": ("A" * (MAX_PICTURE_BYTES * 4 // 3 + 8), "at most 5 MB"),
        "products/e.jpg": (_picture(), "the forms edit only"),
    }
    for path, (content, words) in bad.items():
        with pytest.raises(Refused, match=words):
            workspace.handle("persistMedia", {"asset": {"path": path, "content": content, "encoding": "base64"}})
        assert not (workspace.root / path).exists()


def test_a_save_that_adds_a_problem_is_undone(workspace: Workspace) -> None:
    path = workspace.root / "products/test-orange.yml"
    before = path.read_bytes()
    raw = before.decode().replace("https://item.jd.com/100001234567.html", "https://evil.example/x")
    with pytest.raises(Refused) as refused:
        workspace.handle("persistEntry", {"entry": {"path": "products/test-orange.yml", "raw": raw}, "assets": [
            {"path": "content/images/new.jpg", "content": _picture(), "encoding": "base64"}]})
    assert 'products/test-orange.yml, line 12: field "purchase[0].url"' in str(refused.value)
    assert "nothing was saved" in str(refused.value)
    assert path.read_bytes() == before
    assert not (workspace.root / "content/images/new.jpg").exists()


def test_a_new_record_is_written_without_empty_fields(workspace: Workspace) -> None:
    raw = ("name: 新产品\nsummary: 简介。\norigin: {province: 湖南省, county: 保靖县, town: ''}\nproducer: 社\n"
           "category: fruit\nprice: {amount: '12.50', unit: 箱, currency: ''}\nimages: []\n"
           "purchase: [{channel: jd, url: 'https://item.jd.com/1.html'}]\n")
    workspace.handle("persistEntry", {"entry": {"path": "products/new-one.yml", "raw": raw}, "assets": []})
    text = (workspace.root / "products/new-one.yml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/product.schema.json\n")
    assert "town" not in text and "images" not in text and "currency" not in text
    assert _data(text)["price"] == {"amount": "12.50", "unit": "箱"}


def test_renames_and_deleting_records_are_refused(workspace: Workspace) -> None:
    with pytest.raises(Refused, match="keeps its id"):
        workspace.handle("persistEntry", {"entry": {"path": "products/test-orange.yml", "raw": RECORD,
                                                    "newPath": "products/other.yml"}, "assets": []})
    with pytest.raises(Refused, match="do not delete records"):
        workspace.handle("deleteFiles", {"paths": ["products/test-orange.yml"]})
    assert (workspace.root / "products/test-orange.yml").is_file()


@pytest.fixture
def server(workspace: Workspace) -> Iterator[tuple[str, int]]:
    srv = make_server(workspace, site_url="https://harvest.example.org/sub/", port=0)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv.server_address[0], srv.server_address[1]
    finally:
        srv.shutdown()
        srv.server_close()


def _post(address: tuple[str, int], body: dict[str, Any], **headers: str) -> tuple[int, Any]:
    conn = http.client.HTTPConnection(*address, timeout=10)
    conn.request("POST", "/api/v1", json.dumps(body), {"Content-Type": "application/json", **headers})
    response = conn.getresponse()
    return response.status, json.loads(response.read() or b"null")


def test_the_server_answers_only_its_own_page(server: tuple[str, int]) -> None:
    host, port = server
    assert host == "127.0.0.1"
    info = {"action": "info", "params": {}}
    status, body = _post(server, info, Origin=f"http://127.0.0.1:{port}")
    assert status == 200 and body["publish_modes"] == ["simple"]
    assert _post(server, info, Origin="https://evil.example")[0] == 403
    assert _post(server, info, Host="attacker.example:80")[0] == 403
    conn = http.client.HTTPConnection(host, port, timeout=10)
    conn.request("POST", "/api/v1", json.dumps(info), {"Content-Type": "text/plain"})
    assert conn.getresponse().status == 403
    conn = http.client.HTTPConnection(host, port, timeout=10)
    conn.request("GET", "/admin/config.yml")
    response = conn.getresponse()
    config = yaml.safe_load(response.read())
    assert config["local_backend"]["url"] == f"http://127.0.0.1:{port}/api/v1"
    conn = http.client.HTTPConnection(host, port, timeout=10)
    conn.request("GET", "/admin/", headers={"Host": "localhost.attacker.example"})
    assert conn.getresponse().status == 421
    status, body = _post(server, {"action": "getEntry", "params": {"path": "ledgers/test-campaign.csv"}})
    assert status == 422 and "build.py import" in body["error"]
