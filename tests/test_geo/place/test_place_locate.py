"""Locating parks (coordinates, towns, aliases, addresses, city level) and the schematic town areas."""


import pytest
import shapely

from geo import METRIC_CRS, kunshan_gazetteer, kunshan_outline, locate_parks, read_register, town_areas
from registers import assert_accounted, write_csv

SEEDS = ["玉山镇", "巴城镇", "周市镇", "陆家镇", "花桥镇", "淀山湖镇", "张浦镇", "周庄镇", "千灯镇", "锦溪镇",
         "昆山开发区", "昆山高新区"]
# Points of geo/data/kunshan_towns_points.geojson
ZHANGPU = (120.945, 31.285)
ETDZ = (121.005, 31.355)
HUAQIAO = (121.0998, 31.3006)
JINXI = (120.905, 31.185)
SEAT = (120.9514, 31.3844)  # 玉山镇, the city seat
OUTSIDE = "point outside the Kunshan county outline (lon, lat as given, WGS-84) / 坐标不在昆山市范围内"
CITY_LEVEL = ("no coordinates, town or address: placed at city level, position within Kunshan unknown "
              "/ 无坐标、镇或地址：按市级示意定位")


def xy(point):
    return (round(point.x, 6), round(point.y, 6))


@pytest.fixture(scope="module")
def located(tmp_path_factory):
    rows = [
        ["园区名称", "所在镇", "地址", "经度", "纬度"],
        ["坐标园", "陆家镇", "", "120.95", "31.30"],              # 2 exact (coordinates win over town)
        ["开发区园", "昆山开发区", "", "", ""],                   # 3
        ["经开区园", "昆山经济技术开发区", "", "", ""],            # 4 alias
        ["花桥园", "花桥经济开发区", "", "", ""],                  # 5 alias of 花桥镇
        ["张浦园", "张浦", "", "", ""],                          # 6 short name
        ["英文园", "Zhangpu", "", "", ""],                       # 7 English name
        ["地址园", "", "昆山市锦溪镇锦商路699号", "", ""],          # 8 address
        ["火星园", "火星镇", "", "", ""],                         # 9 unknown town
        ["上海园", "", "", "121.47", "31.23"],                   # 10 outside the outline
        ["无址园", "", "", "", ""],                              # 11 city level
        ["度假区园", "旅游度假区", "", "", ""],                    # 12 zone covering three towns
        ["外地址园", "", "上海市黄浦区南京东路1号", "", ""],         # 13 address naming no Kunshan place
    ]
    register = read_register(write_csv(tmp_path_factory.mktemp("locate") / "r.csv", rows))
    before = register.report.to_dict()
    located = locate_parks(register)
    assert register.report.to_dict() == before  # the register's report is not changed: the result has its own
    return register, located.report, located.parks.set_index("name")


def test_located_parks_crs_and_rows(located):
    register, report, parks = located
    assert parks.crs.to_epsg() == 4326
    assert parks["row"].tolist() == [2, 3, 4, 5, 6, 7, 8, 11, 12]
    assert len(register.table) == 12  # the register's own table is unchanged
    assert (register.report.parks, register.report.rejected) == (12, [])
    assert (report.rows_read, report.parks, len(report.rejected), len(report.skipped)) == (12, 9, 3, 0)
    assert_accounted(report)


def test_coordinates_give_exact_precision_and_the_register_town_stays(located):
    _, report, parks = located
    park = parks.loc["坐标园"]
    assert (park["precision"], park["located_by"], park["uncertainty_m"]) == ("exact", "coordinates", 0.0)
    assert xy(park.geometry) == (120.95, 31.3)
    assert park["host"] == "陆家镇"
    assert [w for w in report.warnings if w["row"] == 2] == [{
        "row": 2, "column": "所在镇", "value": "陆家镇",
        "message": "point lies in 张浦镇's schematic area; the register's town 陆家镇 is kept "
                   "/ 坐标位于张浦镇示意范围内，保留登记的陆家镇"}]


@pytest.mark.parametrize("name, host, point", [
    ("开发区园", "昆山开发区", ETDZ),
    ("经开区园", "昆山开发区", ETDZ),
    ("花桥园", "花桥镇", HUAQIAO),
    ("张浦园", "张浦镇", ZHANGPU),
    ("英文园", "张浦镇", ZHANGPU),
])
def test_town_names_and_aliases_give_town_precision(located, name, host, point):
    _, _, parks = located
    park = parks.loc[name]
    assert (park["host"], park["precision"], park["located_by"], park["uncertainty_m"]) == (
        host, "town", "town", 3000.0)
    assert xy(park.geometry) == point


def test_address_naming_a_town(located):
    _, _, parks = located
    park = parks.loc["地址园"]
    assert (park["host"], park["precision"], park["located_by"]) == ("锦溪镇", "town", "address")
    assert xy(park.geometry) == JINXI


