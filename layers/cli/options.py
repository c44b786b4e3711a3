"""The command line's options: one small function per command, the shared map and datum options once."""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

from geo.analyse.weights import WEIGHTS
from layers.elements.basemaps import BASEMAPS
from layers.elements.markers import CLUSTER_AUTO_MIN
from layers.heatmap import HEATS
from layers.page.app import LANGUAGES
from layers.page.ui import PANELS

__all__ = ["parser"]

_DESCRIPTION = """\
昆山园区热力图：把园区登记表（CSV、Excel .xlsx、GeoJSON、Parquet；中文或英文表头）做成交互式 HTML 地图。
Make the Kunshan park heatmap: an interactive HTML map of the parks of a register (CSV, Excel .xlsx,
GeoJSON or Parquet; headers in Chinese or English).

例 / examples:
  kunshan-heatmap demo
  kunshan-heatmap build parks.xlsx
  kunshan-heatmap validate parks.csv --datum gcj02
  kunshan-heatmap geocode parks.xlsx -o located.xlsx
  kunshan-heatmap convert in.csv --from gcj02 --to wgs84 -o out.csv
  kunshan-heatmap embed https://maps.example.org/kunshan.html

"kunshan-heatmap COMMAND --help" 查看每个命令的说明和示例 / shows each command's options and an example.
"""
#: Command -> (一行中文说明, one-line English summary, typical example).
_COMMANDS = {
    "demo": ("生成内置 27 个公开园区的地图", "write the map of the embedded 27 public parks",
             "kunshan-heatmap demo -o kunshan.html --offline"),
    "build": ("用登记表生成地图；拒收的行写在地图旁的 <output>.rejected.csv",
              "write the map of a register; rejected rows go to <output>.rejected.csv beside it",
              "kunshan-heatmap build parks.xlsx --sheet 园区 --datum gcj02 -o map.html"),
    "validate": ("逐行检查登记表（退出码 0 无拒收，1 有拒收，2 文件无法读取）",
                 "check a register row by row (exit 0 none rejected, 1 rows rejected, 2 file unreadable)",
                 "kunshan-heatmap validate parks.xlsx --format json"),
    "convert": ("经纬度列在 WGS-84、GCJ-02（高德）和 BD-09（百度）之间转换",
                "convert lon/lat columns between WGS-84, GCJ-02 (Gaode) and BD-09 (Baidu)",
                "kunshan-heatmap convert picked.csv --from gcj02 --to wgs84 -o wgs84.csv"),
    "geocode": ("为没有坐标的行按地址（否则按镇）补坐标", "give coordinates to the rows that have none, by "
                "address (else town)", "kunshan-heatmap geocode parks.xlsx -o located.xlsx"),
    "sectors": ("列出已知的产业和状态（代码、中文、英文、别名）",
                "list the known sectors and statuses (code, 中文, English, aliases)", "kunshan-heatmap sectors"),
    "embed": ("输出把已发布地图嵌入门户的 iframe 代码", "print an iframe snippet that embeds a published map",
              "kunshan-heatmap embed https://maps.example.org/kunshan.html --language en"),
    "assets": ("下载 --offline 用的固定版本 JS/CSS（需要一次 npm）",
               "fetch the pinned JS/CSS used by --offline (needs npm once)", "kunshan-heatmap assets fetch"),
}
_DATUM_HELP = ("datum of the register's coordinates / 登记表坐标的坐标系: wgs84 (GPS, OpenStreetMap, 天地图 "
               "Tianditu), gcj02, bd09; default wgs84. Coordinates picked on Gaode (高德坐标拾取器) or Tencent "
               "(腾讯) are GCJ-02 and need --datum gcj02; coordinates from Baidu (百度) need --datum bd09. "
               "A 坐标系/datum column overrides it row by row")


def _command(commands, name: str, description: str = "") -> argparse.ArgumentParser:
    """A sub-command with its one-line Chinese and English summary and a typical example (epilog)."""
    zh, en, example = _COMMANDS[name]
    text = f"{zh}\n{en}" + (f"\n\n{textwrap.fill(description, 100)}" if description else "")
    return commands.add_parser(name, help=f"{zh} / {en}", description=text, epilog=f"例 / example:\n  {example}",
                               formatter_class=argparse.RawDescriptionHelpFormatter)


