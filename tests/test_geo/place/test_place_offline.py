"""Offline geocoding: Kunshan addresses to gazetteer points, precision, statuses, and the batch without network."""

import math

import pandas as pd
import pytest

from geo import kunshan_gazetteer
from geo.geocode.batch import COLUMNS, geocode_addresses
from geo.place.offline import geocode_offline
from geo.geocode.providers import GeocodingError

# Points of geo/data/kunshan_towns_points.geojson (WGS-84) and the derived ones of the gazetteer.
GAZ = kunshan_gazetteer().set_index("name")


def point(name):
    geometry = GAZ.loc[name, "geometry"]
    return (geometry.x, geometry.y)


ZHANGPU = (120.945, 31.285)
HUAQIAO = (121.0998, 31.3006)
ETDZ = (121.005, 31.355)
HITECH = (120.93, 31.385)
DIANSHANHU = (120.993, 31.175)
JINXI = (120.905, 31.185)
SEAT = (120.9514, 31.3844)  # 玉山镇, the city seat and the city's point

# address, status, place (gazetteer name), precision, matched
CASES = [
    ("昆山市张浦镇xx路88号", "ok", "张浦镇", "town", "张浦镇"),
    ("江苏省苏州市昆山市张浦镇振新东路88号", "ok", "张浦镇", "town", "张浦镇"),
    ("昆山市 张浦镇 ＸＸ路 ８８号", "ok", "张浦镇", "town", "张浦镇"),
    ("花桥经济开发区光明路1号", "ok", "花桥镇", "town", "花桥经济开发区"),
    ("昆山市花桥镇绿地大道", "ok", "花桥镇", "town", "花桥镇"),
    ("昆山开发区前进东路", "ok", "昆山开发区", "town", "昆山开发区"),
    ("昆山经济技术开发区某某路3号", "ok", "昆山开发区", "town", "昆山经济技术开发区"),
    ("昆山市开发区", "ok", "昆山开发区", "town", "开发区"),
    ("高新区祖冲之路", "ok", "昆山高新区", "town", "高新区"),
    ("昆山高新技术产业开发区", "ok", "昆山高新区", "town", "昆山高新技术产业开发区"),
    ("昆山市淀山湖镇", "ok", "淀山湖镇", "town", "淀山湖镇"),
    ("锦溪镇长云路", "ok", "锦溪镇", "town", "锦溪镇"),
    ("昆山旅游度假区", "ok", "昆山旅游度假区", "zone", "昆山旅游度假区"),
    ("旅游度假区管委会", "ok", "昆山旅游度假区", "zone", "旅游度假区"),
    ("昆山旅游度假区锦溪镇", "ok", "锦溪镇", "town", "锦溪镇"),  # the zone covers 锦溪镇: the town is finer
    ("昆山市", "ok", "昆山市", "city", "昆山市"),
    ("江苏省昆山市", "ok", "昆山市", "city", "昆山市"),
    ("Zhangpu, Kunshan", "ok", "张浦镇", "town", "zhangpu"),
    ("昆山市玉山镇千灯中路1号", "ok", "玉山镇", "town", "玉山镇"),  # a road named after 千灯 is not 千灯镇
    ("淀山湖镇淀山湖大道", "ok", "淀山湖镇", "town", "淀山湖镇"),
    ("昆山市花桥镇,近上海市", "ok", "花桥镇", "town", "花桥镇"),  # Kunshan named first
    ("上海市黄浦区南京东路1号", "outside", None, None, "上海市"),
    ("苏州市工业园区星湖街328号", "outside", None, None, "苏州市工业园区"),
    ("江苏省苏州市工业园区", "outside", None, None, "苏州市工业园区"),
    ("苏州高新区", "outside", None, None, "苏州高新区"),
    ("太仓市城厢镇", "outside", None, None, "太仓市"),
    ("上海市青浦区昆山路", "outside", None, None, "上海市"),  # outside named first
    ("昆山市张浦镇千灯镇", "ambiguous", None, None, "张浦镇|千灯镇"),
    ("张浦镇和千灯镇之间", "ambiguous", None, None, "张浦镇|千灯镇"),
    ("asdf qwer", "not_found", None, None, None),
    ("某某科技园", "not_found", None, None, None),
]


@pytest.fixture(scope="module")
def found():
    addresses = pd.Series([case[0] for case in CASES], index=[f"r{i}" for i in range(len(CASES))])
    return geocode_offline(addresses)


def test_columns_dtypes_and_index(found):
    assert list(found.columns) == ["lon", "lat", "precision", "source", "status", "matched"]
    assert found.index.tolist() == [f"r{i}" for i in range(len(CASES))]
    assert found["lon"].dtype == "float64" and found["lat"].dtype == "float64"
    for column in ["precision", "source", "status", "matched"]:
        assert found[column].dtype == "string", column


