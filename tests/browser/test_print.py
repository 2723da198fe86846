"""The label sheet and a poster, printed by Chromium to PDF and read back as pictures.

`pdftoppm` (Debian's poppler-utils) turns each PDF page into a PNG; zxing-cpp reads the QR
codes on it. The label sheet must hold every product once, 21 to an A4 page; a poster is one
A4 page whose code opens its product page.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from tests.browser.conftest import Served, skip_or_fail, visit

A4_POINTS = (595, 842)  # 210 × 297 mm


@pytest.fixture(scope="module")
def pdftoppm() -> str:
    path = shutil.which("pdftoppm")
    if path is None:
        reason = "pdftoppm not found (apt-get install poppler-utils): print tests skipped"
        print(f"\n{reason}")
        skip_or_fail(reason)
    return path


def _print(browser: Any, site: Served, path: str, out: Path) -> None:
    page = browser.new_page()
    try:
        visit(page, site, path)
        page.pdf(path=str(out), prefer_css_page_size=True, print_background=True)
    finally:
        page.close()


def _pages(pdftoppm: str, pdf: Path, dpi: int) -> list[Path]:
    subprocess.run([pdftoppm, "-r", str(dpi), "-png", str(pdf), str(pdf.with_suffix(""))], check=True, timeout=300)
    return sorted(pdf.parent.glob(pdf.stem + "-*.png"))


def _codes(png: Path) -> list[str]:
    with Image.open(png) as im:
        return [r.text for r in zxingcpp.read_barcodes(im.convert("L")) if r.format == zxingcpp.BarcodeFormat.QRCode]


def _page_size(pdf: Path) -> tuple[int, int]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    line = next(x for x in info.splitlines() if x.startswith("Page size:"))
    w, _, h = line.split(":", 1)[1].split()[:3]
    return round(float(w)), round(float(h))


def _keep(pngs: list[Path]) -> None:
    folder = os.environ.get("HARVEST_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for png in pngs:
            shutil.copy(png, Path(folder) / png.name)


def test_label_sheet_prints_every_product_once(site: Served, browser: Any, pdftoppm: str, tmp_path: Path) -> None:
    pdf = tmp_path / "labels.pdf"
    _print(browser, site, "labels/", pdf)
    assert _page_size(pdf) == A4_POINTS
    pngs = _pages(pdftoppm, pdf, 150)
    products = site.expect["products"]
    assert len(pngs) == math.ceil(len(products) / 21)
    found: list[str] = []
    for png in pngs:
        codes = _codes(png)
        assert len(codes) == 21 or png == pngs[-1], f"{png.name}: {len(codes)} labels read"
        found += codes
    base = site.expect["site_url"]
    assert sorted(found) == sorted(f"{base}products/{pid}/" for pid in products)
    _keep(pngs[:1])


def test_poster_is_one_a4_page_with_its_code(site: Served, browser: Any, pdftoppm: str, tmp_path: Path) -> None:
    path = site.page_types()["poster"]
    pid = path.split("/")[1]
    pdf = tmp_path / "poster.pdf"
    _print(browser, site, path, pdf)
    assert _page_size(pdf) == A4_POINTS
    pngs = _pages(pdftoppm, pdf, 100)
    assert len(pngs) == 1, f"the poster takes {len(pngs)} pages"
    assert _codes(pngs[0]) == [f"{site.expect['site_url']}products/{pid}/"]
    with Image.open(pngs[0]) as im:
        ink = im.convert("L").point(lambda v: 255 if v < 128 else 0)
        box = ink.getbbox()  # where anything dark is printed
        # The poster fills the sheet from near the top to below the middle: not half blank.
        assert box is not None and box[1] < ink.height * 0.15 and box[3] > ink.height * 0.7, box
    _keep(pngs)
