"""`make bench`: what the project's build costs, against plain MkDocs + Material.

Not a test (pytest collects test_*.py only): it prints figures and ratios. From the root:

    .venv/bin/python bench/bench.py                   # 100, 1,000 and 10,000 products, 1M-entry ledger
    .venv/bin/python bench/bench.py --quick           # 100 products, 100,000-entry ledger
    .venv/bin/python bench/bench.py --sizes 100,1000 --repeat 3 --no-ledger --profile

1. Products: N synthetic products built by the project (`build.py build`) and the same stories
   built by plain MkDocs + Material as pages kept out of the nav. Wall seconds, CPU seconds and
   peak memory (RSS) of each build, the ratio, and seconds per 1,000 products. Target: ratio at
   most 1.2 and linear growth. Every project build here is cold: its build cache
   (.cache/harvest/) is removed first. When the ratio is above 1.2 (or with --profile) both
   builds are run once more under cProfile and the time is split by where it goes.
   At 1,000 products (--warm-size): the warm rebuild after editing one product's story and
   record, with the cache the cold builds left (target: at most 0.25 of the plain cold build),
   the same through `build.py serve` (from the save to "Reloading browsers"), and the
   cached-versus-clean comparison: the warm build's site against a `--no-cache` build's,
   every file byte for byte.
2. Ledgers: a tiny site built with and without a 1,000,000-entry ledger, cold (no build cache;
   target: at most 4 s added and peak memory under 1 GB), then sealed and built with nothing
   changed, and after 1,000 entries appended (target: at most 1 s more than nothing changed);
   the cached site compared file by file with a clean build (HARVEST_NO_CACHE=1); and the
   ledger's domain work (check, figures, Merkle tree, look-up files) timed step by step.

Every build runs in its own process; its peak RSS comes from os.wait4 on that process.
"""

from __future__ import annotations

import argparse
import filecmp
import itertools
import json
import os
import pstats
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import sites as bench_sites  # noqa: E402

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0"}
RATIO_TARGET = 1.2
WARM_TARGET = 0.25
LEDGER_SECONDS_TARGET = 4.0
LEDGER_MB_TARGET = 1024.0


@dataclass(frozen=True)
class Run:
    """One child process: wall and CPU seconds, peak RSS in MB, exit status and its stderr."""

    wall: float
    cpu: float
    peak_mb: float
    code: int
    out: str
    err: str


def run(cmd: Sequence[str], cwd: Path) -> Run:
    """Run `cmd` and measure that one process (os.wait4 gives its own rusage)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=cwd, env=ENV, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            wall,
            usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss / 1024,
            proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )


def project_cmd(config: Path, *more: str) -> list[str]:
    return [sys.executable, str(ROOT / "build.py"), "build", "--config-file", str(config), *more]


def cold(config: Path) -> Path:
    """The site's build cache removed: the next build makes everything."""
    shutil.rmtree(config.parent / ".cache", ignore_errors=True)
    return config


def plain_cmd(config: Path) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(config.parent / "site")]


def checked(result: Run, what: str, must_exist: Path) -> Run:
    """Stop the bench when a build failed: its figures would mean nothing."""
    if result.code != 0 or not must_exist.exists():
        sys.exit(
            f"{what} failed (exit {result.code}, {must_exist} missing: {not must_exist.exists()}):\n"
            f"{result.err[-3000:]}"
        )
    return result


def best(runs: list[Run]) -> Run:
    """The fastest of repeated runs (the others were slowed by something else on the machine)."""
    return min(runs, key=lambda r: r.wall)


# ---------------------------------------------------------------------------------------------
# 1. Products


@dataclass(frozen=True)
class SizeResult:
    n: int
    project: Run
    plain: Run
    warm: Run | None = None  # one product edited, rebuilt with the cache
    served: float | None = None  # the same through `build.py serve`: seconds from save to reload
    same: tuple[int, list[str]] | None = None  # files compared, and those that differ (cached vs clean)


def write_sites(tmp: Path, n: int) -> tuple[Path, Path, str]:
    """The project site and the plain site for `n` products; configs and one product id."""
    items = bench_sites.products(n)
    project = bench_sites.project_site(tmp / "project", items, bench_sites.campaign_ids(n))
    plain = bench_sites.plain_site(tmp / "plain", items)
    return project, plain, items[0].pid


