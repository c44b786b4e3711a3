"""Registries are data files read through one loader: datums, precisions, and the checks of their fields."""

import json
import sys

import pandas as pd
import pytest

import geo.place.datum_names
from geo import RegistryError
from geo.errors import RegisterError
from geo.place.datum import DATUMS, parse_datum
from geo.registry import datums, entries, load_json, precisions


@pytest.fixture
def package(tmp_path, monkeypatch, request):
    """A package of its own on sys.path, to hold registries written by a test."""
    name = f"registry_{request.node.name.replace('[', '_').replace(']', '').replace('-', '_')}"
    folder = tmp_path / name
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name, folder
    sys.modules.pop(name, None)


def test_missing_fields_are_all_named_at_once(package):
    name, folder = package
    (folder / "things.json").write_text(json.dumps({"things": [
        {"code": "a", "label": "A"},
        {"code": "b"},
        {"label": "C", "aliases": []},
    ]}), encoding="utf-8")
    with pytest.raises(RegistryError) as caught:
        entries("things.json", "things", ["code", "label", "aliases"], package=name)
    assert str(caught.value) == (
        f"{name}/things.json: missing field(s) things[0] (a): aliases; things[1] (b): label, aliases; "
        "things[2] (?): code; every entry needs code, label, aliases")
    assert isinstance(caught.value, ValueError)


def test_a_nested_list_is_found_by_its_dotted_path(package):
    name, folder = package
    (folder / "nested.json").write_text(json.dumps({"outer": {"inner": [{"code": "x"}]}}), encoding="utf-8")
    assert entries("nested.json", "outer.inner", ["code"], package=name) == [{"code": "x"}]
    with pytest.raises(RegistryError, match=r"nested.json: no list 'outer.other'"):
        entries("nested.json", "outer.other", ["code"], package=name)


def test_every_registry_of_geo_data_has_an_about_line():
    for name in ("sectors.json", "statuses.json", "columns.json", "units.json", "datums.json", "precisions.json",
                 "geocoder_levels.json", "kunshan_addresses.json"):
        assert load_json(name)["_about"].strip(), name


# --- datums ---------------------------------------------------------------------------------------------------


def test_datums_registry():
    registry = datums()
    assert registry.index.tolist() == list(DATUMS) == ["wgs84", "gcj02", "bd09"]
    assert registry["label"].tolist() == ["WGS-84", "GCJ-02", "BD-09"]
    assert "高德" in registry.loc["gcj02", "aliases"] and "百度" in registry.loc["bd09", "aliases"]


@pytest.mark.parametrize("code, alias", [(code, alias) for code, aliases in datums()["aliases"].items()
                                         for alias in [code, *aliases]])
def test_each_datum_alias_of_the_data_file_parses(code, alias):
    assert parse_datum(alias) == code
    assert parse_datum(f" {alias.upper()} ") == code


def test_the_unknown_datum_message_lists_the_data_files_names():
    with pytest.raises(RegisterError) as caught:
        parse_datum("mercator")
    assert str(caught.value) == (
        "unknown datum 'mercator'; allowed: wgs84 (wgs-84, cgcs2000, gps); gcj02 (gcj-02, 火星坐标, 高德, amap, gaode, "
        "tencent, 腾讯); bd09 (bd-09, bd09ll, 百度, baidu) / 坐标系 'mercator' 无法识别")


def test_a_datums_file_naming_a_datum_without_formulas_is_refused(monkeypatch):
    other = pd.DataFrame({"aliases": [["gps"], ["utm"]]}, index=pd.Index(["wgs84", "utm51n"], name="code"))
    monkeypatch.setattr(geo.place.datum_names, "datums", lambda: other)
    geo.place.datum_names._names.cache_clear()
    try:
        with pytest.raises(RegistryError, match=r"datums wgs84, utm51n; the formulas convert exactly wgs84, gcj02, bd09"):
            parse_datum("gps")
    finally:
        geo.place.datum_names._names.cache_clear()


# --- precisions -----------------------------------------------------------------------------------------------


def test_precisions_registry():
    levels = precisions()
    assert levels.index.tolist() == ["exact", "road", "town", "zone", "city", "region"]
    assert levels["rank"].tolist() == [0, 1, 2, 3, 4, 5]
    assert levels["radius_m"].dtype == "float64"
    assert levels["radius_m"].tolist() == [0.0, 800.0, 3000.0, 6000.0, 12000.0, 30000.0]
    assert levels.index[levels["expectable"]].tolist() == ["exact", "road", "town", "zone", "city"]
