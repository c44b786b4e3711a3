"""The command line's options: one small function per command, the shared map and datum options once."""

from __future__ import annotations

import argparse
from pathlib import Path

from geo.analyse.weights import WEIGHTS
from layers.elements.basemaps import BASEMAPS
from layers.elements.markers import CLUSTER_AUTO_MIN
from layers.heatmap import HEATS
from layers.page.app import LANGUAGES

__all__ = ["parser"]

_DESCRIPTION = """\
Make the Kunshan park heatmap (昆山园区热力图): an interactive HTML map of specialised innovation
parks from a park register (CSV, Excel .xlsx, GeoJSON or Parquet; headers in Chinese or English).

  kunshan-heatmap demo                      map of the embedded 27 public parks
  kunshan-heatmap build parks.xlsx          map of your own register
  kunshan-heatmap validate parks.csv        check a register row by row, change nothing
  kunshan-heatmap geocode parks.xlsx -o located.xlsx   coordinates for rows with only an address/town
  kunshan-heatmap embed https://maps.example.org/kunshan.html   iframe snippet for a portal
  kunshan-heatmap convert in.csv --from gcj02 --to wgs84 -o out.csv
                                            convert coordinates between WGS-84, GCJ-02 (高德) and BD-09 (百度)
"""
_REGISTER_HELP = ("register file: .csv (UTF-8 or GBK), .xlsx, .geojson or .parquet; one park per row with at "
                  "least a name column (园区名称/名称/name) and, for the position, 经度/纬度 (lon/lat, WGS-84) "
                  "or the host town (所在镇/town)")
_SHEET_HELP = "Excel sheet to read (default: the first visible sheet)"


