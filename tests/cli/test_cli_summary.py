"""The one bilingual summary of build / validate / geocode, rejected.csv with the park name, --help, `sectors`."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from layers.cli import main
from layers.cli.summary import WARNINGS_SHOWN

HEADER = ["园区名称", "主导产业", "所在镇", "状态", "总投资（亿元）", "经度", "纬度"]
ROWS = [["甲园", "智能机器人", "陆家镇", "在建", 12.5, None, None],
        ["上海园", "光电", None, "认定园区", 3, 121.47, 31.23],
        ["坏数园", "光电", "周市镇", "规划", "abc", None, None],
        ["丁园", "光电", "周市镇", "施工中", 2, None, None]]
OUTSIDE = "point outside the Kunshan county outline (lon, lat as given, WGS-84) / 坐标不在昆山市范围内"


def run(capsys, *argv):
    code = main(list(map(str, argv)))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def workbook(tmp_path):
    """Last year's sheet first but hidden, then the register under a title row, then a visible notes sheet."""
    sheets = [("2023年", [["园区名称", "所在镇"], ["旧园", "张浦镇"]], "hidden"),
              ("2024年", [["昆山特色园区登记表（2024）"], HEADER, *ROWS], "visible"),
              ("说明", [["本表由招商局填写"]], "visible")]
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows, state in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        sheet.sheet_state = state
    path = tmp_path / "登记表.xlsx"
    book.save(path)
    return path


def read_csv(path):
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def test_build_summary_names_the_sheet_the_other_sheets_and_the_rejected_file(workbook, tmp_path, capsys):
    output = tmp_path / "map.html"
    code, _, err = run(capsys, "build", workbook, "-o", output)
    assert code == 0
    assert err.splitlines() == [
        "汇总 / Summary: 2 个园区已发布 parks published, 2 行拒收 rejected, 0 行跳过 skipped, 0 条警告 warnings "
        "(共读 4 行 / 4 rows read)",
        "工作表 / Sheet read: 2024年; 其他工作表 / other sheets: 2023年 (隐藏 hidden), 说明",
        f"拒收行 / Rejected rows: {(tmp_path / 'map.rejected.csv').resolve()}"]
    assert read_csv(tmp_path / "map.rejected.csv") == [
        ["row", "name", "column", "value", "reason"],
        ["4", "上海园", "经度", "121.47, 31.23", OUTSIDE],
        ["5", "坏数园", "总投资（亿元）", "abc", "not a number / 不是数字"]]


def test_validate_summary_on_stderr_for_the_sheet_asked(workbook, capsys):
    code, out, err = run(capsys, "validate", workbook, "--sheet", "2023年")
    assert code == 0
    assert out.splitlines()[0] == f"{workbook}: 1 rows read, 1 parks, 0 rejected, 0 skipped, 0 warnings"
    assert err.splitlines() == [
        "汇总 / Summary: 1 个园区 parks, 0 行拒收 rejected, 0 行跳过 skipped, 0 条警告 warnings "
        "(共读 1 行 / 1 rows read)",
        "工作表 / Sheet read: 2023年; 其他工作表 / other sheets: 2024年, 说明"]


def test_build_lists_its_warnings_then_counts_the_rest(tmp_path, capsys):
    rows = [["园区名称", "主导产业", "所在镇"], *[[f"园{n}", "光电", None] for n in range(WARNINGS_SHOWN + 3)]]
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    register = tmp_path / "r.csv"
    register.write_text(buffer.getvalue(), encoding="utf-8")
    code, _, err = run(capsys, "build", register, "-o", tmp_path / "r.html")
    assert code == 0
    lines = err.splitlines()
    assert lines[0] == ("汇总 / Summary: 23 个园区已发布 parks published, 0 行拒收 rejected, 0 行跳过 skipped, "
                        "23 条警告 warnings (共读 23 行 / 23 rows read)")
    assert lines[1] == "警告 / Warnings:"
    assert lines[2].startswith("  第 2 行 row 2, 列 column ") and "placed at city level" in lines[2]
    assert len([line for line in lines if line.startswith("  第 ")]) == WARNINGS_SHOWN
    assert lines[-1] == "  ... 还有 3 条 / 3 more (validate --format json lists them all)"
    assert not any("工作表" in line or "拒收行" in line for line in lines)  # a CSV, nothing rejected


