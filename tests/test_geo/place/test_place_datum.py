"""Map datums: geo.place.datum against an independent scalar implementation of the public formulas."""

import doctest
import math
import typing
import warnings
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

import geo.place.datum
import geo.place.datum_names
from geo import RegisterError
from geo.place.datum import (DATUMS, Datum, DatumWarning, bd09_to_gcj02, bd09_to_wgs84, convert, convert_by_datum,
                             gcj02_to_bd09, gcj02_to_wgs84, parse_datum, parse_datums, to_wgs84, wgs84_to_bd09,
                             wgs84_to_gcj02)

GEOD = Geod(ellps="WGS84")
KUNSHAN = (120.98, 31.38)
FRANKFURT = (8.68, 50.11)
ALLOWED = ("wgs84 (wgs-84, cgcs2000, gps); gcj02 (gcj-02, 火星坐标, 高德, amap, gaode, tencent, 腾讯); "
           "bd09 (bd-09, bd09ll, 百度, baidu)")


# --- independent reference: the published scalar formulas, written out with the math module -----------------
# Copied in form from the widely published coordtransform (wandergis/coordTransform_py) and eviltransform code:
# one point at a time, lon first here (eviltransform itself is lat first).

REF_A = 6378245.0
REF_EE = 0.00669342162296594323
REF_X_PI = math.pi * 3000.0 / 180.0


