"""Kunshan addresses as text: normalise, split off the road, find the places they name, inside or outside.

Everything here works on whole columns (pandas string methods with one regular expression each); the
only loops are over the few dozen place names when the expressions are built.
"""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd

from geo.place.gazetteer import CITY, match_places

__all__ = ["normalise_addresses", "split_addresses", "gazetteer_keys", "place_pattern", "first_match",
           "OUTSIDE_NAMES"]

# Leading parts that every Kunshan address may carry and that name no place inside it. 苏州市 stays when it
# starts the name of another district of Suzhou (苏州市工业园区, 苏州市高新区), which is a place outside Kunshan.
_PREFIX = re.compile(r"^(?:中华人民共和国|中国)?(?:江苏省|江苏)?(?:(?:苏州市|苏州(?!市))(?!工业园区|高新区))?")

# A place name followed by one of these is the name of a road (周庄路, 淀山湖大道), not the place itself.
_ROAD_SUFFIX = r"(?:路|大道|大街|街(?!道)|公路|巷|弄)"
_GUARD = rf"(?!{_ROAD_SUFFIX})"

# 昆山市 … 镇/区 … 路 … 号: the administrative part, the road and the house number. A road name holds no
# 省/市/县/区/镇 and ends with one of the road words; the administrative part is everything before it.
_SPLIT = re.compile(
    rf"^(?P<region>.*?)(?P<road>[^省市县区镇路街巷弄号]{{1,15}}?{_ROAD_SUFFIX})"
    r"(?P<number>[0-9]+(?:[-—][0-9]+)?号)?"
)

#: Places outside Kunshan that addresses commonly name, compared after normalisation. Names of
#: administrative divisions (national statistics division codes, 2023): the other county-level divisions of
#: 苏州市, 上海市 and its districts (Kunshan's eastern neighbour), the other prefecture-level cities of 江苏省 and
#: of northern 浙江省, the other provinces, municipalities and regions; a few pinyin forms.
OUTSIDE_NAMES: tuple[str, ...] = (
    # 苏州市 outside Kunshan
    "苏州工业园区", "苏州市工业园区", "苏州高新区", "苏州市高新区", "姑苏区", "虎丘区", "吴中区", "相城区", "吴江区",
    "常熟市", "张家港市", "太仓市",
    # 上海市
    "上海市", "上海", "黄浦区", "徐汇区", "长宁区", "静安区", "普陀区", "虹口区", "杨浦区", "闵行区", "宝山区", "嘉定区",
    "浦东新区", "金山区", "松江区", "青浦区", "奉贤区", "崇明区",
    # 江苏省 and 浙江省 cities
    "南京市", "无锡市", "徐州市", "常州市", "南通市", "连云港市", "淮安市", "盐城市", "扬州市", "镇江市", "泰州市",
    "宿迁市", "嘉兴市", "杭州市", "湖州市", "宁波市", "绍兴市",
    # provinces, municipalities, regions
    "北京市", "天津市", "重庆市", "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "浙江省", "安徽省", "福建省",
    "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省", "四川省", "贵州省", "云南省", "陕西省",
    "甘肃省", "青海省", "台湾省", "内蒙古自治区", "广西壮族自治区", "西藏自治区", "宁夏回族自治区",
    "新疆维吾尔自治区", "香港特别行政区", "澳门特别行政区",
    # pinyin
    "shanghai", "taicang", "changshu", "zhangjiagang", "wujiang", "suzhouindustrialpark",
)


def normalise_addresses(addresses: pd.Series) -> pd.Series:
    """Addresses as compared here: NFKC, case-folded, without white space, without 中国/江苏省/苏州市 in front.

    Parameters
    ----------
    addresses : pandas.Series
        Address texts; missing values stay missing, an empty text becomes missing.

    Returns
    -------
    pandas.Series
        ``string`` dtype, index kept.

    Examples
    --------
    >>> normalise_addresses(pd.Series(["江苏省 苏州市 昆山市张浦镇ＸＸ路８８号", "苏州市工业园区星湖街"])).tolist()
    ['昆山市张浦镇xx路88号', '苏州市工业园区星湖街']
    """
    text = addresses.astype("string").str.normalize("NFKC").str.casefold()
    text = text.str.replace(r"\s+", "", regex=True).str.replace(_PREFIX, "", regex=True)
    return text.mask(text == "")


def split_addresses(text: pd.Series) -> pd.DataFrame:
    """Split normalised addresses into the administrative part, the road and the house number.

    Parameters
    ----------
    text : pandas.Series
        Addresses as :func:`normalise_addresses` returns them.

    Returns
    -------
    pandas.DataFrame
        Columns ``region`` (what comes before the road: ``昆山市张浦镇``), ``road`` (``xx路``) and ``number``
        (``88号``), ``string`` dtype, NA where the address has no road; index kept.

    Examples
    --------
    >>> split_addresses(pd.Series(["昆山市张浦镇xx路88号"])).iloc[0].tolist()
    ['昆山市张浦镇', 'xx路', '88号']
    """
    parts = text.str.extract(_SPLIT).astype("string")
    return parts.mask(parts == "")


def gazetteer_keys(gazetteer: gpd.GeoDataFrame) -> dict[str, str]:
    """Folded names by which addresses name the places of a gazetteer -> canonical name.

    The candidates are each place's name, aliases, English name and short name (without 镇/区); a
    candidate is kept when :func:`geo.place.gazetteer.match_places` resolves it, and to what it resolves.
    """
    candidates = pd.concat([
        gazetteer["name"], gazetteer["aliases"].explode(), gazetteer["name_en"],
        gazetteer["name"].str.replace(r"(镇|区)$", "", regex=True),
    ], ignore_index=True).dropna().astype("string")
    folded = normalise_addresses(candidates)
    places = match_places(candidates, gazetteer)
    keep = folded.notna() & places.notna() & (folded.str.len() >= 2)
    return dict(zip(folded[keep], places[keep]))


def place_pattern(names) -> str:
    """One regular expression matching any of ``names``, longest first, not when a road word follows."""
    ordered = sorted(set(names), key=lambda name: (-len(name), name))
    return "(?:" + "|".join(map(re.escape, ordered)) + ")" + _GUARD


def first_match(text: pd.Series, pattern: str) -> pd.DataFrame:
    """The first name that ``pattern`` finds in each text and where: columns ``name`` and ``position``.

    Examples
    --------
    >>> found = first_match(pd.Series(["昆山市张浦镇", "上海市"]), place_pattern(["张浦镇"]))
    >>> print(found.loc[0, "name"], found.loc[0, "position"], found.loc[1, "name"])
    张浦镇 3 <NA>
    """
    found = text.str.extract(f"^(?P<before>.*?)(?P<name>{pattern})").astype("string")
    return pd.DataFrame({"name": found["name"], "position": found["before"].str.len().astype("Int64")},
                        index=text.index)


def city_keys(keys: dict[str, str]) -> set[str]:
    """The keys that name the city itself (昆山市, 昆山, kunshan)."""
    return {key for key, place in keys.items() if place == CITY}