def parser() -> argparse.ArgumentParser:
    """The ``kunshan-heatmap`` parser, one sub-command per task."""
    top = argparse.ArgumentParser(prog="kunshan-heatmap", description=_DESCRIPTION,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in (_demo, _build, _validate, _convert, _geocode, _embed, _assets):
        add(commands)
    return top


def _map_options(sub: argparse.ArgumentParser, default_output: str) -> None:
    """Options of the commands that write a map (demo, build)."""
    sub.add_argument("-o", "--output", type=Path, default=None, help=f"HTML file to write (default: {default_output})")
    sub.add_argument("--offline", action="store_true",
                     help="inline the pinned Leaflet JS/CSS so the page works with no network "
                          "(fetched once with npm and checked by hash)")
    sub.add_argument("--weight", choices=WEIGHTS, default="count",
                     help="what the heat weighs: count of parks, investment (亿元), floor_area (万㎡) "
                          "or output (亿元); default: count")
    sub.add_argument("--basemap", choices=BASEMAPS, default="osm",
                     help="tiles: osm, carto (key in KUNSHAN_CARTO_KEY), gaode, gaode-satellite (GCJ-02: "
                          "every overlay is shifted to match), tianditu (key in KUNSHAN_TIANDITU_KEY); "
                          "default: osm")
    sub.add_argument("--heat", choices=HEATS, default="both",
                     help="classic: Leaflet.heat (radius in screen pixels, no value scale); density: kernel "
                          "density in real units per km², the same at every zoom, with a value legend; both: "
                          "density shown, classic offered in the layer control; default: both")
    sub.add_argument("--cluster", choices=("auto", "on", "off"), default="auto",
                     help="cluster the park markers (one cluster group across sectors; filters and sector "
                          f"layers keep the clusters exact): auto clusters registers of more than "
                          f"{CLUSTER_AUTO_MIN} parks; default: auto")
    sub.add_argument("--bandwidth-m", type=float, default=2000.0,
                     help="density: Gaussian kernel σ in metres (default: 2000)")
    sub.add_argument("--cell-m", type=float, default=250.0,
                     help="density: grid cell in metres, at most half the bandwidth (default: 250)")
    sub.add_argument("--language", choices=LANGUAGES, default=None,
                     help="language the page opens in (zh-Hans default; readers can switch in the page)")
    sub.add_argument("--title", default=None,
                     help="title of the map and the page, the same in every language (default: "
                          "昆山特色专业创新园区热力图 in the reader's language)")


def _register_options(sub: argparse.ArgumentParser) -> None:
    """The register to read, its sheet and the datum of its coordinates."""
    sub.add_argument("register", type=Path, help=_REGISTER_HELP)
    sub.add_argument("--sheet", help=_SHEET_HELP)
    sub.add_argument("--datum", default="wgs84",
                     help="datum of the register's coordinates: wgs84 (GPS, OpenStreetMap, Tianditu), gcj02 "
                          "(高德/Gaode/AMap, Tencent picker), bd09 (百度/Baidu); a 坐标系/datum column "
                          "overrides it per row; default: wgs84")


def _demo(commands) -> None:
    demo = commands.add_parser("demo", help="write the map of the embedded Kunshan default (27 public parks)",
                               description="Write the map of the embedded Kunshan default: 27 parks named in "
                                           "public reports, located by host town (see PROVENANCE.md).")
    _map_options(demo, "kunshan-heatmap.html")


def _build(commands) -> None:
    build = commands.add_parser("build", help="write the map of a register",
                                description="Write the map of a register. Rejected rows are written beside "
                                            "the map as <output>.rejected.csv; the other parks are published.")
    _register_options(build)
    _map_options(build, "<register name>.html in the current folder")


def _validate(commands) -> None:
    validate = commands.add_parser("validate", help="check a register row by row (exit 0 ok, 1 rows rejected, "
                                                    "2 file unreadable)",
                                   description="Report what happens to every row: park, rejected (row, column, "
                                               "value, reason) or skipped. Exit 0 when no row is rejected, 1 when "
                                               "some are, 2 when the file cannot be read.")
    _register_options(validate)
    validate.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")


def _convert(commands) -> None:
    convert = commands.add_parser("convert", help="convert lon/lat columns between WGS-84, GCJ-02 and BD-09",
                                  description="Convert the longitude/latitude columns (经度/lon/lng, 纬度/lat) of a "
                                              "CSV, XLSX or GeoJSON table between datums; every other column and "
                                              "the row order are kept.")
    convert.add_argument("input", type=Path, help="table to convert (.csv, .xlsx, .geojson)")
    convert.add_argument("--from", dest="source", required=True, help="datum of the input: wgs84, gcj02, bd09")
    convert.add_argument("--to", dest="target", required=True, help="datum to write: wgs84, gcj02, bd09")
    convert.add_argument("-o", "--output", type=Path, required=True, help="file to write (same type as the input)")
    convert.add_argument("--sheet", help="Excel sheet to convert (default: the first visible sheet)")


def _geocode(commands) -> None:
    geocode = commands.add_parser("geocode", help="give coordinates to the rows of a register that have none",
                                  description="Geocode the rows without coordinates by their address (else their "
                                              "town) and write the register with lon/lat (WGS-84), precision, "
                                              "location_source and geocode_status columns. Offline by default "
                                              "(the Kunshan gazetteer); online providers need a key in the "
                                              "environment (KUNSHAN_AMAP_KEY, KUNSHAN_BAIDU_AK) or, for Nominatim, "
                                              "a contact in KUNSHAN_NOMINATIM_USER_AGENT. Results are cached in "
                                              "SQLite: a re-run asks again only what failed.")
    _register_options(geocode)
    geocode.add_argument("--provider", choices=("offline", "amap", "baidu", "nominatim"), default="offline",
                         help="geocoder (default: offline)")
    geocode.add_argument("-o", "--output", type=Path, required=True, help="register to write (.csv or .xlsx)")
    geocode.add_argument("--cache", type=Path, default=None,
                         help="SQLite cache (default: $KUNSHAN_HEATMAP_GEOCACHE or ~/.cache/kunshan-heatmap/"
                              "geocode.sqlite)")
    geocode.add_argument("--expect", choices=("exact", "road", "town", "zone", "city"), default=None,
                         help="flag for review the results coarser than this precision")
    geocode.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")


def _embed(commands) -> None:
    embed = commands.add_parser("embed", help="print an iframe snippet that embeds a published map in a portal",
                                description="Print a responsive, sandboxed iframe snippet for a map published at "
                                            "URL (serve the map from its own origin; the sandbox has no "
                                            "allow-same-origin, so the map cannot touch the portal). The host page "
                                            "can drive the map with postMessage; see the README.")
    embed.add_argument("url", help="where the map is published (https://... or a relative path)")
    embed.add_argument("--title", default=None,
                       help="iframe title for screen readers (default: the map's title in --language)")
    embed.add_argument("--aspect", default="4/3", help="width/height ratio of the frame (default: 4/3)")
    embed.add_argument("--language", choices=LANGUAGES, default=None, help="language the map opens in")


def _assets(commands) -> None:
    assets = commands.add_parser("assets", help="fetch the pinned JS/CSS used by --offline (needs npm once)")
    assets.add_argument("action", choices=("fetch",), help="fetch: download with npm pack and verify by hash")
