"""What each command does: one function per command over the public functions of geo and layers."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import geo
from geo.errors import HeatmapError
from geo.registry import sectors as sector_registry
from geo.registry import statuses as status_registry
from geo.write.atomic import os_error_reason
from geo.write.targets import refuse_input
from layers.cli.summary import geocode_lines, summary_lines
from layers.heatmap import park_heatmap
from layers.publish.assets import fetch_assets
from layers.publish.embed import embed_snippet
from layers.publish.output import check_map_path, publish_map, rejected_path

__all__ = ["run", "COMMANDS"]


def _say(text: str) -> None:
    print(text, file=sys.stderr)


def _summary(report: geo.Report, rejected: Path | None = None, **options) -> None:
    """End a command with the one summary in Chinese and English on stderr."""
    for line in summary_lines(report, rejected, **options):
        _say(line)


def _card_extra(data: geo.Parks, names: list[str]) -> dict[str, str]:
    """Header as typed -> the parks' column holding it, for ``--card-extra``: a used column by its field (备注 is
    ``note``), another by its own name (``<name> (extra)`` where the reader renamed it)."""
    fields = {entry["column"]: entry["field"] for entry in data.report.columns}
    unknown = [name for name in names if name not in fields]
    if unknown:
        raise ValueError(f"--card-extra: no column {', '.join(map(repr, unknown))} in the register; its columns: "
                         f"{', '.join(fields)} / 登记表中没有该列")
    return {name: fields[name] or (name if name in data.parks.columns else f"{name} (extra)") for name in names}


def _map_output(output: Path, source: Path | None = None) -> Path:
    """The map file to write, checked before any work: neither it nor its rejected file the register ``source``,
    and an .html/.htm name."""
    if source is not None:
        for target in (output, rejected_path(output)):
            refuse_input(target, source)
    return check_map_path(output)


def _publish(data: geo.Parks, output: Path, args: argparse.Namespace) -> int:
    """Publish the map of ``data`` and its rejected rows beside it, both or neither; say what was published."""
    m = park_heatmap(data.parks, areas=data.areas, outline=data.outline, weight=args.weight, basemap=args.basemap,
                     heat=args.heat, bandwidth_m=args.bandwidth_m, cell_m=args.cell_m, language=args.language,
                     cluster={"on": True, "off": False}.get(args.cluster, "auto"), programme=geo.programme(),
                     title=args.title, card_extra=_card_extra(data, args.card_extra),
                     ui={"accent": args.accent, "font": args.font, "panels": args.panels, "folded": args.folded},
                     heat_ramp=args.heat_ramp)
    path, rejected = publish_map(m, output, data.report.rejected_frame(), offline=args.offline)
    _summary(data.report, rejected.resolve(), published=True)
    print(path.resolve())
    return 0


def demo(args: argparse.Namespace) -> int:
    return _publish(geo.kunshan_default(), _map_output(args.output or Path("kunshan-heatmap.html")), args)


def build(args: argparse.Namespace) -> int:
    output = _map_output(args.output or Path(args.register.stem + ".html"), args.register)
    data = geo.load_parks(args.register, sheet=args.sheet, datum=args.datum, outside=args.outside)
    return _publish(data, output, args)


def validate(args: argparse.Namespace) -> int:
    data = geo.load_parks(args.register, sheet=args.sheet, datum=args.datum, outside=args.outside)
    report = data.report
    print(report.to_json() if args.format == "json" else report.to_text())
    _summary(report)
    return 0 if report.ok else 1


def convert(args: argparse.Namespace) -> int:
    summary = geo.convert_file(args.input, args.output, from_datum=args.source, to_datum=args.target,
                               sheet=args.sheet)
    _say(f"{summary['converted']} points converted from {args.source} to {args.target}")
    if summary["skipped_rows"]:
        _say(f"rows left unchanged (no readable coordinates): {', '.join(map(str, summary['skipped_rows']))}")
    print(args.output.resolve())
    return 0


def geocode(args: argparse.Namespace) -> int:
    table, report = geo.geocode_register(args.register, args.output, provider=args.provider, sheet=args.sheet,
                                         datum=args.datum, cache_path=args.cache, no_cache=args.no_cache,
                                         expected_precision=args.expect, progress=not args.no_progress)
    _summary(report)
    for line in geocode_lines(table):
        _say(line)
    print(args.output.resolve())
    return 0


def sectors(args: argparse.Namespace) -> int:
    """Print the known sectors, then the statuses: one per line, code, 中文, English, aliases (tab-separated)."""
    for title, registry in (("sectors / 产业", sector_registry()), ("statuses / 状态", status_registry())):
        print(f"# {title}: code\t中文\tEnglish\taliases")
        for code, zh, en, aliases in registry[["code", "zh", "en", "aliases"]].itertuples(index=False):
            print(f"{code}\t{zh}\t{en}\t{', '.join(aliases)}")
    return 0


def embed(args: argparse.Namespace) -> int:
    print(embed_snippet(args.url, title=args.title, aspect=args.aspect, language=args.language,
                        share_base=args.share_base))
    return 0


def assets(args: argparse.Namespace) -> int:
    for path in fetch_assets():
        print(path)
    return 0


#: Command name -> the function that runs it.
COMMANDS = {"demo": demo, "build": build, "validate": validate, "convert": convert, "geocode": geocode,
            "sectors": sectors, "embed": embed, "assets": assets}


def run(args: argparse.Namespace) -> int:
    """Run the parsed command; errors a user can cause end with one line on stderr and exit code 2."""
    try:
        return COMMANDS[args.command](args)
    except (HeatmapError, ValueError) as error:  # ValueError: an option the command cannot use (an output type)
        _say(f"kunshan-heatmap: error: {error}")
        return 2
    except KeyboardInterrupt:
        _say("kunshan-heatmap: interrupted; finished results are kept (a re-run resumes)")
        return 130
    except OSError as error:  # one the writers did not name (they raise WriteError, a HeatmapError)
        english, chinese = os_error_reason(error)
        where = f"{error.filename}: " if error.filename else ""
        _say(f"kunshan-heatmap: error: {where}{english} / {chinese}")
        return 2
