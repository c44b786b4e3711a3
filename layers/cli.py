"""Command line: ``kunshan-heatmap demo | build | validate | assets``.

The top of the stack: it calls the public functions of :mod:`geo` (read, locate, join) and
:mod:`layers` (compose, write); no other module of ``layers`` reads register files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import geo
from geo.errors import HeatmapError

from .assets import fetch_assets
from .heat import WEIGHTS
from .heatmap import park_heatmap
from .output import write_map, write_table

__all__ = ["main"]

_DESCRIPTION = """\
Make the Kunshan park heatmap (昆山园区热力图): an interactive HTML map of specialised innovation
parks from a park register (CSV, Excel .xlsx, GeoJSON or Parquet; headers in Chinese or English).

  kunshan-heatmap demo                      map of the embedded 27 public parks
  kunshan-heatmap build parks.xlsx          map of your own register
  kunshan-heatmap validate parks.csv        check a register row by row, change nothing
"""
_REGISTER_HELP = ("register file: .csv (UTF-8 or GBK), .xlsx, .geojson or .parquet; one park per row with at "
                  "least a name column (园区名称/名称/name) and, for the position, 经度/纬度 (lon/lat, WGS-84) "
                  "or the host town (所在镇/town)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kunshan-heatmap", description=_DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def map_options(sub: argparse.ArgumentParser, default_output: str) -> None:
        sub.add_argument("-o", "--output", type=Path, default=None,
                         help=f"HTML file to write (default: {default_output})")
        sub.add_argument("--offline", action="store_true",
                         help="inline the pinned Leaflet JS/CSS so the page works with no network "
                              "(fetched once with npm and checked by hash)")
        sub.add_argument("--weight", choices=WEIGHTS, default="count",
                         help="what the heat weighs: count of parks, investment (亿元), floor_area (万㎡) "
                              "or output (亿元); default: count")

    demo = commands.add_parser("demo", help="write the map of the embedded Kunshan default (27 public parks)",
                               description="Write the map of the embedded Kunshan default: 27 parks named in "
                                           "public reports, located by host town (see PROVENANCE.md).")
    map_options(demo, "kunshan-heatmap.html")

    build = commands.add_parser("build", help="write the map of a register",
                                description="Write the map of a register. Rejected rows are written beside "
                                            "the map as <output>.rejected.csv; the other parks are published.")
    build.add_argument("register", type=Path, help=_REGISTER_HELP)
    build.add_argument("--sheet", help="Excel sheet to read (default: the first visible sheet)")
    map_options(build, "<register name>.html in the current folder")

    validate = commands.add_parser("validate", help="check a register row by row (exit 0 ok, 1 rows rejected, "
                                                    "2 file unreadable)",
                                   description="Report what happens to every row: park, rejected (row, column, "
                                               "value, reason) or skipped. Exit 0 when no row is rejected, 1 when "
                                               "some are, 2 when the file cannot be read.")
    validate.add_argument("register", type=Path, help=_REGISTER_HELP)
    validate.add_argument("--sheet", help="Excel sheet to read (default: the first visible sheet)")
    validate.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")

    assets = commands.add_parser("assets", help="fetch the pinned JS/CSS used by --offline (needs npm once)")
    assets.add_argument("action", choices=("fetch",), help="fetch: download with npm pack and verify by hash")
    return parser


def _publish(data: geo.Parks, output: Path, args: argparse.Namespace) -> int:
    m = park_heatmap(data.parks, areas=data.areas, outline=data.outline, weight=args.weight)
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
    try:
        if args.command == "demo":
            return _publish(geo.kunshan_default(), args.output or Path("kunshan-heatmap.html"), args)
        if args.command == "build":
            data = geo.load_parks(args.register, sheet=args.sheet)
            return _publish(data, args.output or Path(args.register.stem + ".html"), args)
        if args.command == "validate":
            report = geo.load_parks(args.register, sheet=args.sheet).report
            print(report.to_json() if args.format == "json" else report.to_text())
            return 0 if report.ok else 1
        for path in fetch_assets():
            print(path)
        return 0
    except HeatmapError as error:
        print(f"kunshan-heatmap: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # e.g. the output is a folder, or not writable
        print(f"kunshan-heatmap: error: cannot write {error.filename or ''}: {error.strerror or error}",
              file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