def bench_size(n: int, repeat: int, warm: bool = False) -> SizeResult:
    with tempfile.TemporaryDirectory(prefix="hl-bench-") as name:
        project, plain, pid = write_sites(Path(name), n)
        ours: list[Run] = []
        theirs: list[Run] = []
        for _ in range(repeat):  # interleaved, so both see the same load on the machine
            ours.append(
                checked(
                    run(project_cmd(cold(project)), project.parent),
                    f"project build of {n}",
                    project.parent / "site" / "products" / pid / "index.html",
                )
            )
            theirs.append(
                checked(
                    run(plain_cmd(plain), plain.parent),
                    f"plain build of {n}",
                    plain.parent / "site" / "stories" / pid / "index.html",
                )
            )
        result = SizeResult(n, best(ours), best(theirs))
        if not warm:
            return result
        page = project.parent / "site" / "products" / pid / "index.html"
        warms = []
        for k in range(max(3, repeat)):
            edit_product(project.parent, pid, k)
            warms.append(checked(run(project_cmd(project), project.parent), f"warm rebuild of {n}", page))
        if f"第 {k} 次修改" not in page.read_text(encoding="utf-8"):
            sys.exit("the warm rebuild did not show the edited story")
        same = compare_clean(project)
        return replace(result, warm=best(warms), served=serve_rebuild(project, pid, max(3, repeat)), same=same)


def edit_product(site: Path, pid: str, k: int) -> None:
    """What an editor does: a sentence added to the story, the price changed in the record."""
    story = site / "content" / "stories" / f"{pid}.md"
    story.write_text(story.read_text(encoding="utf-8") + f"\n第 {k} 次修改：补充了今年的采收日期。\n", encoding="utf-8")
    record = site / "products" / f"{pid}.yml"
    text = re.sub(r'amount: "[0-9.]+"', f'amount: "{10 + k}.50"', record.read_text(encoding="utf-8"), count=1)
    record.write_text(text, encoding="utf-8")


def compare_clean(config: Path) -> tuple[int, list[str]]:
    """The site just built with the cache against one built with --no-cache: files that differ."""
    site, clean = config.parent / "site", config.parent / "site-clean"
    checked(run(project_cmd(config, "--no-cache", "--site-dir", str(clean)), config.parent), "clean build", clean)

    def files(root: Path) -> dict[str, Path]:
        return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}

    ours, theirs = files(site), files(clean)
    differ = sorted(set(ours) ^ set(theirs))
    differ += sorted(k for k in set(ours) & set(theirs) if ours[k].read_bytes() != theirs[k].read_bytes())
    shutil.rmtree(clean)
    return len(ours), differ


