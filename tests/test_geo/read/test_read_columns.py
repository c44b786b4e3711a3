"""Every column of a register accounted for, and the register's own sector words kept (real .xlsx files)."""

from __future__ import annotations

import pandas as pd
import pytest

from geo import read_register
from registers import write_xlsx
from geo.read.columns import column_use

TOOL = "written by kunshan-heatmap geocode, not read as park data / 由 kunshan-heatmap geocode 写入的定位结果列，不作为园区数据读取"




def test_each_column_is_named_with_its_field_or_as_not_used_with_a_hint(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", ["园区名称", "所在镇", "园区认定时间", "longtitude", "运营主体", "定位状态", "备注"],
                    ["甲园", "陆家镇", "2022年6月", "120.95", "某公司", "ok", "x"])
    columns = read_register(path).report.columns
    assert [(c["column"], c["field"]) for c in columns] == [
        ("园区名称", "name"), ("所在镇", "town"), ("园区认定时间", None), ("longtitude", None), ("运营主体", None),
        ("定位状态", None), ("备注", "note")]
    hints = {c["column"]: c["hint"] for c in columns}
    assert hints["园区认定时间"] == ("looks like 'date': rename the header to '认定时间' to use it "
                                "/ 类似“认定时间”，改列名为“认定时间”即可使用")
    assert hints["longtitude"] == ("looks like 'lon': rename the header to 'longitude' to use it "
                                   "/ 类似“longitude”，改列名为“longitude”即可使用")
    assert hints["运营主体"] is None and hints["定位状态"] == TOOL  # geocode's own column, not park data


@pytest.mark.parametrize("header", ["园区面积", "企业编号"])
def test_words_of_the_name_and_id_headers_inside_other_headers_give_no_hint(header):
    assert column_use(["园区名称", header], {"name": ("园区名称", None)})[1] == {"column": header, "field": None,
                                                                            "hint": None}


def test_unknown_sector_words_stay_the_label_under_code_other(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", ["园区名称", "主导产业"], ["甲园", " 半导体 "], ["乙园", "机器人"], ["丙园", None],
                    ["丁园", "其他"])
    table = read_register(path).table
    assert table["sector"].tolist() == ["other", "robotics", "other", "other"]
    assert table["sector_label"].tolist()[0] == "半导体" and table["sector_label"].iloc[1:].isna().all()
    assert str(table["sector_label"].dtype) == "string"


def test_the_date_column_is_kept_as_an_iso_date_beside_the_year(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", ["园区名称", "认定时间"], ["甲园", "2021年3月8日"], ["乙园", "2022年6月"], ["丙园", None])
    table = read_register(path).table
    assert table["date"].tolist()[:2] == ["2021-03-08", "2022-06"] and table["date"].iloc[2] is pd.NA