def test_zone_covering_several_towns(located):
    _, _, parks = located
    park = parks.loc["度假区园"]
    assert (park["host"], park["precision"], park["uncertainty_m"]) == ("昆山旅游度假区", "zone", 6000.0)
    # the mean of the points of 淀山湖镇, 周庄镇 and 锦溪镇
    expected = ((120.993 + 120.8356 + 120.905) / 3, (31.175 + 31.1308 + 31.185) / 3)
    assert park.geometry.x == pytest.approx(expected[0], abs=1e-9)
    assert park.geometry.y == pytest.approx(expected[1], abs=1e-9)


def test_no_location_gives_city_precision_with_a_warning(located):
    _, report, parks = located
    park = parks.loc["无址园"]
    assert (park["host"], park["precision"], park["located_by"], park["uncertainty_m"]) == (
        "昆山市", "city", "none", 12000.0)
    assert xy(park.geometry) == SEAT
    city = [w for w in report.warnings if w["message"] == CITY_LEVEL]
    assert [(w["row"], w["column"]) for w in city] == [(11, "所在镇")]


def test_address_outside_kunshan_is_rejected(located):
    _, report, parks = located
    assert "外地址园" not in parks.index
    entry = next(e for e in report.rejected if e["row"] == 13)
    assert (entry["column"], entry["value"]) == ("地址", "上海市黄浦区南京东路1号")
    assert entry["reason"] == "the address names a place outside Kunshan / 地址不在昆山市 (上海市)"


def test_unknown_town_is_rejected(located):
    _, report, parks = located
    assert "火星园" not in parks.index
    entry = report.rejected[0]
    assert (entry["row"], entry["column"], entry["value"]) == (9, "所在镇", "火星镇")
    assert entry["reason"].startswith("unknown town or zone (known: 玉山镇, 巴城镇,")
    assert "昆山开发区, 昆山高新区, 昆山旅游度假区) / 未知的镇或板块" in entry["reason"]


def test_point_outside_the_outline_is_rejected_not_dropped(located):
    _, report, parks = located
    assert "上海园" not in parks.index
    assert report.rejected[1] == {"row": 10, "column": "经度", "value": "121.47, 31.23",
                                           "reason": OUTSIDE}
    assert not report.ok


def test_located_rows_never_vanish(tmp_path):
    rows = [["name", "lon", "lat"], ["in", "120.95", "31.30"], ["sh", "121.47", "31.23"], ["far", "0", "0"]]
    register = read_register(write_csv(tmp_path / "r.csv", rows))
    parks, report = locate_parks(register)
    assert parks["name"].tolist() == ["in"]
    assert [(e["row"], e["reason"]) for e in report.rejected] == [(3, OUTSIDE), (4, OUTSIDE)]
    assert (report.rows_read, report.parks) == (3, 1)
    assert_accounted(report)


# --- gazetteer, outline and areas --------------------------------------------------------------


def test_gazetteer():
    gazetteer = kunshan_gazetteer().set_index("name")
    assert gazetteer.crs.to_epsg() == 4326
    assert [n for n, seed in gazetteer["area_seed"].items() if seed] == SEEDS
    assert "昆山经济技术开发区" in gazetteer.loc["昆山开发区", "aliases"]
    assert "花桥经济开发区" in gazetteer.loc["花桥镇", "aliases"]
    assert gazetteer.loc["昆山市", "precision"] == "city"
    assert xy(gazetteer.loc["昆山市"].geometry) == SEAT
    assert gazetteer.loc["昆山旅游度假区", "covers"] == ["淀山湖镇", "周庄镇", "锦溪镇"]


@pytest.fixture(scope="module")
def areas():
    return town_areas()


def test_town_areas_are_twelve_schematic_polygons(areas):
    assert len(areas) == 12
    assert areas["name"].tolist() == SEEDS
    assert areas.crs.to_epsg() == 4326
    assert areas["schematic"].tolist() == [True] * 12
    assert set(areas.geom_type) <= {"Polygon", "MultiPolygon"}
    assert areas["area_km2"].dtype == "float64"
    assert (areas["area_km2"] > 10).all()
    assert list(areas.columns) == ["name", "name_en", "kind", "area_km2", "schematic", "geometry"]


def test_town_areas_sum_to_the_outline(areas):
    outline = kunshan_outline()
    assert outline.crs.to_epsg() == 4326
    outline_km2 = outline.to_crs(METRIC_CRS).area.sum() / 1e6
    assert outline_km2 == pytest.approx(930, abs=10)
    assert areas["area_km2"].sum() == pytest.approx(outline_km2, rel=0.005)
    assert areas["area_km2"].sum() == pytest.approx(930, abs=10)
    # the cells do not overlap: their union has the same area as their sum
    union_km2 = shapely.union_all(areas.to_crs(METRIC_CRS).geometry.to_numpy()).area / 1e6
    assert union_km2 == pytest.approx(areas["area_km2"].sum(), rel=1e-6)


def test_each_seed_point_lies_in_its_own_cell(areas):
    gazetteer = kunshan_gazetteer()
    seeds = gazetteer[gazetteer["area_seed"]].set_index("name")
    for name, cell in zip(areas["name"], areas.geometry):
        assert cell.contains(seeds.loc[name].geometry), name
        others = [n for n in SEEDS if n != name]
        assert not any(cell.contains(seeds.loc[o].geometry) for o in others), name
