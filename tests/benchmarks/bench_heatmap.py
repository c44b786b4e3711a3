"""Benchmark: register -> map page for 10^3..10^5 parks, against plain pandas/geopandas/folium in the same process.

Run:  .venv/bin/python tests/benchmarks/bench_heatmap.py [--sizes 1000 10000 100000] [--plain-max 10000]

Prints, per size: seconds (untraced run) and peak traced memory (MiB, tracemalloc, second run) of our read+locate+join and of our map build+render,
the page size, and the same for the plain route (pandas.read_csv + points_from_xy + sjoin; folium HeatMap +
one CircleMarker with a Popup per row, the usual notebook code), with ratios. Plain folium markers are only
run up to --plain-max rows (beyond that it takes minutes). Figures, not pass/fail: nothing here is a test.
"""

from __future__ import annotations

import argparse
import csv
import gc
import tempfile
import time
import tracemalloc
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from folium.plugins import HeatMap

import geo
import layers


def synthetic_register(path: Path, n: int, seed: int = 1) -> Path:
    """A CSV register of ``n`` parks at random points inside the Kunshan outline."""
    rng = np.random.default_rng(seed)
    outline = geo.kunshan_outline().union_all()
    west, south, east, north = outline.bounds
    lon, lat = np.empty(0), np.empty(0)
    while len(lon) < n:
        x, y = rng.uniform(west, east, 2 * n), rng.uniform(south, north, 2 * n)
        inside = shapely.contains_xy(outline, x, y)
        lon, lat = np.concatenate([lon, x[inside]]), np.concatenate([lat, y[inside]])
    sectors = geo.sectors()["zh"].to_numpy()
    frame = pd.DataFrame({
        "园区名称": [f"园区{i}" for i in range(n)],
        "主导产业": sectors[rng.integers(0, len(sectors), n)],
        "总投资（亿元）": rng.gamma(2, 5, n).round(2),
        "经度": lon[:n].round(6), "纬度": lat[:n].round(6),
    })
    frame.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL)
    return path


def measure(step):
    """(result, seconds of an untraced run, peak MiB traced by tracemalloc in a second run)."""
    gc.collect()
    start = time.perf_counter()
    result = step()
    seconds = time.perf_counter() - start
    del result
    gc.collect()
    tracemalloc.start()
    result = step()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return result, seconds, peak


def ours(path: Path):
    data, read_s, read_mb = measure(lambda: geo.load_parks(path))

    def render():
        m = layers.park_heatmap(data.parks, areas=data.areas, outline=data.outline, weight="investment")
        return layers.map_html(m)

    page, map_s, map_mb = measure(render)
    return read_s, read_mb, map_s, map_mb, len(page.encode())


def plain(path: Path, with_markers: bool):
    areas = geo.town_areas()

    def read():
        frame = pd.read_csv(path)
        points = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["经度"], frame["纬度"]), crs="EPSG:4326")
        return gpd.sjoin(points, areas[["name", "geometry"]], how="left", predicate="within")

    parks, read_s, read_mb = measure(read)

    def render():
        m = folium.Map(location=[31.3, 120.97], zoom_start=11)
        HeatMap(parks[["纬度", "经度", "总投资（亿元）"]].to_numpy().tolist()).add_to(m)
        if with_markers:
            for row in parks.itertuples():
                folium.CircleMarker([row.纬度, row.经度], radius=6, popup=folium.Popup(row.园区名称)).add_to(m)
        return m.get_root().render()

    page, map_s, map_mb = measure(render)
    return read_s, read_mb, map_s, map_mb, len(page.encode())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--plain-max", type=int, default=10000)
    args = parser.parse_args()
    print(f"{'parks':>7} | {'route':<22} | {'read+join s':>11} {'MiB':>7} | {'map+render s':>12} {'MiB':>7} | "
          f"{'page MB':>7}")
    with tempfile.TemporaryDirectory() as folder:
        for n in args.sizes:
            path = synthetic_register(Path(folder) / f"parks-{n}.csv", n)
            a = ours(path)
            markers = n <= args.plain_max
            b = plain(path, markers)
            print(f"{n:>7} | {'kunshan-heatmap':<22} | {a[0]:>11.2f} {a[1]:>7.1f} | {a[2]:>12.2f} {a[3]:>7.1f} | "
                  f"{a[4] / 1e6:>7.2f}")
            label = "plain folium+markers" if markers else "plain folium heat only"
            print(f"{n:>7} | {label:<22} | {b[0]:>11.2f} {b[1]:>7.1f} | {b[2]:>12.2f} {b[3]:>7.1f} | "
                  f"{b[4] / 1e6:>7.2f}")
            print(f"{n:>7} | {'ratio ours/plain':<22} | {a[0] / b[0]:>11.2f} {a[1] / b[1]:>7.2f} | "
                  f"{a[2] / b[2]:>12.2f} {a[3] / b[3]:>7.2f} | {a[4] / b[4]:>7.2f}")


if __name__ == "__main__":
    main()
