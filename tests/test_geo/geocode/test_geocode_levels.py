"""Provider match levels and default cities are data (geo/data/geocoder_levels.json, the region's city entry)."""

import pytest

import geo.geocode.providers.base as base
from geo import RegistryError
from geo.geocode.providers import AMapProvider, BaiduProvider
from geo.geocode.providers.base import match_levels, precision_of
from geo.registry import load_json, precisions


@pytest.mark.parametrize("provider", ["amap", "baidu", "nominatim"])
def test_every_level_maps_to_a_known_precision(provider):
    entry = match_levels(provider)
    assert entry["source"]
    assert {p for p in entry["levels"].values() if p is not None} <= set(precisions().index)


@pytest.mark.parametrize("provider, level, precision", [
    ("amap", "门牌号", "exact"), ("amap", "开发区", "zone"), ("amap", "省", "region"), ("amap", "未知", None),
    ("amap", None, None),
    ("baidu", "门址", "exact"), ("baidu", "UNKNOWN", None), ("baidu", "教育", "exact"),  # a kind of POI: unlisted
    ("nominatim", "suburb", "town"), ("nominatim", "", None),
])
def test_precision_of_a_providers_level(provider, level, precision):
    assert precision_of(provider, level) == precision


def test_nominatim_place_ranks_are_data():
    entry = match_levels("nominatim")
    assert entry["place_rank"] == [[28, "exact"], [26, "road"], [17, "town"], [12, "city"]]
    assert entry["below"] == "region"


def test_unknown_precisions_in_the_levels_file_are_all_named(monkeypatch):
    fake = [{"provider": "amap", "source": "test", "levels": {"a": "exact", "b": "street", "c": None},
             "unlisted": "house"}]
    monkeypatch.setattr(base, "entries", lambda *args, **kwargs: fake)
    match_levels.cache_clear()
    try:
        with pytest.raises(RegistryError) as caught:
            match_levels("amap")
        assert str(caught.value) == ("geo.data/geocoder_levels.json: provider 'amap' names unknown precision(s) "
                                     "'house', 'street'; allowed: exact, road, town, zone, city, region")
        with pytest.raises(RegistryError, match="no entry for provider 'baidu'; entries: amap"):
            match_levels("baidu")
    finally:
        match_levels.cache_clear()


def test_the_default_city_of_each_provider_is_the_regions():
    cities = load_json("kunshan_zones.json")["city"]["geocoder_city"]
    assert AMapProvider("k").city == cities["amap"] == "昆山"
    assert BaiduProvider("k").city == cities["baidu"] == "昆山市"
    assert AMapProvider("k", city="太仓").city == "太仓"