_REGISTER_HELP = ("register file: .csv (UTF-8 or GBK), .xlsx, .geojson or .parquet; one park per row with at "
                  "least a name column (园区名称/名称/name) and, for the position, 经度/纬度 (lon/lat, WGS-84) "
                  "or the host town (所在镇/town)")
_SHEET_HELP = "Excel sheet to read (default: the first visible sheet)"


def parser() -> argparse.ArgumentParser:
    """The ``kunshan-heatmap`` parser, one sub-command per task."""
    top = argparse.ArgumentParser(prog="kunshan-heatmap", description=_DESCRIPTION,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in (_demo, _build, _validate, _convert, _geocode, _sectors, _embed, _assets):
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
    sub.add_argument("--card-extra", type=_names, default=[], metavar="COLUMNS",
                     help="register columns to show on every park card as written, comma-separated, e.g. "
                          "--card-extra 备注,运营主体 (the summary lists the columns not used) "
                          "/ 在园区卡片上显示的其他列，逗号分隔")
    sub.add_argument("--heat-ramp", type=_names, default=None, metavar="COLOURS",
                     help="the heat's colours, 2 to 8 #rrggbb from light to dark, comma-separated, e.g. "
                          "'#fff5eb,#fd8d3c,#7f2704' (density, classic heat and legends) / 热力色带")
    sub.add_argument("--accent", default=None, metavar="COLOUR",
                     help="accent colour of the panel, links and focus ring, e.g. '#c0392b' / 主题色")
    sub.add_argument("--font", default=None, help="font family of the page, e.g. \"'Noto Sans SC', sans-serif\"")
    sub.add_argument("--panels", type=_names, default=None, metavar="PARTS",
                     help=f"panel parts to show, comma-separated, of: {', '.join(PANELS)} (default: all) / 显示的面板")
    sub.add_argument("--folded", action=argparse.BooleanOptionalAction, default=None,
                     help="start with the panel folded (--no-folded: open); default: folded on frames under 700 px")
    sub.add_argument("--title", default=None,
                     help="title of the map and the page, the same in every language (default: "
                          "昆山特色专业创新园区热力图 in the reader's language)")


def _names(text: str) -> list[str]:
    """``备注,运营主体`` (commas ASCII or full-width) -> ``["备注", "运营主体"]``."""
    return [name.strip() for name in text.replace("，", ",").split(",") if name.strip()]


def _register_options(sub: argparse.ArgumentParser) -> None:
    """The register to read, its sheet and the datum of its coordinates."""
    sub.add_argument("register", type=Path, help=_REGISTER_HELP)
    sub.add_argument("--sheet", help=_SHEET_HELP)
    sub.add_argument("--datum", default="wgs84", help=_DATUM_HELP)


def _outside_option(sub: argparse.ArgumentParser) -> None:
    """What becomes of a park whose point lies outside the county outline while its town is given."""
    sub.add_argument("--outside", choices=("town", "reject"), default="town",
                     help="a point outside the county outline, town given: town = keep the park at its town "
                          "with a warning (default); reject = reject the row / 坐标在市界外但填了镇：town 按镇定位并警告，"
                          "reject 拒收该行")


def _demo(commands) -> None:
    demo = _command(commands, "demo", "Write the map of the embedded Kunshan default: 27 parks named in "
                                      "public reports, located by host town (see PROVENANCE.md).")
    _map_options(demo, "kunshan-heatmap.html")


def _build(commands) -> None:
    build = _command(commands, "build", "Write the map of a register: the accepted parks are published, the "
                                        "rejected rows are written beside the map as <output>.rejected.csv "
                                        "(row, name, column, value, reason). Ends with a summary on stderr: parks, "
                                        "rejected, skipped, warnings, the sheet read and the rejected file.")
    _register_options(build)
    _outside_option(build)
    _map_options(build, "<register name>.html in the current folder")


def _validate(commands) -> None:
    validate = _command(commands, "validate", "Report what happens to every row: park, rejected (row, column, "
                                              "value, reason) or skipped. Exit 0 when no row is rejected, 1 when "
                                              "some are, 2 when the file cannot be read.")
    _register_options(validate)
    _outside_option(validate)
    validate.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")


def _convert(commands) -> None:
    convert = _command(commands, "convert", "Convert the longitude/latitude columns (经度/lon/lng, 纬度/lat) of a "
                                            "CSV, XLSX or GeoJSON table between datums; every other column and "
                                            "the row order are kept.")
    convert.add_argument("input", type=Path, help="table to convert (.csv, .xlsx, .geojson)")
    convert.add_argument("--from", dest="source", required=True, help="datum of the input: wgs84, gcj02, bd09")
    convert.add_argument("--to", dest="target", required=True, help="datum to write: wgs84, gcj02, bd09")
    convert.add_argument("-o", "--output", type=Path, required=True, help="file to write (same type as the input)")
    convert.add_argument("--sheet", help="Excel sheet to convert (default: the first visible sheet)")


def _geocode(commands) -> None:
    geocode = _command(commands, "geocode", "Geocode the rows without coordinates by their address (else their "
                                            "town) and write a copy of your file (same sheets, title rows, "
                                            "merges, formats and cells) with new columns on the right: 经度/纬度 "
                                            "(WGS-84), 坐标系, 精度, 定位来源, 定位状态, 需复核, 定位说明 "
                                            "(English names under an English header). Offline by default "
                                            "(the Kunshan gazetteer); online providers need a key in the "
                                            "environment (KUNSHAN_AMAP_KEY, KUNSHAN_BAIDU_AK) or, for Nominatim, "
                                            "a contact in KUNSHAN_NOMINATIM_USER_AGENT. Results are cached in "
                                            "SQLite: a re-run asks again only what failed.")
    _register_options(geocode)
    geocode.add_argument("--provider", choices=("offline", "amap", "baidu", "nominatim"), default="offline",
                         help="geocoder (default: offline)")
    geocode.add_argument("-o", "--output", type=Path, required=True,
                         help="the copy to write, of the register's type (.xlsx for .xlsx, .csv for .csv; "
                              ".csv or .xlsx for GeoJSON/Parquet)")
    cache = geocode.add_mutually_exclusive_group()
    cache.add_argument("--cache", type=Path, default=None,
                       help="SQLite cache (default: $KUNSHAN_HEATMAP_GEOCACHE or ~/.cache/kunshan-heatmap/"
                            "geocode.sqlite); a new path builds a new cache")
    cache.add_argument("--no-cache", action="store_true",
                       help="geocode without reading or writing any cache (e.g. when the cache is damaged or "
                            "locked): every address is asked / 不使用缓存")
    geocode.add_argument("--expect", choices=("exact", "road", "town", "zone", "city"), default=None,
                         help="flag for review the results coarser than this precision")
    geocode.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")


def _sectors(commands) -> None:
    _command(commands, "sectors", "One line per sector, then per status: code, 中文, English and the aliases a "
                                  "register may write (tab-separated). A register word that matches none of them "
                                  "is kept as written, under the code other, with a warning.")


def _embed(commands) -> None:
    embed = _command(commands, "embed", "Print a responsive, sandboxed iframe snippet for a map published at "
                                        "URL (serve the map from its own origin; the sandbox has no "
                                        "allow-same-origin, so the map cannot touch the portal). The host page "
                                        "can drive the map with postMessage; see the README.")
    embed.add_argument("url", help="where the map is published (https://... or a relative path)")
    embed.add_argument("--title", default=None,
                       help="iframe title for screen readers (default: the map's title in --language)")
    embed.add_argument("--aspect", default="4/3", help="width/height ratio of the frame (default: 4/3)")
    embed.add_argument("--language", choices=LANGUAGES, default=None, help="language the map opens in")
    embed.add_argument("--share-base", default=None, metavar="PORTAL_URL",
                       help="the portal page's own https address: the map's 'copy link' then copies PORTAL_URL"
                            "#lang=...&park=..., and the portal opened with such a link shows that state "
                            "/ 门户页面地址：复制的链接指向门户")


def _assets(commands) -> None:
    assets = _command(commands, "assets", "")
    assets.add_argument("action", choices=("fetch",), help="fetch: download with npm pack and verify by hash")
