"""Benchmark: the published page in Debian's Chromium for 10^3..10^5 parks, clustered against every marker drawn.

Run:  .venv/bin/python tests/benchmarks/bench_browser.py [--sizes 1000 10000 100000]

Per size and marker mode (clustered, all markers), the offline page (no network) is opened in headless
Chromium and timed in the page with performance.now(): load (navigation start to the app being ready),
one sector filter (setFilter, which also recomputes the density on its grid), the reset, and a language
switch; plus the JS heap in use (MiB) after load. Figures, not pass/fail: nothing here is a test.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the shared browser settings

from bench_heatmap import synthetic_register  # noqa: E402
from conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

import geo  # noqa: E402
import layers  # noqa: E402

TIMED = """async (command) => {
    const start = performance.now();
    eval(command);
    await new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 0)));
    return performance.now() - start;
}"""


def build(register: Path, folder: Path, cluster: bool) -> tuple[Path, float]:
    data = geo.load_parks(register)
    m = layers.park_heatmap(data.parks, areas=data.areas, outline=data.outline, cluster=cluster,
                            programme=geo.programme())
    path = layers.write_map(m, folder / f"map-{len(data.parks)}-{'clustered' if cluster else 'all'}.html",
                            offline=True)
    return path, path.stat().st_size / 1e6


def measure(browser, path: Path) -> dict:
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.route(lambda url: not url.startswith("file:"), lambda route: route.abort())
    started = time.perf_counter()
    page.goto(path.as_uri(), timeout=600_000)
    page.wait_for_function("window.KunshanHeatmap !== undefined", timeout=600_000)
    load_s = time.perf_counter() - started
    figures = {"load_s": load_s,
               "heap_mib": page.evaluate("performance.memory ? performance.memory.usedJSHeapSize / 2**20 : NaN")}
    for name, command in (("filter_ms", "KunshanHeatmap.setFilter({sectors: ['robotics']})"),
                          ("reset_ms", "KunshanHeatmap.resetFilter()"),
                          ("language_ms", "KunshanHeatmap.setLanguage('en')")):
        figures[name] = page.evaluate(TIMED, command)
    page.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"{'parks':>7} | {'markers':<9} | {'page MB':>7} | {'load s':>7} | {'heap MiB':>8} | "
          f"{'filter ms':>9} | {'reset ms':>8} | {'language ms':>11}")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        folder = Path(tmp)
        for n in args.sizes:
            register = synthetic_register(folder / f"parks-{n}.csv", n)
            for cluster in (True, False):
                path, size = build(register, folder, cluster)
                f = measure(browser, path)
                print(f"{n:>7} | {'clustered' if cluster else 'all':<9} | {size:>7.2f} | {f['load_s']:>7.2f} | "
                      f"{f['heap_mib']:>8.1f} | {f['filter_ms']:>9.0f} | {f['reset_ms']:>8.0f} | "
                      f"{f['language_ms']:>11.0f}", flush=True)
        browser.close()


if __name__ == "__main__":
    main()