def test_geocode_summary_counts_precision_levels(tmp_path, capsys):
    register = tmp_path / "parks.csv"
    register.write_text("园区名称,所在镇\n甲园,陆家镇\n乙园,花桥\n", encoding="utf-8")
    code, _, err = run(capsys, "geocode", register, "-o", tmp_path / "out.csv", "--cache", tmp_path / "c.sqlite",
                       "--no-progress")
    assert code == 0
    assert err.splitlines() == [
        "汇总 / Summary: 2 个园区 parks, 0 行拒收 rejected, 0 行跳过 skipped, 0 条警告 warnings "
        "(共读 2 行 / 2 rows read)",
        "定位结果 / Results: ok 2",
        "精度 / Precision: town 2 (粗于地址级 coarser than an address: 2)",
        "待复核 / To review: 0"]


def help_text(capsys, monkeypatch, *argv):
    monkeypatch.setenv("COLUMNS", "200")  # one line per help entry
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--help"])
    assert exit_.value.code == 0
    return capsys.readouterr().out


def test_top_help_lists_commands_in_both_languages(capsys, monkeypatch):
    out = help_text(capsys, monkeypatch)
    assert "    sectors   列出已知的产业和状态（代码、中文、英文、别名） / list the known sectors and statuses " \
           "(code, 中文, English, aliases)\n" in out
    assert "    build     用登记表生成地图；拒收的行写在地图旁的 <output>.rejected.csv / write the map of a " \
           "register; rejected rows go to <output>.rejected.csv beside it\n" in out
    assert "例 / examples:\n  kunshan-heatmap demo\n  kunshan-heatmap build parks.xlsx\n" in out


@pytest.mark.parametrize("command, zh, en, example", [
    ("build", "用登记表生成地图；拒收的行写在地图旁的 <output>.rejected.csv",
     "write the map of a register; rejected rows go to <output>.rejected.csv beside it",
     "kunshan-heatmap build parks.xlsx --sheet 园区 --datum gcj02 -o map.html"),
    ("validate", "逐行检查登记表（退出码 0 无拒收，1 有拒收，2 文件无法读取）",
     "check a register row by row (exit 0 none rejected, 1 rows rejected, 2 file unreadable)",
     "kunshan-heatmap validate parks.xlsx --format json"),
    ("geocode", "为没有坐标的行按地址（否则按镇）补坐标", "give coordinates to the rows that have none, by address "
     "(else town)", "kunshan-heatmap geocode parks.xlsx -o located.xlsx"),
    ("sectors", "列出已知的产业和状态（代码、中文、英文、别名）",
     "list the known sectors and statuses (code, 中文, English, aliases)", "kunshan-heatmap sectors"),
    ("assets", "下载 --offline 用的固定版本 JS/CSS（需要一次 npm）",
     "fetch the pinned JS/CSS used by --offline (needs npm once)", "kunshan-heatmap assets fetch"),
])
def test_command_help_has_both_summaries_and_an_example(capsys, monkeypatch, command, zh, en, example):
    out = help_text(capsys, monkeypatch, command)
    assert out.split("\n\n")[1] == f"{zh}\n{en}"
    assert out.endswith(f"\n\n例 / example:\n  {example}\n")


@pytest.mark.parametrize("command", ["build", "validate", "geocode"])
def test_datum_help_says_gaode_and_tencent_need_gcj02(capsys, monkeypatch, command):
    out = " ".join(help_text(capsys, monkeypatch, command).split())
    assert ("Coordinates picked on Gaode (高德坐标拾取器) or Tencent (腾讯) are GCJ-02 and need --datum gcj02; "
            "coordinates from Baidu (百度) need --datum bd09.") in out


def test_sectors_prints_sectors_and_statuses_one_per_line(capsys):
    code, out, _ = run(capsys, "sectors")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "# sectors / 产业: code\t中文\tEnglish\taliases"
    assert lines[1] == "robotics\t智能机器人\tIntelligent robotics\t机器人, robot, robots"
    statuses = lines[lines.index("# statuses / 状态: code\t中文\tEnglish\taliases") + 1:]
    assert "under_construction\t在建\tUnder construction\t建设中, 在建中, 施工中, under construction" in statuses
    assert "groundbreaking\t集中开工\tGroundbreaking\t开工, 新开工, 开工建设, 集中开工仪式" in statuses
    assert statuses[-1] == "other\t其他\tOther\t"


def test_zai_jian_is_under_construction_not_groundbreaking(workbook, tmp_path, capsys):
    output = tmp_path / "map.html"
    assert run(capsys, "build", workbook, "-o", output)[0] == 0
    import geo
    parks = geo.load_parks(workbook).parks.set_index("name")
    assert parks.loc[["甲园", "丁园"], "status"].tolist() == ["under_construction", "under_construction"]
