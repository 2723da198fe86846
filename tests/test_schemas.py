"""The JSON Schemas editors' tools use agree with the build: same records pass, same records fail.

Every example record passes `check-jsonschema`; every bad record the schema can express is
refused by both `check-jsonschema` and `build.py check`, each naming the file and the field.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from harvest.commands.scaffold import campaign_record, product_record
from harvest.load.schemas import schema_texts
from tests.sitekit import CAMPAIGN, PRODUCT, ROOT, TinySite

CHECK_JSONSCHEMA = ROOT / ".venv" / "bin" / "check-jsonschema"
PRODUCT_SCHEMA = ROOT / "schemas" / "product.schema.json"
CAMPAIGN_SCHEMA = ROOT / "schemas" / "campaign.schema.json"


def _swap(text: str, old: str, new: str) -> str:
    assert old in text, f"{old!r} is not in the base record"
    return text.replace(old, new, 1)


# name -> (kind, record text, field the schema names, field build.py check names)
BAD: dict[str, tuple[str, str, str, str]] = {
    "missing-field": ("product", _swap(PRODUCT, "producer: 测试合作社\n", ""), "$", '"producer"'),
    "unknown-key": ("product", PRODUCT + "colour: orange\n", "$", '"colour"'),
    "nested-unknown-key": (
        "product",
        _swap(PRODUCT, "county: 保靖县}", "county: 保靖县, city: 吉首市}"),
        "$.origin",
        '"origin.city"',
    ),
    "bad-slug": ("product", _swap(PRODUCT, "[test-campaign]", "[Test_Campaign]"), "$.campaigns[0]", "campaigns[0]"),
    "bad-channel-slug": ("product", _swap(PRODUCT, "channel: jd", "channel: JD Mall"), "$.purchase[0].channel",
                         "purchase[0].channel"),
    "long-summary": ("product", _swap(PRODUCT, "一个测试用的产品。", "长" * 201), "$.summary", '"summary"'),
    "bad-date": ("product", _swap(PRODUCT, "on: 2019-02-12", "on: 2019-2-12"), "$.verified.on", '"verified.on"'),
    "markup-in-name": ("product", _swap(PRODUCT, "name: 测试脐橙", "name: <b>测试脐橙</b>"), "$.name", '"name"'),
    "bad-gtin": ("product", PRODUCT + 'gtin: "12345"\n', "$.gtin", '"gtin"'),
    "gtin-not-text": ("product", PRODUCT + "gtin: 6901234567892\n", "$.gtin", '"gtin"'),
    "no-purchase": (
        "product",
        PRODUCT.split("purchase:")[0] + "purchase: []\n",
        "$.purchase",
        '"purchase"',
    ),
    "origin-not-a-group": ("product", _swap(PRODUCT, "origin: {province: 湖南省, county: 保靖县}", "origin: 湖南省"),
                           "$.origin", '"origin"'),
    "lowercase-currency": ("product", _swap(PRODUCT, "currency: CNY", "currency: cny"), "$.price.currency",
                           '"price.currency"'),
    "negative-price": ("product", _swap(PRODUCT, 'amount: "39.90"', "amount: -39.9"), "$.price.amount",
                       '"price.amount"'),
    "campaign-missing-start": ("campaign", _swap(CAMPAIGN, "start: 2019-02-20\n", ""), "$", '"start"'),
    "campaign-unknown-key": ("campaign", CAMPAIGN + "budget: 100\n", "$", '"budget"'),
    "campaign-bad-end": ("campaign", _swap(CAMPAIGN, "end: 2019-02-22", "end: 22/02/2019"), "$.end", '"end"'),
    "campaign-markup-partner": ("campaign", CAMPAIGN + "partners: [<script>x</script>]\n", "$.partners[0]",
                                '"partners[0]"'),
    "campaign-bad-goal-key": (
        "campaign",
        _swap(CAMPAIGN, "sales_amount:", "sales_amnt:"),
        "$.goals",
        '"goals.sales_amnt"',
    ),
}


def _schema_errors(schema: Path, files: list[Path]) -> dict[str, list[str]]:
    """File name -> the paths check-jsonschema names (at every depth it reports)."""
    done = subprocess.run(
        [str(CHECK_JSONSCHEMA), "-o", "JSON", "--schemafile", str(schema), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    result = json.loads(done.stdout)
    assert not result.get("parse_errors"), result["parse_errors"]
    found: dict[str, list[str]] = {}
    for err in result.get("errors", []):
        paths = [err["path"], err.get("best_match", {}).get("path"), err.get("best_deep_match", {}).get("path")]
        found.setdefault(Path(err["filename"]).name, []).extend(p for p in paths if p)
    assert (done.returncode != 0) == bool(found), done.stdout + done.stderr
    return found


def test_committed_schemas_are_up_to_date() -> None:
    for rel, text in schema_texts().items():
        assert (ROOT / rel).read_text(encoding="utf-8") == text, f"{rel} is stale: run python build.py schemas"


def test_schemas_check_command_notices_a_stale_file(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "build.py"), "schemas", "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "up to date" in done.stdout


def test_every_example_record_passes_its_schema() -> None:
    products = sorted((ROOT / "products").glob("*.yml"))
    campaigns = sorted((ROOT / "campaigns").glob("*.yml"))
    assert products and campaigns
    assert _schema_errors(PRODUCT_SCHEMA, products) == {}
    assert _schema_errors(CAMPAIGN_SCHEMA, campaigns) == {}


def test_new_records_point_at_their_schema_and_pass_it(tmp_path: Path) -> None:
    for kind, text, schema in (
        ("products", product_record("new-thing"), PRODUCT_SCHEMA),
        ("campaigns", campaign_record("new-thing"), CAMPAIGN_SCHEMA),
    ):
        first = text.splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match, first
        # The modeline is relative to the record's folder, products/ or campaigns/.
        assert (ROOT / kind / match.group(1)).resolve() == schema
        record = tmp_path / kind / "new-thing.yml"
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(text, encoding="utf-8")
        assert _schema_errors(schema, [record]) == {}


def test_the_site_publishes_the_schemas(tiny: TinySite) -> None:
    tiny.with_basics()
    result = tiny.build()
    assert result.code == 0, result.err
    for rel, text in schema_texts().items():
        assert tiny.read(rel) == text


@pytest.fixture(scope="module")
def refused(tmp_path_factory: pytest.TempPathFactory) -> tuple[TinySite, dict[str, list[str]], str]:
    """A tiny site holding the good records and every bad one; what each checker said."""
    site = TinySite(tmp_path_factory.mktemp("bad") / "repo").with_basics()
    files: dict[str, list[Path]] = {"product": [], "campaign": []}
    for name, (kind, text, _, _) in BAD.items():
        files[kind].append(site.write(f"{kind}s/{name}.yml", text))
    good = [site.path / "products" / "test-orange.yml", site.path / "campaigns" / "test-campaign.yml"]
    schema_said = _schema_errors(PRODUCT_SCHEMA, [*files["product"], good[0]])
    schema_said.update(_schema_errors(CAMPAIGN_SCHEMA, [*files["campaign"], good[1]]))
    result = site.run("check")
    assert result.code == 1, result.out
    assert "Traceback" not in result.err
    return site, schema_said, result.err


def test_the_good_records_pass_both(refused: tuple[TinySite, dict[str, list[str]], str]) -> None:
    _, schema_said, build_said = refused
    assert "test-orange.yml" not in schema_said and "test-campaign.yml" not in schema_said
    assert "test-orange.yml" not in build_said and "test-campaign.yml" not in build_said


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_record_is_refused_by_schema_and_build(
    name: str, refused: tuple[TinySite, dict[str, list[str]], str]
) -> None:
    _, schema_said, build_said = refused
    kind, _, schema_field, build_field = BAD[name]
    assert name + ".yml" in schema_said, f"the schema let {name} through"
    assert schema_field in schema_said[name + ".yml"], schema_said[name + ".yml"]
    blocks = [b for b in build_said.split(f"{kind}s/{name}.yml")[1:]]
    assert blocks, f"build.py check let {name} through:\n{build_said}"
    heads = [b.split("\n", 1)[0] for b in blocks]
    assert any(build_field in head for head in heads), heads