def ref_transformlat(lng, lat):
    ret = -100.0 + 2.0 * lng + 3.0 * lat + 0.2 * lat * lat + 0.1 * lng * lat + 0.2 * math.sqrt(math.fabs(lng))
    ret += (20.0 * math.sin(6.0 * lng * math.pi) + 20.0 * math.sin(2.0 * lng * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(lat * math.pi) + 40.0 * math.sin(lat / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(lat / 12.0 * math.pi) + 320 * math.sin(lat * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def ref_transformlng(lng, lat):
    ret = 300.0 + lng + 2.0 * lat + 0.1 * lng * lng + 0.1 * lng * lat + 0.1 * math.sqrt(math.fabs(lng))
    ret += (20.0 * math.sin(6.0 * lng * math.pi) + 20.0 * math.sin(2.0 * lng * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(lng * math.pi) + 40.0 * math.sin(lng / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(lng / 12.0 * math.pi) + 300.0 * math.sin(lng / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def ref_out_of_china(lng, lat):
    return lng < 72.004 or lng > 137.8347 or lat < 0.8293 or lat > 55.8271


def ref_wgs84_to_gcj02(lng, lat):
    if ref_out_of_china(lng, lat):
        return lng, lat
    dlat = ref_transformlat(lng - 105.0, lat - 35.0)
    dlng = ref_transformlng(lng - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = math.sin(radlat)
    magic = 1 - REF_EE * magic * magic
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((REF_A * (1 - REF_EE)) / (magic * sqrtmagic) * math.pi)
    dlng = (dlng * 180.0) / (REF_A / sqrtmagic * math.cos(radlat) * math.pi)
    return lng + dlng, lat + dlat


def ref_gcj02_to_bd09(lng, lat):
    z = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * REF_X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * REF_X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def ref_bd09_to_gcj02_one_step(bd_lon, bd_lat):
    """The published closed BD-09 -> GCJ-02 formula (an approximation, about 1e-6 degree off)."""
    x = bd_lon - 0.0065
    y = bd_lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * REF_X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * REF_X_PI)
    return z * math.cos(theta), z * math.sin(theta)


def ref_gcj02_to_wgs84_one_step(lng, lat):
    """The published one-step GCJ-02 -> WGS-84 approximation (1-2 m off); geo.place.datum must do better."""
    mglng, mglat = ref_wgs84_to_gcj02(lng, lat)
    return lng * 2 - mglng, lat * 2 - mglat


def ref_wgs84_to_bd09(lng, lat):
    return ref_gcj02_to_bd09(*ref_wgs84_to_gcj02(lng, lat))


def kunshan_grid():
    lon, lat = np.meshgrid(np.linspace(120.75, 121.15, 41), np.linspace(31.05, 31.55, 51))
    return lon.ravel(), lat.ravel()


def reference(function, lon, lat):
    pairs = [function(x, y) for x, y in zip(lon.tolist(), lat.tolist())]
    return np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])


def max_error(got, expected):
    return max(np.max(np.abs(np.asarray(got[0]) - expected[0])), np.max(np.abs(np.asarray(got[1]) - expected[1])))


@contextmanager
def caught_warnings():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught


# --- published reference pairs ---------------------------------------------------------------------------------

# eviltransform test data (googollee/eviltransform, go/transform_test.go and python/test.py), as
# (wgs lon, wgs lat, gcj lon, gcj lat); upstream lists them lat first. The scalar reference with a = 6378245.0
# reproduces them to the last bit (ports that use a = 6378137.0 are about 1e-7 degree off them).
EVILTRANSFORM = [
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),  # Shanghai
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),  # Shenzhen
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),  # Beijing
]

# coordtransform README (wandergis/coordtransform), every call on the input (116.404, 39.915):
COORDTRANSFORM_INPUT = (116.404, 39.915)
COORDTRANSFORM_WGS84_TO_GCJ02 = (116.41024449916938, 39.91640428150164)
COORDTRANSFORM_GCJ02_TO_BD09 = (116.41036949371029, 39.92133699351021)
COORDTRANSFORM_BD09_TO_GCJ02_ONE_STEP = (116.39762729119315, 39.90865673957631)
COORDTRANSFORM_GCJ02_TO_WGS84_ONE_STEP = (116.39775550083061, 39.91359571849836)


@pytest.mark.parametrize("wgs_lon, wgs_lat, gcj_lon, gcj_lat", EVILTRANSFORM)
def test_eviltransform_pairs_forward_and_inverse(wgs_lon, wgs_lat, gcj_lon, gcj_lat):
    assert ref_wgs84_to_gcj02(wgs_lon, wgs_lat) == pytest.approx((gcj_lon, gcj_lat), abs=1e-12, rel=0)
    assert wgs84_to_gcj02(wgs_lon, wgs_lat) == pytest.approx((gcj_lon, gcj_lat), abs=1e-9, rel=0)
    assert gcj02_to_wgs84(gcj_lon, gcj_lat) == pytest.approx((wgs_lon, wgs_lat), abs=1e-9, rel=0)


def test_coordtransform_readme_values():
    lon, lat = COORDTRANSFORM_INPUT
    assert ref_wgs84_to_gcj02(lon, lat) == pytest.approx(COORDTRANSFORM_WGS84_TO_GCJ02, abs=1e-12, rel=0)
    assert ref_gcj02_to_bd09(lon, lat) == pytest.approx(COORDTRANSFORM_GCJ02_TO_BD09, abs=1e-12, rel=0)
    assert wgs84_to_gcj02(lon, lat) == pytest.approx(COORDTRANSFORM_WGS84_TO_GCJ02, abs=1e-9, rel=0)
    assert gcj02_to_bd09(lon, lat) == pytest.approx(COORDTRANSFORM_GCJ02_TO_BD09, abs=1e-9, rel=0)


def test_inverses_are_exact_where_the_published_one_step_formulas_are_not():
    lon, lat = COORDTRANSFORM_INPUT
    assert ref_bd09_to_gcj02_one_step(lon, lat) == pytest.approx(COORDTRANSFORM_BD09_TO_GCJ02_ONE_STEP,
                                                                 abs=1e-12, rel=0)
    assert ref_gcj02_to_wgs84_one_step(lon, lat) == pytest.approx(COORDTRANSFORM_GCJ02_TO_WGS84_ONE_STEP,
                                                                  abs=1e-12, rel=0)
    # The one-step results miss the input by centimetres when fed back to the forward formula ...
    one_step_bd = ref_gcj02_to_bd09(*COORDTRANSFORM_BD09_TO_GCJ02_ONE_STEP)
    one_step_gcj = ref_wgs84_to_gcj02(*COORDTRANSFORM_GCJ02_TO_WGS84_ONE_STEP)
    assert max(abs(one_step_bd[0] - lon), abs(one_step_bd[1] - lat)) > 1e-7
    assert max(abs(one_step_gcj[0] - lon), abs(one_step_gcj[1] - lat)) > 1e-7
    # ... the iterated inverses, close to them, do not miss it.
    gcj = bd09_to_gcj02(lon, lat)
    wgs = gcj02_to_wgs84(lon, lat)
    assert gcj == pytest.approx(COORDTRANSFORM_BD09_TO_GCJ02_ONE_STEP, abs=1e-5, rel=0)
    assert wgs == pytest.approx(COORDTRANSFORM_GCJ02_TO_WGS84_ONE_STEP, abs=1e-4, rel=0)
    assert ref_gcj02_to_bd09(*gcj) == pytest.approx((lon, lat), abs=1e-12, rel=0)
    assert ref_wgs84_to_gcj02(*wgs) == pytest.approx((lon, lat), abs=1e-12, rel=0)


def test_eviltransform_matlab_bd09_pair():
    # eviltransform matlab/test/testSuite.m: GCJ-02 (116.42703, 39.90245) <-> BD-09 (116.43351, 39.90851), given to
    # 5 decimals and checked upstream with AbsTol 5e-5. (The other BD pairs there, TESTS_bd, are not reproduced by
    # the published formulas, by up to 4e-4 degree, in any eviltransform port read; they are not used here.)
    assert gcj02_to_bd09(116.42703, 39.90245) == pytest.approx((116.43351, 39.90851), abs=5e-5, rel=0)
    assert bd09_to_gcj02(116.43351, 39.90851) == pytest.approx((116.42703, 39.90245), abs=5e-5, rel=0)


# --- agreement with the reference over Kunshan and at known places ----------------------------------------------

PLACES = {  # WGS-84 lon, lat, rounded; Taipei is inside the rough "mainland China" box, so it is converted
    "Kunshan": KUNSHAN, "Zhouzhuang": (120.85, 31.12), "Huaqiao": (121.09, 31.29), "Suzhou": (120.62, 31.30),
    "Beijing": (116.39, 39.91), "Urumqi": (87.62, 43.83), "Harbin": (126.63, 45.75), "Sanya": (109.51, 18.25),
    "Lhasa": (91.11, 29.65), "lon 105 (sqrt |x| kink)": (105.0, 35.0), "Taipei": (121.5, 25.04),
}


@pytest.mark.parametrize("function, ref", [(wgs84_to_gcj02, ref_wgs84_to_gcj02), (gcj02_to_bd09, ref_gcj02_to_bd09),
                                           (wgs84_to_bd09, ref_wgs84_to_bd09)])
def test_forward_matches_reference_on_kunshan_grid_and_places(function, ref):
    lon, lat = kunshan_grid()
    assert max_error(function(lon, lat), reference(ref, lon, lat)) < 1e-9
    places = np.array(list(PLACES.values()))
    assert max_error(function(places[:, 0], places[:, 1]), reference(ref, places[:, 0], places[:, 1])) < 1e-9


@pytest.mark.parametrize("inverse, ref_forward", [(gcj02_to_wgs84, ref_wgs84_to_gcj02),
                                                  (bd09_to_gcj02, ref_gcj02_to_bd09),
                                                  (bd09_to_wgs84, ref_wgs84_to_bd09)])
def test_inverse_checked_by_reference_forward_on_kunshan_grid(inverse, ref_forward):
    lon, lat = kunshan_grid()
    back = reference(ref_forward, *inverse(lon, lat))
    assert max_error((lon, lat), back) < 1e-9


def test_offsets_in_kunshan_have_the_known_size():
    lon, lat = kunshan_grid()
    gcj = wgs84_to_gcj02(lon, lat)
    bd = wgs84_to_bd09(lon, lat)
    gcj_metres = GEOD.inv(lon, lat, *gcj)[2]
    bd_metres = GEOD.inv(lon, lat, *bd)[2]
    assert 400 < gcj_metres.min() and gcj_metres.max() < 600
    assert 900 < bd_metres.min() and bd_metres.max() < 1300
    centre = GEOD.inv(*KUNSHAN, *wgs84_to_gcj02(*KUNSHAN))[2], GEOD.inv(*KUNSHAN, *wgs84_to_bd09(*KUNSHAN))[2]
    assert centre == pytest.approx((470, 1100), abs=60)


def test_taipei_is_inside_the_rough_box_and_is_converted():
    with caught_warnings() as caught:
        lon, lat = wgs84_to_gcj02(*PLACES["Taipei"])
    assert caught == []
    assert GEOD.inv(*PLACES["Taipei"], lon, lat)[2] > 100


# --- round trips (hypothesis) ------------------------------------------------------------------------------------

china_lon = st.floats(73, 135, allow_nan=False, allow_infinity=False)
china_lat = st.floats(18, 53, allow_nan=False, allow_infinity=False)
ROUND_TRIPS = [(wgs84_to_gcj02, gcj02_to_wgs84), (gcj02_to_bd09, bd09_to_gcj02), (wgs84_to_bd09, bd09_to_wgs84)]


@settings(database=None, deadline=None)
@given(lon=china_lon, lat=china_lat)
def test_round_trips_return_the_point(lon, lat):
    for forward, inverse in ROUND_TRIPS:
        back = inverse(*forward(lon, lat))
        assert abs(back[0] - lon) < 1e-8 and abs(back[1] - lat) < 1e-8, (forward.__name__, back)
    chained = gcj02_to_wgs84(*bd09_to_gcj02(*wgs84_to_bd09(lon, lat)))
    assert abs(chained[0] - lon) < 1e-8 and abs(chained[1] - lat) < 1e-8


@settings(database=None, deadline=None)
@given(lon=china_lon, lat=china_lat)
def test_forward_of_inverse_is_the_point(lon, lat):
    for forward, inverse in ROUND_TRIPS:
        again = forward(*inverse(lon, lat))
        assert abs(again[0] - lon) < 1e-9 and abs(again[1] - lat) < 1e-9, (inverse.__name__, again)


@settings(database=None, deadline=None)
@given(lon=china_lon, lat=china_lat)
def test_forward_matches_reference_anywhere_in_china(lon, lat):
    assert max_error(wgs84_to_gcj02(lon, lat), ref_wgs84_to_gcj02(lon, lat)) < 1e-9
    assert max_error(wgs84_to_bd09(lon, lat), ref_wgs84_to_bd09(lon, lat)) < 1e-9


@settings(database=None, deadline=None)
@given(points=st.lists(st.tuples(china_lon, china_lat), min_size=1, max_size=20))
def test_arrays_give_the_pointwise_results(points):
    lon, lat = np.array(points).T
    for function in (gcj02_to_wgs84, bd09_to_gcj02, bd09_to_wgs84):
        whole = function(lon, lat)
        one_by_one = np.array([function(x, y) for x, y in points]).T
        assert max_error(whole, one_by_one) < 1e-11


# --- outside China, NaN, input and output kinds ------------------------------------------------------------------


@pytest.mark.parametrize("function", [wgs84_to_gcj02, gcj02_to_wgs84, gcj02_to_bd09, bd09_to_gcj02, wgs84_to_bd09,
                                      bd09_to_wgs84])
def test_outside_china_unchanged_with_one_warning(function):
    lon = np.array([FRANKFURT[0], KUNSHAN[0], -74.0, 151.2])  # Frankfurt, Kunshan, New York, Sydney
    lat = np.array([FRANKFURT[1], KUNSHAN[1], 40.7, -33.9])
    with caught_warnings() as caught:
        out_lon, out_lat = function(lon, lat)
    assert len(caught) == 1
    assert caught[0].category is DatumWarning
    source, target = function.__name__.split("_to_")
    assert str(caught[0].message) == (f"3 points outside mainland China left unchanged ({source} -> {target}): "
                                      f"the datums agree there / 3 个点位于中国大陆范围外，坐标未改变")
    assert caught[0].filename == __file__  # stacklevel points at the caller
    keep = [0, 2, 3]
    assert out_lon[keep].tolist() == lon[keep].tolist() and out_lat[keep].tolist() == lat[keep].tolist()
    assert GEOD.inv(lon[1], lat[1], out_lon[1], out_lat[1])[2] > 400


def test_one_point_outside_scalar_and_through_convert():
    with caught_warnings() as caught:
        assert wgs84_to_gcj02(*FRANKFURT) == FRANKFURT
        assert convert(*FRANKFURT, "bd09", "wgs84") == FRANKFURT
    assert [str(w.message).split(" / ")[0] for w in caught] == [
        "1 point outside mainland China left unchanged (wgs84 -> gcj02): the datums agree there",
        "1 point outside mainland China left unchanged (bd09 -> wgs84): the datums agree there",
    ]
    assert all(w.category is DatumWarning and w.filename == __file__ for w in caught)
    assert issubclass(DatumWarning, UserWarning)


@pytest.mark.parametrize("function", [wgs84_to_gcj02, gcj02_to_wgs84, bd09_to_wgs84])
def test_nan_stays_nan_without_warning(function):
    lon = np.array([np.nan, KUNSHAN[0], np.nan, 121.0])
    lat = np.array([np.nan, KUNSHAN[1], 31.3, np.nan])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out_lon, out_lat = function(lon, lat)
        scalar = function(np.nan, np.nan)
    assert np.isnan(out_lon[[0, 2]]).all() and np.isnan(out_lat[[0, 3]]).all()
    assert (out_lat[2], out_lon[3]) == (31.3, 121.0)  # a half-given pair is returned as given
    assert np.isfinite([out_lon[1], out_lat[1]]).all() and out_lon[1] != KUNSHAN[0]
    assert math.isnan(scalar[0]) and math.isnan(scalar[1])


def test_series_in_arrays_out():
    lon = pd.Series([120.9, 121.0, 121.1], index=["a", "b", "c"])
    lat = pd.Series([31.2, 31.3, pd.NA], index=["a", "b", "c"], dtype="Float64")
    out_lon, out_lat = wgs84_to_gcj02(lon, lat)
    assert type(out_lon) is np.ndarray and type(out_lat) is np.ndarray
    assert out_lon.dtype == out_lat.dtype == np.float64
    assert out_lon.shape == out_lat.shape == (3,)
    assert np.isnan(out_lat[2]) and out_lon[2] == 121.1
    expected = reference(ref_wgs84_to_gcj02, np.array([120.9, 121.0]), np.array([31.2, 31.3]))
    assert max_error((out_lon[:2], out_lat[:2]), expected) < 1e-9
    assert lon.tolist() == [120.9, 121.0, 121.1]  # inputs are not modified


def test_scalars_in_floats_out_and_inputs_untouched():
    for lon, lat in [(120.98, 31.38), (np.float64(120.98), np.float64(31.38)), (121, 31)]:
        out = gcj02_to_wgs84(lon, lat)
        assert type(out) is tuple and type(out[0]) is float and type(out[1]) is float
    lon, lat = np.array([120.98, 121.0]), np.array([31.38, 31.4])
    out_lon, _ = bd09_to_wgs84(lon, lat)
    assert lon.tolist() == [120.98, 121.0] and out_lon is not lon
    listed = wgs84_to_gcj02([120.98], [31.38])
    assert type(listed[0]) is np.ndarray and listed[0].shape == (1,)
    empty = wgs84_to_gcj02(np.array([]), np.array([]))
    assert empty[0].shape == empty[1].shape == (0,)


def test_shapes_are_checked():
    with pytest.raises(ValueError, match=r"^lon and lat must have the same length, got 2 and 3$"):
        wgs84_to_gcj02([120.9, 121.0], [31.2, 31.3, 31.4])
    with pytest.raises(ValueError, match=r"^lon must be a number or a 1-d array of degrees, got shape \(1, 2\)$"):
        wgs84_to_gcj02([[120.9, 121.0]], [31.2, 31.3])


def test_a_hundred_thousand_points_at_once():
    rng = np.random.default_rng(20250101)
    lon, lat = rng.uniform(73, 135, 100_000), rng.uniform(18, 53, 100_000)
    bd_lon, bd_lat = wgs84_to_bd09(lon, lat)
    back_lon, back_lat = bd09_to_wgs84(bd_lon, bd_lat)
    assert back_lon.shape == back_lat.shape == (100_000,)
    assert max_error((back_lon, back_lat), (lon, lat)) < 1e-8
    assert 0.001 < np.abs(bd_lon - lon).min() and np.abs(bd_lon - lon).max() < 0.05


# --- names --------------------------------------------------------------------------------------------------------

ALIASES = {
    "wgs84": ["wgs84", "wgs-84", "WGS84", "WGS-84", " WGS 84 ", "cgcs2000", "CGCS2000", "gps", "GPS", "ＷＧＳ８４"],
    "gcj02": ["gcj02", "gcj-02", "GCJ-02", "GCJ02", "火星坐标", "高德", "amap", "AMap", "gaode", "Gaode", "tencent",
              "Tencent", "腾讯"],
    "bd09": ["bd09", "bd-09", "BD-09", "BD09", "bd09ll", "百度", "baidu", "Baidu"],
}


@pytest.mark.parametrize("value, expected", [(v, k) for k, values in ALIASES.items() for v in values])
def test_parse_datum_aliases(value, expected):
    assert parse_datum(value) == expected


@pytest.mark.parametrize("value", ["bd09mc", "mercator", "", "wgs", None, 4326])
def test_parse_datum_error_message(value):
    with pytest.raises(RegisterError) as error:
        parse_datum(value)
    assert str(error.value) == f"unknown datum {value!r}; allowed: {ALLOWED} / 坐标系 {value!r} 无法识别"
    assert isinstance(error.value, ValueError)


def test_datum_names():
    assert DATUMS == ("wgs84", "gcj02", "bd09")
    assert typing.get_args(Datum) == DATUMS


def test_convert_same_datum_returns_the_input():
    lon, lat = np.array([120.98, 121.0]), np.array([31.38, 31.4])
    out = convert(lon, lat, "gcj02", "高德")
    assert out[0] is lon and out[1] is lat
    assert convert(120.98, 31.38, "WGS-84", "gps") == (120.98, 31.38)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert convert(*FRANKFURT, "bd09", "baidu") == FRANKFURT  # no conversion, so no warning


@pytest.mark.parametrize("function", [wgs84_to_gcj02, gcj02_to_wgs84, gcj02_to_bd09, bd09_to_gcj02, wgs84_to_bd09,
                                      bd09_to_wgs84])
def test_convert_matches_the_named_functions(function):
    source, target = function.__name__.split("_to_")
    lon, lat = kunshan_grid()
    assert max_error(convert(lon, lat, source.upper(), target), function(lon, lat)) == 0
    assert convert(*KUNSHAN, source, target) == function(*KUNSHAN)


def test_convert_unknown_datum():
    with pytest.raises(RegisterError, match=r"^unknown datum 'osgb36'; allowed: "):
        convert(*KUNSHAN, "osgb36", "wgs84")


# --- to_wgs84: the datum as data ----------------------------------------------------------------------------------


def mixed_frame(datum_dtype=object):
    return pd.DataFrame({
        "name": ["gps", "gaode", "baidu", "undeclared", "gaode, no point", "gaode abroad"],
        "lon": [120.98, 120.98, 120.98, 121.05, np.nan, FRANKFURT[0]],
        "lat": [31.38, 31.38, 31.38, 31.30, np.nan, FRANKFURT[1]],
        "datum": pd.array(["wgs84", "gcj02", "bd09", None, "gcj02", "gcj02"], dtype=datum_dtype),
    }, index=pd.Index([10, 11, 12, 13, 14, 15], name="row"))


@pytest.mark.parametrize("datum_dtype", [object, "string"])
def test_to_wgs84_converts_each_row_by_its_datum(datum_dtype):
    frame = mixed_frame(datum_dtype)
    original = frame.copy()
    with caught_warnings() as caught:
        out = to_wgs84(frame)
    pd.testing.assert_frame_equal(frame, original)  # the input is not modified
    assert [str(w.message).split(" / ")[0] for w in caught] == [
        "1 point outside mainland China left unchanged (to wgs84): the datums agree there"]
    assert caught[0].category is DatumWarning and caught[0].filename == __file__
    assert out.index.equals(frame.index)
    assert list(out.columns) == ["name", "lon", "lat", "datum", "lon_input", "lat_input"]
    assert out["datum"].tolist() == ["wgs84"] * 6
    expected = [KUNSHAN, gcj02_to_wgs84(*KUNSHAN), bd09_to_wgs84(*KUNSHAN), (121.05, 31.30), None, FRANKFURT]
    for (lon, lat), want in zip(out[["lon", "lat"]].itertuples(index=False), expected):
        if want is None:
            assert math.isnan(lon) and math.isnan(lat)
        else:
            assert (lon, lat) == want
    pd.testing.assert_series_equal(out["lon_input"], frame["lon"], check_names=False)
    pd.testing.assert_series_equal(out["lat_input"], frame["lat"], check_names=False)
    assert out["lon"].dtype == out["lat"].dtype == np.float64


def test_to_wgs84_twice_changes_nothing():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DatumWarning)
        once = to_wgs84(mixed_frame())
        twice = to_wgs84(once)
    pd.testing.assert_frame_equal(twice, once)


def test_to_wgs84_on_rows_appended_after_a_first_pass():
    first = to_wgs84(mixed_frame().iloc[:3])
    new = pd.DataFrame({"name": ["late gaode"], "lon": [121.0], "lat": [31.3], "datum": ["gcj02"]},
                       index=pd.Index([20], name="row"))
    out = to_wgs84(pd.concat([first, new]))
    pd.testing.assert_frame_equal(out.iloc[:3], first)
    assert (out.loc[20, "lon"], out.loc[20, "lat"]) == gcj02_to_wgs84(121.0, 31.3)
    assert (out.loc[20, "lon_input"], out.loc[20, "lat_input"], out.loc[20, "datum"]) == (121.0, 31.3, "wgs84")


def test_to_wgs84_groups_rows_by_datum(monkeypatch):
    calls = []
    apply = geo.place.datum.shift_in_place

    def counting(lon, lat, source, target):
        calls.append((source, lon.size))
        return apply(lon, lat, source, target)

    monkeypatch.setattr(geo.place.datum, "shift_in_place", counting)
    frame = pd.DataFrame({"lon": np.full(3000, 121.0), "lat": np.full(3000, 31.3),
                          "datum": np.tile(["wgs84", "gcj02", "bd09"], 1000)})
    out = to_wgs84(frame)
    assert calls == [("gcj02", 1000), ("bd09", 1000)]
    assert out["lon"].iloc[1] == gcj02_to_wgs84(121.0, 31.3)[0]


def test_to_wgs84_custom_column_and_empty_frame():
    frame = pd.DataFrame({"lon": [121.0], "lat": [31.3], "坐标系": ["bd09"]})
    out = to_wgs84(frame, datum_column="坐标系")
    assert (out.loc[0, "lon"], out.loc[0, "lat"]) == bd09_to_wgs84(121.0, 31.3)
    assert out.loc[0, "坐标系"] == "wgs84"
    empty = to_wgs84(pd.DataFrame({"lon": [], "lat": [], "datum": []}))
    assert len(empty) == 0 and list(empty.columns) == ["lon", "lat", "datum", "lon_input", "lat_input"]


def test_to_wgs84_errors():
    frame = pd.DataFrame({"lon": [121.0, 121.0, 121.0], "lat": [31.3, 31.3, 31.3],
                          "datum": ["GCJ-02", "wgs84", "baidu"]}, index=["a", "b", "c"])
    with pytest.raises(RegisterError) as error:
        to_wgs84(frame)
    assert str(error.value) == ("column 'datum': unknown datum in rows 'a': 'GCJ-02', 'c': 'baidu'; allowed: "
                                "wgs84, gcj02, bd09 or missing (read names with parse_datum) "
                                "/ 列 'datum' 含无法识别的坐标系")
    with pytest.raises(RegisterError) as error:
        to_wgs84(frame[["lon", "lat"]])
    assert str(error.value) == "to_wgs84: missing column(s) 'datum'; columns: lon, lat"


# --- the one parse and convert path ---------------------------------------------------------------------------


def test_parse_datums_reads_each_distinct_name_once(monkeypatch):
    calls = []
    parse = geo.place.datum_names.parse_datum

    def counting(value):
        calls.append(value)
        return parse(value)

    monkeypatch.setattr(geo.place.datum_names, "parse_datum", counting)
    names = pd.Series(["高德", "百度", " ", None, "高德", "mercator", "GPS"] * 100, index=range(700, 0, -1))
    codes, unknown = parse_datums(names, default="bd09")
    assert sorted(calls) == sorted(["高德", "百度", "mercator", "GPS"])
    assert codes.index.equals(names.index) and codes.dtype == "string" and unknown.dtype == bool
    assert codes.iloc[:7].tolist() == ["gcj02", "bd09", "bd09", "bd09", "gcj02", pd.NA, "wgs84"]
    assert unknown.iloc[:7].tolist() == [False, False, False, False, False, True, False]
    assert parse_datums(pd.Series([None, "wgs84"]))[0].tolist() == [pd.NA, "wgs84"]


def test_convert_by_datum_converts_each_group_once_and_warns_once(monkeypatch):
    calls = []
    shift = geo.place.datum.shift_in_place

    def counting(lon, lat, source, target):
        calls.append((source, target, lon.size))
        return shift(lon, lat, source, target)

    monkeypatch.setattr(geo.place.datum, "shift_in_place", counting)
    lon = np.array([120.98, 120.98, 120.98, 8.68, np.nan, 120.98])
    lat = np.array([31.38, 31.38, 31.38, 50.11, 31.0, 31.38])
    sources = pd.Series(["gcj02", "wgs84", "bd09", "bd09", "gcj02", None], index=list("abcdef"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        x, y = convert_by_datum(lon, lat, sources, "GCJ-02")
    assert calls == [("wgs84", "gcj02", 1), ("bd09", "gcj02", 2)]
    assert (x[0], y[0]) == (120.98, 31.38)  # already GCJ-02
    assert (x[1], y[1]) == wgs84_to_gcj02(120.98, 31.38)
    assert (x[2], y[2]) == bd09_to_gcj02(120.98, 31.38)
    assert (x[3], y[3]) == FRANKFURT and np.isnan(x[4]) and (x[5], y[5]) == (120.98, 31.38)
    assert lon[1] == 120.98  # the input is not changed
    assert [str(w.message) for w in caught] == [
        "1 point outside mainland China left unchanged (to gcj02): the datums agree there "
        "/ 1 个点位于中国大陆范围外，坐标未改变"]
    assert caught[0].filename == __file__


def test_convert_by_datum_refuses_names_that_are_not_codes():
    with pytest.raises(RegisterError) as error:
        convert_by_datum([121.0, 121.0], [31.3, 31.3], pd.Series(["高德", "gcj02"], name="坐标系"), "wgs84")
    assert str(error.value) == ("column '坐标系': unknown datum in rows 0: '高德'; allowed: wgs84, gcj02, bd09 or "
                                "missing (read names with parse_datum) / 列 '坐标系' 含无法识别的坐标系")
    with pytest.raises(ValueError, match="one datum per point, got 1 for 2 points"):
        convert_by_datum([121.0, 121.0], [31.3, 31.3], ["gcj02"], "wgs84")


# --- doctests -----------------------------------------------------------------------------------------------------


def test_doctests_of_geo_datum():
    result = doctest.testmod(geo.place.datum, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0
    assert result.attempted >= 15  # parse_datum, the six conversions, convert and to_wgs84 carry examples