def serve_rebuild(config: Path, pid: str, times: int) -> float | None:
    """`build.py serve`: seconds from saving an edited product to "Reloading browsers" (best of
    `times`); None when the server did not come up."""
    import queue
    import socket
    import threading

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, str(ROOT / "build.py"), "serve", "--config-file", str(config), "-a", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(cmd, cwd=config.parent, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    lines: queue.Queue[tuple[float, str]] = queue.Queue()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.put((time.perf_counter(), line))

    threading.Thread(target=read, daemon=True).start()

    def wait_for(text: str, timeout: float) -> float | None:
        end = time.perf_counter() + timeout
        while (left := end - time.perf_counter()) > 0:
            try:
                when, line = lines.get(timeout=left)
            except queue.Empty:
                return None
            if text in line:
                return when
        return None

    try:
        if wait_for("Serving on", 900) is None:
            return None
        seconds = []
        for k in range(times):
            time.sleep(1.0)  # the watcher settles
            edit_product(config.parent, pid, 100 + k)
            saved = time.perf_counter()
            done = wait_for("Reloading browsers", 600)
            if done is None:
                return None
            seconds.append(done - saved)
        return min(seconds)
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def warm_up() -> None:
    """One small build of each kind: jieba's dictionary cache and .pyc files are made once."""
    with tempfile.TemporaryDirectory(prefix="hl-bench-") as name:
        project, plain, _ = write_sites(Path(name), 5)
        run(project_cmd(project), project.parent)
        run(plain_cmd(plain), plain.parent)


def print_products(results: list[SizeResult]) -> None:
    print("\nProducts: project build vs plain MkDocs + Material (best run of each)")
    head = (
        f"{'N':>6} {'project s':>10} {'plain s':>8} {'ratio':>6} {'proj CPU':>9} {'plain CPU':>10}"
        f" {'CPU ratio':>9} {'project MB':>11} {'plain MB':>9} {'proj s/1k':>10} {'plain s/1k':>11}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        a, b = r.project, r.plain
        print(
            f"{r.n:>6,} {a.wall:>10.2f} {b.wall:>8.2f} {a.wall / b.wall:>6.2f} {a.cpu:>9.2f} {b.cpu:>10.2f}"
            f" {a.cpu / b.cpu:>9.2f} {a.peak_mb:>11.0f} {b.peak_mb:>9.0f}"
            f" {a.wall / r.n * 1000:>10.2f} {b.wall / r.n * 1000:>11.2f}"
        )
    if len(results) > 1:
        print("\nGrowth: added seconds per 1,000 added products between sizes (constant = linear)")
        for lo, hi in itertools.pairwise(results):
            k = (hi.n - lo.n) / 1000
            print(
                f"  {lo.n:>6,} -> {hi.n:>6,}: project {(hi.project.wall - lo.project.wall) / k:6.2f} s"
                f" ({(hi.project.cpu - lo.project.cpu) / k:6.2f} CPU s),"
                f" plain {(hi.plain.wall - lo.plain.wall) / k:6.2f} s ({(hi.plain.cpu - lo.plain.cpu) / k:6.2f} CPU s)"
            )
    worst = max(r.project.wall / r.plain.wall for r in results)
    verdict = "met" if worst <= RATIO_TARGET else "NOT met"
    print(f"\nTarget ratio <= {RATIO_TARGET}: {verdict} (worst ratio {worst:.2f})")
    for r in results:
        if r.warm is not None:
            print_warm(r)


def print_warm(r: SizeResult) -> None:
    assert r.warm is not None
    ratio = r.warm.wall / r.plain.wall
    print(f"\nWarm rebuild at {r.n:,} products, one product's story and record edited, with the build cache")
    print(f"  build.py build   {r.warm.wall:6.2f} s wall {r.warm.cpu:6.2f} s CPU {r.warm.peak_mb:5.0f} MB"
          f"  ratio to the plain cold build {ratio:.2f} (target <= {WARM_TARGET}: {'met' if ratio <= WARM_TARGET else 'NOT met'})")
    if r.served is None:
        print("  build.py serve   the preview did not start or did not rebuild")
    else:
        ratio = r.served / r.plain.wall
        print(f"  build.py serve   {r.served:6.2f} s from save to reload"
              f"  ratio {ratio:.2f} (target <= {WARM_TARGET}: {'met' if ratio <= WARM_TARGET else 'NOT met'})")
    if r.same is not None:
        count, differ = r.same
        verdict = "identical" if not differ else f"{len(differ)} DIFFER, first: {differ[:5]}"
        print(f"  cached vs clean  {count:,} files, the warm build's site against a --no-cache build's: {verdict}")


# ---------------------------------------------------------------------------------------------
# Profile: where the project's time goes

# (label, file suffix, function): cumulative seconds of that function in the profile
SPOTS = (
    ("whole build (mkdocs build)", "mkdocs/commands/build.py", "build"),
    ("records, stories loaded and checked (on_config)", "harvest/hook.py", "on_config"),
    ("generated pages and files (on_files)", "harvest/hook.py", "on_files"),
    ("  the ledgers' publisher (started in on_files, waited for)", "harvest/publish/publisher.py", "start"),
    ("  QR codes inlined in product pages", "harvest/render/qr.py", "qr_svg_inline"),
    ("  QR files for print shops (qr/*.svg)", "harvest/render/qr.py", "qr_svg_file"),
    ("  both: of which segno.make (encoding)", "harvest/render/qr.py", "_code"),
    ("  both: of which segno's choice of mask", "segno/encoder.py", "find_and_apply_best_mask"),
    ("pages built (Markdown, templates, search)", "mkdocs/commands/build.py", "_build_page"),
    ("  Markdown to HTML (Page.render)", "mkdocs/structure/pages.py", "render"),
    ("  templates (Jinja render)", "jinja2/environment.py", "render"),
    ("    of which generated pages' content (theme/partials/hl/)", "harvest/render/templates.py", "render"),
    ("  search index entries", "material/plugins/search/plugin.py", "on_page_context"),
    ("    of which jieba segmentation", "material/plugins/search/plugin.py", "_segment_chinese"),
    ("search index written", "material/plugins/search/plugin.py", "on_post_build"),
    ("files copied or written", "mkdocs/structure/files.py", "copy_file"),
)


def spot_seconds(stats: pstats.Stats) -> dict[str, float]:
    found = dict.fromkeys((label for label, _, _ in SPOTS), 0.0)
    table = stats.stats  # type: ignore[attr-defined]
    for (file, _line, func), (_cc, _nc, _tt, ct, _callers) in table.items():
        for label, suffix, name in SPOTS:
            if func == name and file.endswith(suffix):
                found[label] += ct
    return found


def profile(n: int) -> None:
    """Both builds of `n` products under cProfile; the time split by where it goes."""
    print(f"\nProfile of both builds at N = {n:,} (cProfile; seconds are inflated by the profiler)")
    with tempfile.TemporaryDirectory(prefix="hl-bench-") as name:
        project, plain, _ = write_sites(Path(name), n)
        results = []
        for config, cmd in ((project, project_cmd(project)), (plain, plain_cmd(plain))):
            prof = config.parent / "build.prof"
            r = run([sys.executable, "-m", "cProfile", "-o", str(prof), *cmd[1:]], config.parent)
            if r.code != 0:
                sys.exit(f"profiled build failed:\n{r.err[-3000:]}")
            results.append(pstats.Stats(str(prof)))
        ours, theirs = (spot_seconds(s) for s in results)
        print(f"  {'':<50} {'project':>8} {'plain':>8}")
        for label, _, _ in SPOTS:
            print(f"  {label:<50} {ours[label]:>8.2f} {theirs[label]:>8.2f}")
        print("\n  Project build: functions with the most time of their own")
        print_top(results[0], own=True, count=12)


def print_top(stats: pstats.Stats, *, own: bool, count: int, within: str = "") -> None:
    """The `count` functions with the most own (or cumulative) time, optionally only under `within`."""
    table = stats.stats  # type: ignore[attr-defined]
    rows = [kv for kv in table.items() if within in kv[0][0]]
    rows.sort(key=lambda kv: -kv[1][2 if own else 3])
    for (file, line, func), (_cc, nc, tt, ct, _callers) in rows[:count]:
        where = "/".join(Path(file).parts[-2:])
        print(f"  {tt:7.2f} s own {ct:7.2f} s cum {nc:>9,} calls  {where}:{line}({func})")


def profile_ledger_build(config: Path) -> None:
    """The tiny site with the ledger, built cold under cProfile: where the added time goes."""
    shutil.rmtree(config.parent / ".cache", ignore_errors=True)
    prof = config.parent / "ledger.prof"
    r = run([sys.executable, "-m", "cProfile", "-o", str(prof), *project_cmd(config)[1:]], config.parent)
    if r.code != 0:
        sys.exit(f"profiled build failed:\n{r.err[-3000:]}")
    stats = pstats.Stats(str(prof))
    print("\n  Profile of the build with the ledger (cProfile; seconds inflated by the profiler)")
    print("  The project's own functions, by cumulative time:")
    print_top(stats, own=False, count=25, within=str(ROOT / "harvest"))
    print("  All functions, by own time:")
    print_top(stats, own=True, count=15)


# ---------------------------------------------------------------------------------------------
# 2. Ledgers

LEDGER_CAMPAIGN = "bench-ledger"


def ledger_site(path: Path) -> Path:
    """A tiny site whose products and channels are the ones the ledger generator uses."""
    from bench.ledger import PRODUCTS

    items = bench_sites.products(len(PRODUCTS), ids=list(PRODUCTS))
    items = [replace(p, campaign=LEDGER_CAMPAIGN) for p in items]
    return bench_sites.project_site(path, items, [LEDGER_CAMPAIGN])


def ledger_worker(csv: Path) -> None:
    """In a child process: each step of the ledger's domain work, as JSON on stdout."""
    from bench.ledger import CHANNELS, PRODUCTS
    from harvest.ledger.figures import compute_figures
    from harvest.ledger.format import receipts_of
    from harvest.ledger.parse import MAX_LEDGER_BYTES, parse_ledger
    from harvest.load import inputs
    from harvest.load.privacy import candidate_lines
    from harvest.proofs.books import ledger_tree
    from harvest.publish.ledger_files import write_files

    steps: list[tuple[str, float, float]] = []
    last = time.perf_counter()

    def step(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        steps.append((name, now - last, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
        last = now

    data = inputs.read_bytes(csv.parent, csv.name, MAX_LEDGER_BYTES)
    step("inputs.read_bytes")
    candidate_lines(data)
    step("privacy.candidate_lines (alone, for scale)")
    ledger, problems = parse_ledger(data, f"ledgers/{csv.name}", csv.stem, products=PRODUCTS, channels=CHANNELS)
    if ledger is None:
        sys.exit("\n".join(str(p) for p in problems[:5]))
    step("parse_ledger (personal data, every rule, entries)")
    compute_figures(ledger.entries)
    step("compute_figures (totals, sales, days)")
    tree = ledger_tree(data)
    step("books.ledger_tree (Merkle tree)")
    receipts = receipts_of(ledger.entries)
    step("format.receipts_of")
    with tempfile.TemporaryDirectory(prefix="hl-bench-", dir=csv.parent) as out:
        count = write_files(Path(out), data, tree, receipts)
        step("ledger_files.write_files (tiles, bundles, chunks, shards)")
    print(json.dumps({"steps": steps, "files": count}))


def bench_ledger(entries: int, repeat: int, profile_too: bool) -> None:
    """A tiny site built without and with a ledger of `entries` entries: cold (no build cache),
    nothing changed (cache kept), and after 1,000 entries appended to the sealed ledger; then
    the cached site compared file by file with a clean build, and the domain work step by step."""
    from bench.ledger import write_ledger

    print(f"\nLedger of {entries:,} entries (best of {repeat} runs of each build)")
    with tempfile.TemporaryDirectory(prefix="hl-bench-") as name:
        config = ledger_site(Path(name) / "site")
        site = config.parent
        index = site / "site" / "index.html"

        def build(what: str, *, cold: bool = False) -> Run:
            if cold:
                shutil.rmtree(site / ".cache", ignore_errors=True)
            return checked(run(project_cmd(config), site), what, index)

        without = best([build("tiny site build") for _ in range(repeat)])
        csv = site / "ledgers" / f"{LEDGER_CAMPAIGN}.csv"
        start = time.perf_counter()
        write_ledger(csv, entries)
        print(
            f"  generated {csv.stat().st_size / 1e6:.0f} MB of entries in {time.perf_counter() - start:.1f} s"
            " (not measured below)"
        )
        cold = best([build("tiny site build with the ledger", cold=True) for _ in range(repeat)])
        seal = run([sys.executable, str(ROOT / "build.py"), "seal", LEDGER_CAMPAIGN, "--config-file", str(config)], site)
        if seal.code != 0:
            sys.exit(f"seal failed:\n{seal.err[-3000:]}")
        build("build after the seal (fills the cache)")
        same = best([build("build with nothing changed") for _ in range(repeat)])
        appended: list[Run] = []
        for k in range(repeat):
            append_entries(csv, entries + k * APPENDED, APPENDED)
            appended.append(build(f"build after appending {APPENDED:,} entries"))
        grown = best(appended)
        print(f"  {'build (best run)':<44} {'wall s':>7} {'CPU s':>7} {'peak MB':>8}")
        rows = (
            ("tiny site, no ledger", without),
            ("+ ledger, cold (no build cache)", cold),
            ("+ sealed ledger, nothing changed (cached)", same),
            (f"+ {APPENDED:,} entries appended (cached)", grown),
        )
        for label, r in rows:
            print(f"  {label:<44} {r.wall:>7.2f} {r.cpu:>7.2f} {r.peak_mb:>8.0f}")
        added = cold.wall - without.wall
        print(f"  {'added by the ledger, cold':<44} {added:>7.2f} {cold.cpu - without.cpu:>7.2f}")
        more = grown.wall - same.wall
        print(f"  {'append build minus nothing-changed build':<44} {more:>7.2f} {grown.cpu - same.cpu:>7.2f}")
        ok = added <= LEDGER_SECONDS_TARGET and cold.peak_mb < LEDGER_MB_TARGET
        print(
            f"  Target cold <= {LEDGER_SECONDS_TARGET:.0f} s added and < {LEDGER_MB_TARGET:.0f} MB peak:"
            f" {'met' if ok else 'NOT met'}; append <= {APPEND_SECONDS_TARGET:.0f} s more than nothing"
            f" changed: {'met' if more <= APPEND_SECONDS_TARGET else 'NOT met'}"
        )
        compare_with_clean(config)
        if profile_too or not ok:
            profile_ledger_build(config)
        ledger_domain(csv)


APPENDED = 1000
APPEND_SECONDS_TARGET = 1.0


def append_entries(csv: Path, size: int, count: int) -> None:
    """Append entries `size + 1` to `size + count` (as the generator makes a ledger that long)."""
    from bench.ledger import entries

    lines = itertools.islice(entries(size + count), size, None)
    with csv.open("a", encoding="utf-8", newline="\n") as out:
        out.write("\n".join(lines) + "\n")


def compare_with_clean(config: Path) -> None:
    """The site built with the cache against one built without it (HARVEST_NO_CACHE=1): every
    file byte for byte."""
    site = config.parent
    clean = site / "site-clean"
    cmd = [*project_cmd(config), "--site-dir", str(clean)]
    with tempfile.TemporaryFile() as err:
        code = subprocess.call(cmd, cwd=site, env={**ENV, "HARVEST_NO_CACHE": "1"}, stdout=subprocess.DEVNULL, stderr=err)
        if code != 0:
            err.seek(0)
            sys.exit(f"clean build failed:\n{err.read().decode('utf-8', 'replace')[-3000:]}")
    cached = site / "site"
    a = {p.relative_to(cached).as_posix() for p in cached.rglob("*") if p.is_file()}
    b = {p.relative_to(clean).as_posix() for p in clean.rglob("*") if p.is_file()}
    differ = sorted(n for n in a & b if not filecmp.cmp(cached / n, clean / n, shallow=False))
    only = sorted(a ^ b)
    verdict = "identical" if not differ and not only else "DIFFERENT"
    print(f"  cached site vs clean build (HARVEST_NO_CACHE=1): {len(a):,} files, {verdict}"
          + (f"; differ: {differ[:5]}, only in one: {only[:5]}" if verdict != "identical" else ""))


def ledger_domain(csv: Path) -> None:
    """The ledger's domain work step by step, in a child process of its own."""
    worker = run([sys.executable, str(Path(__file__).resolve()), "--ledger-worker", str(csv)], ROOT)
    if worker.code != 0:
        sys.exit(f"ledger domain work failed:\n{worker.err[-3000:]}")
    report = json.loads(worker.out)
    print(f"\n  Domain work in one process (peak RSS of the process {worker.peak_mb:.0f} MB)")
    print(f"  {'step':<52} {'s':>6} {'peak MB so far':>15}")
    total = 0.0
    for label, seconds, peak in report["steps"]:
        total += seconds
        print(f"  {label:<52} {seconds:>6.2f} {peak:>15.0f}")
    print(f"  {'total':<52} {total:>6.2f}")
    print(f"  {report['files']:,} look-up files written")
    ok = total <= LEDGER_SECONDS_TARGET and worker.peak_mb < LEDGER_MB_TARGET
    print(
        f"  Domain work within {LEDGER_SECONDS_TARGET:.0f} s and {LEDGER_MB_TARGET:.0f} MB:"
        f" {'yes' if ok else 'NO'} (writing the files and pages is not included)"
    )


# ---------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="only N=100 and a 100,000-entry ledger")
    parser.add_argument("--sizes", help="product counts, comma-separated (default 100,1000,10000)")
    parser.add_argument("--warm-size", type=int, default=1000,
                        help="the size at which the warm one-product rebuild is measured (0: none)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each build; the fastest counts")
    parser.add_argument("--entries", type=int, help="ledger entries (default 1,000,000)")
    parser.add_argument("--ledger-repeat", type=int, default=3, help="runs of each ledger build")
    parser.add_argument("--profile", action="store_true", help="profile even when the ratio is met")
    parser.add_argument("--no-profile", action="store_true", help="no profile even when the ratio is not met")
    parser.add_argument("--profile-size", type=int, default=1000, help="products in the profiled build")
    parser.add_argument("--no-products", action="store_true", help="skip the product builds")
    parser.add_argument("--no-ledger", action="store_true", help="skip the ledger part")
    parser.add_argument("--ledger-worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.ledger_worker:
        ledger_worker(args.ledger_worker)
        return
    sizes = [100] if args.quick else [int(s.replace("_", "")) for s in (args.sizes or "100,1000,10000").split(",")]
    entries = args.entries or (100_000 if args.quick else 1_000_000)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    if not args.no_products:
        warm_up()
        results = []
        for n in sizes:
            results.append(bench_size(n, args.repeat, warm=n == args.warm_size))
            r = results[-1]
            print(f"  built {n:,} products: project {r.project.wall:.1f} s, plain {r.plain.wall:.1f} s", flush=True)
        print_products(results)
        worst = max(r.project.wall / r.plain.wall for r in results)
        if args.profile or (worst > RATIO_TARGET and not args.no_profile):
            profile(min(args.profile_size, max(sizes)))
    if not args.no_ledger:
        bench_ledger(entries, args.ledger_repeat, args.profile)
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