@pytest.mark.parametrize("i", range(len(CASES)), ids=[case[0] for case in CASES])
def test_address_table(found, i):
    address, status, place, precision, matched = CASES[i]
    row = found.iloc[i]
    assert row["status"] == status
    assert (None if pd.isna(row["matched"]) else row["matched"]) == matched
    if status == "ok":
        assert (row["lon"], row["lat"]) == point(place)
        assert row["precision"] == precision
        assert row["source"] == f"gazetteer:{place}"
    else:
        assert math.isnan(row["lon"]) and math.isnan(row["lat"])
        assert pd.isna(row["precision"])
        assert (None if pd.isna(row["source"]) else row["source"]) == (None if status == "not_found" else "gazetteer")


def test_points_are_the_published_ones():
    # the table above compares with the gazetteer; these are the values of the data files themselves
    assert point("张浦镇") == ZHANGPU and point("花桥镇") == HUAQIAO and point("昆山开发区") == ETDZ
    assert point("昆山高新区") == HITECH and point("淀山湖镇") == DIANSHANHU and point("锦溪镇") == JINXI
    assert point("昆山市") == SEAT
    # the resort: mean of the points of 淀山湖镇, 周庄镇, 锦溪镇
    lon, lat = point("昆山旅游度假区")
    assert lon == pytest.approx(120.9112, abs=1e-4) and lat == pytest.approx(31.1636, abs=1e-4)


def test_missing_and_blank_addresses_are_not_found():
    out = geocode_offline(pd.Series([None, "", "   ", pd.NA], dtype="object"))
    assert out["status"].tolist() == ["not_found"] * 4
    assert out["lon"].isna().all() and out["source"].isna().all()


def test_empty_series():
    out = geocode_offline(pd.Series([], dtype="string"))
    assert out.empty and list(out.columns) == ["lon", "lat", "precision", "source", "status", "matched"]


def test_duplicate_index_is_kept():
    out = geocode_offline(pd.Series(["昆山市张浦镇", "上海市"], index=[5, 5]))
    assert out.index.tolist() == [5, 5]
    assert out["status"].tolist() == ["ok", "outside"]


def test_a_given_gazetteer_is_used():
    gazetteer = kunshan_gazetteer()
    gazetteer.loc[gazetteer["name"] == "张浦镇", "geometry"] = gazetteer.loc[gazetteer["name"] == "千灯镇",
                                                                         "geometry"].to_numpy()
    out = geocode_offline(pd.Series(["张浦镇"]), gazetteer=gazetteer)
    assert (out.loc[0, "lon"], out.loc[0, "lat"]) == point("千灯镇")


def test_not_a_series_is_a_type_error():
    with pytest.raises(TypeError, match="geocode_offline: addresses must be a pandas Series of texts, got list"):
        geocode_offline(["昆山市"])


# --- the batch, offline -------------------------------------------------------------------------------------


def test_batch_offline_columns_and_review():
    addresses = pd.Series(["昆山市张浦镇xx路88号", "昆山市", "旅游度假区", "上海市", "张浦镇千灯镇", "zzz", None],
                          index=list("abcdefg"))
    out = geocode_addresses(addresses, expected_precision="town", progress=False)
    assert list(out.columns) == COLUMNS
    assert out.index.tolist() == list("abcdefg")
    assert out["status"].tolist() == ["ok", "ok", "ok", "outside", "ambiguous", "not_found", "not_found"]
    # city and zone are coarser than town; outside and ambiguous always need review
    assert out["review"].tolist() == [False, True, True, True, True, False, False]
    assert out["review"].dtype == bool
    assert out.loc["a", "datum_input"] == "wgs84"
    assert (out.loc["a", "lon"], out.loc["a", "lat"]) == (out.loc["a", "lon_input"], out.loc["a", "lat_input"])
    assert pd.isna(out.loc["d", "datum_input"]) and out["error"].isna().all()


def test_batch_offline_without_expected_precision_reviews_only_statuses():
    out = geocode_addresses(pd.Series(["昆山市", "张浦镇千灯镇"]), progress=False)
    assert out["review"].tolist() == [False, True]


def test_batch_rejects_unknown_provider_and_precision():
    with pytest.raises(GeocodingError, match=r"provider='google' is not one of offline, amap, baidu, nominatim"):
        geocode_addresses(pd.Series(["昆山市"]), "google")
    with pytest.raises(GeocodingError, match=r"expected_precision='house' is not one of exact, road, town, zone, city"):
        geocode_addresses(pd.Series(["昆山市"]), expected_precision="house")
    with pytest.raises(TypeError, match="unexpected keyword argument 'cache'"):
        geocode_addresses(pd.Series(["昆山市"]), cache="x.sqlite")
