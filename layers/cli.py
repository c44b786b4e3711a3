"""Command line: ``kunshan-heatmap demo | build | validate | assets``.

The top of the stack: it calls the public functions of :mod:`geo` (read, locate, join) and
:mod:`layers` (compose, write); no other module of ``layers`` reads register files.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import geo
from geo.place.convert import convert_file
from geo.geocode.register_file import geocode_register
from geo.errors import HeatmapError

from layers.page.app import LANGUAGES
from layers.publish.assets import fetch_assets
from layers.elements.basemaps import BASEMAPS
from layers.publish.embed import embed_snippet
from geo.analyse.weights import WEIGHTS
from layers.heatmap import HEATS, park_heatmap
from layers.publish.output import write_map, write_table
from layers.elements.markers import CLUSTER_AUTO_MIN

__all__ = ["main"]

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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kunshan-heatmap", description=_DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def map_options(sub: argparse.ArgumentParser, default_output: str, default_heat: str = "both") -> None:
        sub.add_argument("-o", "--output", type=Path, default=None,
                         help=f"HTML file to write (default: {default_output})")
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

        sub.add_argument("--heat", choices=HEATS, default=default_heat,
                         help="classic: Leaflet.heat (radius in screen pixels, no value scale); density: kernel "
                              "density in real units per km², the same at every zoom, with a value legend; both: "
                              f"density shown, classic offered in the layer control; default: {default_heat}")
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

    def datum_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--datum", default="wgs84",
                         help="datum of the register's coordinates: wgs84 (GPS, OpenStreetMap, Tianditu), gcj02 "
                              "(高德/Gaode/AMap, Tencent picker), bd09 (百度/Baidu); a 坐标系/datum column "
                              "overrides it per row; default: wgs84")

    demo = commands.add_parser("demo", help="write the map of the embedded Kunshan default (27 public parks)",
                               description="Write the map of the embedded Kunshan default: 27 parks named in "
                                           "public reports, located by host town (see PROVENANCE.md).")
    map_options(demo, "kunshan-heatmap.html")

    build = commands.add_parser("build", help="write the map of a register",
                                description="Write the map of a register. Rejected rows are written beside "
                                            "the map as <output>.rejected.csv; the other parks are published.")
    build.add_argument("register", type=Path, help=_REGISTER_HELP)
    build.add_argument("--sheet", help="Excel sheet to read (default: the first visible sheet)")
    datum_option(build)
    map_options(build, "<register name>.html in the current folder")

    validate = commands.add_parser("validate", help="check a register row by row (exit 0 ok, 1 rows rejected, "
                                                    "2 file unreadable)",
                                   description="Report what happens to every row: park, rejected (row, column, "
                                               "value, reason) or skipped. Exit 0 when no row is rejected, 1 when "
                                               "some are, 2 when the file cannot be read.")
    validate.add_argument("register", type=Path, help=_REGISTER_HELP)
    validate.add_argument("--sheet", help="Excel sheet to read (default: the first visible sheet)")
    datum_option(validate)
    validate.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")

    convert = commands.add_parser("convert", help="convert lon/lat columns between WGS-84, GCJ-02 and BD-09",
                                  description="Convert the longitude/latitude columns (经度/lon/lng, 纬度/lat) of a "
                                              "CSV, XLSX or GeoJSON table between datums; every other column and "
                                              "the row order are kept.")
    convert.add_argument("input", type=Path, help="table to convert (.csv, .xlsx, .geojson)")
    convert.add_argument("--from", dest="source", required=True, help="datum of the input: wgs84, gcj02, bd09")
    convert.add_argument("--to", dest="target", required=True, help="datum to write: wgs84, gcj02, bd09")
    convert.add_argument("-o", "--output", type=Path, required=True, help="file to write (same type as the input)")
    convert.add_argument("--sheet", help="Excel sheet to convert (default: the first visible sheet)")

    geocode = commands.add_parser("geocode", help="give coordinates to the rows of a register that have none",
                                  description="Geocode the rows without coordinates by their address (else their "
                                              "town) and write the register with lon/lat (WGS-84), precision, "
                                              "location_source and geocode_status columns. Offline by default "
                                              "(the Kunshan gazetteer); online providers need a key in the "
                                              "environment (KUNSHAN_AMAP_KEY, KUNSHAN_BAIDU_AK) or, for Nominatim, "
                                              "a contact in KUNSHAN_NOMINATIM_USER_AGENT. Results are cached in "
                                              "SQLite: a re-run asks again only what failed.")
    geocode.add_argument("register", type=Path, help=_REGISTER_HELP)
    geocode.add_argument("--provider", choices=("offline", "amap", "baidu", "nominatim"), default="offline",
                         help="geocoder (default: offline)")
    geocode.add_argument("-o", "--output", type=Path, required=True, help="register to write (.csv or .xlsx)")
    geocode.add_argument("--cache", type=Path, default=None,
                         help="SQLite cache (default: $KUNSHAN_HEATMAP_GEOCACHE or ~/.cache/kunshan-heatmap/"
                              "geocode.sqlite)")
    geocode.add_argument("--expect", choices=("exact", "road", "town", "zone", "city"), default=None,
                         help="flag for review the results coarser than this precision")
    geocode.add_argument("--sheet", help="Excel sheet to read (default: the first visible sheet)")
    geocode.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    datum_option(geocode)

    embed = commands.add_parser("embed", help="print an iframe snippet that embeds a published map in a portal",
                                description="Print a responsive, sandboxed iframe snippet for a map published at "
                                            "URL (serve the map from its own origin; the sandbox has no "
                                            "allow-same-origin, so the map cannot touch the portal). The host page "
                                            "can drive the map with postMessage; see the README.")
    embed.add_argument("url", help="where the map is published (https://... or a relative path)")
    embed.add_argument("--title", default="昆山园区热力图 Kunshan park heatmap", help="iframe title (accessibility)")
    embed.add_argument("--aspect", default="4/3", help="width/height ratio of the frame (default: 4/3)")
    embed.add_argument("--language", choices=LANGUAGES, default=None, help="language the map opens in")

    assets = commands.add_parser("assets", help="fetch the pinned JS/CSS used by --offline (needs npm once)")
    assets.add_argument("action", choices=("fetch",), help="fetch: download with npm pack and verify by hash")
    return parser


def _publish(data: geo.Parks, output: Path, args: argparse.Namespace) -> int:
    m = park_heatmap(data.parks, areas=data.areas, outline=data.outline, weight=args.weight, basemap=args.basemap,
                     heat=args.heat, bandwidth_m=args.bandwidth_m, cell_m=args.cell_m, language=args.language,
                     cluster={"on": True, "off": False}.get(args.cluster, "auto"), programme=geo.programme(),
                     title=args.title)
    path = write_map(m, output, offline=args.offline)
    rejected = output.with_name(output.stem + ".rejected.csv")
    write_table(data.report.rejected_frame(), rejected)
    report = data.report
    print(f"{report.parks} parks published, {len(report.rejected)} rows rejected, {len(report.skipped)} skipped "
          f"of {report.rows_read} rows read", file=sys.stderr)
    if report.rejected:
        print(f"rejected rows: {rejected}", file=sys.stderr)
    print(path.resolve())
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)  # the project's warnings are UserWarnings
        code = _run(args)
    for warning in caught:
        if issubclass(warning.category, UserWarning):
            print(f"kunshan-heatmap: warning: {warning.message}", file=sys.stderr)
    return code


def _run(args: argparse.Namespace) -> int:
    try:
        if args.command == "demo":
            return _publish(geo.kunshan_default(), args.output or Path("kunshan-heatmap.html"), args)
        if args.command == "build":
            data = geo.load_parks(args.register, sheet=args.sheet, datum=args.datum)
            return _publish(data, args.output or Path(args.register.stem + ".html"), args)
        if args.command == "validate":
            report = geo.load_parks(args.register, sheet=args.sheet, datum=args.datum).report
            print(report.to_json() if args.format == "json" else report.to_text())
            return 0 if report.ok else 1
        if args.command == "convert":
            summary = convert_file(args.input, args.output, from_datum=args.source, to_datum=args.target,
                                   sheet=args.sheet)
            print(f"{summary['converted']} points converted from {args.source} to {args.target}", file=sys.stderr)
            if summary["skipped_rows"]:
                print(f"rows left unchanged (no readable coordinates): "
                      f"{', '.join(map(str, summary['skipped_rows']))}", file=sys.stderr)
            print(args.output.resolve())
            return 0
        if args.command == "geocode":
            table, report = geocode_register(args.register, args.output, provider=args.provider, sheet=args.sheet,
                                             datum=args.datum, cache_path=args.cache, expected_precision=args.expect,
                                             progress=not args.no_progress)
            counts = table["geocode_status"].value_counts().sort_index()
            print("; ".join(f"{status}: {n}" for status, n in counts.items())
                  + f"; to review: {int(table['review'].sum())}; rejected rows: {len(report.rejected)}",
                  file=sys.stderr)
            print(args.output.resolve())
            return 0
        if args.command == "embed":
            print(embed_snippet(args.url, title=args.title, aspect=args.aspect, language=args.language))
            return 0
        for path in fetch_assets():
            print(path)
        return 0
    except HeatmapError as error:
        print(f"kunshan-heatmap: error: {error}", file=sys.stderr)
        return 2
    except ValueError as error:  # an option the command cannot use (e.g. an output type)
        print(f"kunshan-heatmap: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("kunshan-heatmap: interrupted; finished results are kept (a re-run resumes)", file=sys.stderr)
        return 130
    except OSError as error:  # e.g. the output is a folder, or not writable
        print(f"kunshan-heatmap: error: cannot write {error.filename or ''}: {error.strerror or error}",
              file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
