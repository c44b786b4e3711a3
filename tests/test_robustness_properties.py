"""Robustness properties (hypothesis): units, register reading, locating, escaping.

Each property states what must hold for *any* input of its kind:

* amounts written with any unit of the registry (cell or header, thousands separators, full-width
  digits) read back as value x factor;
* ``read_register`` / ``load_parks`` either return a report in which every row is accounted for, or
  raise :class:`geo.errors.RegisterError` -- never another exception;
* the escaping helpers of ``layers.page.escape`` leave no character that could open markup, an attribute,
  a template literal or a script, and lose no text.
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import re
import tempfile
import unicodedata
import warnings
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from geo import load_parks, read_register
from geo.registry import unit_kinds, load_json
from geo.errors import HeatmapError, RegisterError
from geo.read.units import base_unit, parse_amounts
from layers.page.escape import HTTP_URL, escape_text, script_json

# Strategies that build files and read them (tens of ms per example) are kept to a few dozen
# examples; the pure-string properties run more. The whole file stays well under a minute.
FAST = settings(database=None, deadline=None, max_examples=300)
FILES = settings(database=None, deadline=None, max_examples=100)
LOCATING = settings(database=None, deadline=None, max_examples=30)

UNIT_KINDS = load_json("units.json")["kinds"]
UNITS = [(kind, unit, float(factor)) for kind, spec in UNIT_KINDS.items() for unit, factor in spec["factors"].items()]
FULL_WIDTH_DIGITS = str.maketrans("0123456789", "".join(chr(0xFF10 + d) for d in range(10)))
# parse_amounts rounds to 10 decimals of the base unit (float noise: 0.35, not 0.35000000000000003),
# i.e. to 0.01 元 for money; anything finer is below that step.
ROUNDING = 0.5e-10


# ------------------------------------------------------------------------------------------------
# Units


amounts = st.decimals(min_value=0, max_value=10**12, places=4, allow_nan=False, allow_infinity=False)


def plain(value: Decimal) -> str:
    return format(value, "f")


def grouped(value: Decimal, comma: str = ",", point: str = ".") -> str:
    """``1234567.5`` -> ``1,234,567.5`` (with the given separator and decimal point)."""
    text = format(value, "f")
    whole, _, fraction = text.partition(".")
    whole = f"{int(whole):,}".replace(",", comma)
    return whole + (point + fraction if fraction else "")


NUMBER_STYLES = {
    "plain": plain,
    "thousands": grouped,
    "full-width digits": lambda v: plain(v).translate(FULL_WIDTH_DIGITS),
    "full-width digits and separators": lambda v: grouped(v, "，", "．").translate(FULL_WIDTH_DIGITS),
    "thousands, full-width digits": lambda v: grouped(v).translate(FULL_WIDTH_DIGITS),
}


def unit_spellings(unit: str) -> list[str]:
    """The unit as the registry writes it, and in capitals when it is Latin (``HA``, ``KM2``)."""
    return [unit, unit.upper()] if unit.isascii() else [unit]


def read_column(texts: list[str], kind: str, header_unit: str | None = None) -> pd.Series:
    parsed = parse_amounts(pd.Series(texts, dtype=object), kind, header_unit, column="x")
    assert parsed.problems.isna().all(), [(t, p) for t, p in zip(texts, parsed.problems) if p is not pd.NA]
    limit = unit_kinds()[kind]["plausible_max"]  # above it a figure is kept with a note naming the likely unit
    noted = parsed.notes.notna()
    assert (noted == (parsed.values > limit)).all(), [(t, n) for t, n in zip(texts, parsed.notes) if n is not pd.NA]
    assert parsed.notes[noted].str.startswith("implausible: ").all()
    return parsed.values


def assert_reads_as(got: pd.Series, expected: list[float], texts: list[str], header_unit) -> None:
    for value, want, text in zip(got.tolist(), expected, texts):
        assert math.isclose(value, want, rel_tol=1e-9, abs_tol=ROUNDING), (text, header_unit, value, want)


# parse_amounts costs a few ms per call whatever the length of the column, so each example reads
# whole columns: every number style x every cell unit (and spelling) of a kind in one call, and one
# call per header unit.
@settings(database=None, deadline=None, max_examples=10)
@given(values=st.lists(amounts, min_size=1, max_size=6), space=st.sampled_from(["", " "]))
@example(values=[Decimal("0"), Decimal("3500"), Decimal("1234567.0001")], space="")
def test_amounts_with_any_unit_read_as_value_times_factor(values, space):
    for kind, spec in UNIT_KINDS.items():
        numbers = [(NUMBER_STYLES[style](v), float(v)) for v in values for style in sorted(NUMBER_STYLES)]
        with_units = [(f"{text}{space}{spelling}", number * float(factor))
                      for unit, factor in spec["factors"].items() for spelling in unit_spellings(unit)
                      for text, number in numbers]
        # no header unit: a bare number is in the base unit, a cell's unit converts
        assert spec["factors"][base_unit(kind)] == 1
        texts, expected = zip(*[*numbers, *with_units])
        assert_reads_as(read_column(list(texts), kind), list(expected), texts, None)
        # a header unit converts the bare numbers; a cell's own unit wins over it
        for unit, factor in spec["factors"].items():
            for spelling in unit_spellings(unit)[-1:]:
                texts, expected = zip(*[*((t, n * float(factor)) for t, n in numbers), *with_units])
                assert_reads_as(read_column(list(texts), kind, spelling), list(expected), texts, spelling)


# ------------------------------------------------------------------------------------------------
# Random register files


def _aliases() -> list[str]:
    names = []
    for key, spec in load_json("columns.json")["fields"].items():
        names += [key, *spec.get("aliases", [])]
    return names


ALIASES = _aliases()
HEADERS_WITH_UNITS = ["总投资（亿元）", "总投资(万元)", "投资额【元】", "建筑面积（㎡）", "建筑面积(万平方米)",
                      "用地面积（亩）", "占地(公顷)", "产值（亿元）", "总投资（美元）", "经度（°）", "年份(年)"]
TOWNS = ["玉山镇", "巴城镇", "周市镇", "陆家镇", "花桥镇", "淀山湖镇", "张浦镇", "周庄镇", "千灯镇", "锦溪镇",
         "昆山开发区", "昆山高新区", "昆山旅游度假区", "昆山市", "上海市", "昆山市张浦镇", "苏州"]
# Characters a register typed by hand holds: CJK, full-width forms, quotes, separators, line breaks.
CELL_ALPHABET = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF),
    st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),
    st.sampled_from(list("0123456789.,-~ \"'\n\r\t，。、：；“”（）【】％#*=+")),
    st.characters(codec="utf-8", exclude_categories=["Cs"]),
)
text_cells = st.text(CELL_ALPHABET, max_size=12)
number_cells = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-10**6, 10**12).map(str),
    st.tuples(amounts, st.sampled_from([u for _, u, _ in UNITS] + ["", "美元", "亿-", "多"]))
    .map(lambda t: f"{plain(t[0])}{t[1]}"),
    st.sampled_from(["约5亿元", "超10亿", "12-15亿", "3,500万元", "2023年", "2023-02-08", "１２", "-", "—", "N/A",
                     "合计", "总计", "注：数据来源", "* 说明", "120.95", "31.38", "120.95°", "wgs84", "高德", "bd09",
                     "town", "exact", "http://example.com", "javascript:alert(1)", "=SUM(A1:A3)", "nan", "inf"]),
)
cells = st.one_of(st.none(), st.just(""), text_cells, number_cells, st.sampled_from(TOWNS), st.sampled_from(ALIASES))
header_cells = st.one_of(st.sampled_from(ALIASES), st.sampled_from(HEADERS_WITH_UNITS), text_cells, st.just(""))


@st.composite
def register_texts(draw):
    """(text, encoding) of a CSV register: optional title rows, a header, data rows, sometimes
    malformed (unquoted cells, ragged rows, tab separated)."""
    width = draw(st.integers(1, 7))
    header = draw(st.lists(header_cells, min_size=width, max_size=width))
    if draw(st.integers(0, 3)):  # most registers name their parks
        header[draw(st.integers(0, width - 1))] = draw(st.sampled_from(["园区名称", "名称", "name", "園區名稱"]))
    titles = draw(st.lists(st.lists(text_cells, max_size=2), max_size=2))
    rows = draw(st.lists(st.lists(cells, min_size=0, max_size=width + 1), max_size=8))
    records = [*titles, header, *rows]
    delimiter = draw(st.sampled_from([",", ",", "\t"]))
    if draw(st.integers(0, 3)) == 0:  # written by hand: no quoting at all
        lines = [delimiter.join("" if c is None else str(c) for c in record) for record in records]
        text = draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)
    else:
        buffer = io.StringIO(newline="")
        csv.writer(buffer, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows(
            [["" if c is None else c for c in record] for record in records])
        text = buffer.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gbk"]))
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        encoding = "utf-8"
    return text, encoding


def assert_report_consistent(report, text: str | None) -> None:
    assert report.rows_read >= 0 and report.parks >= 0
    assert report.rows_read == report.parks + len(report.rejected) + len(report.skipped), report.to_dict()
    lines = max(1, len(text.splitlines())) if text is not None else None
    rows = []
    for entry in report.rejected:
        assert {"row", "column", "value", "reason"} <= set(entry), entry
        assert isinstance(entry["reason"], str) and entry["reason"], entry
        assert isinstance(entry["column"], str), entry
        rows.append(entry["row"])
    for entry in report.skipped:
        assert isinstance(entry["reason"], str) and entry["reason"], entry
        rows.append(entry["row"])
    assert len(set(rows)) == len(rows), "a row is both rejected and skipped, or listed twice"
    for row in rows:
        assert isinstance(row, int)
        if lines is not None:
            assert 1 <= row <= lines, (row, lines)
    json.loads(report.to_json())  # the report serialises
    report.to_text()


def read_or_register_error(reader, text: str, encoding: str, suffix: str = ".csv"):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"register{suffix}"
        path.write_bytes(text.encode(encoding))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return reader(path)
            except RegisterError as error:
                assert str(error)
                return None


@FILES
@given(register=register_texts())
@example(register=("园区名称,所在镇\n甲,陆家镇\n合计,\n", "utf-8"))
@example(register=('名称,总投资（万元）,经度,纬度\n"甲\n园",3,500,120.95,31.38\n', "gbk"))
def test_read_register_raises_only_register_error_and_accounts_for_every_row(register):
    text, encoding = register
    result = read_or_register_error(read_register, text, encoding)
    event("read" if result is not None else "RegisterError")
    if result is not None:
        event(f"parks > 0: {result.report.parks > 0}; rejected: {bool(result.report.rejected)}")
        assert_report_consistent(result.report, text)
        assert len(result.table) == result.report.parks
        accounted = {*result.table["row"], *(e["row"] for e in result.report.rejected),
                     *(e["row"] for e in result.report.skipped)}
        assert len(accounted) == result.report.rows_read


coordinates = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(min_value=-200, max_value=200).map(repr),
    st.floats(min_value=120.8, max_value=121.1).map(lambda x: f"{x:.6f}"),
    st.floats(min_value=31.1, max_value=31.5).map(lambda x: f"{x:.6f}"),
    st.sampled_from(["1e400", "-1e400", "1e308", "NaN", "Infinity", "-inf", "120.95°", "31.38°", "abc", "", " ",
                     "120,95", "１２０．９５", "0", "-0", "180.0000001", "90.1"]),
    text_cells,
)


inside = st.tuples(st.floats(min_value=120.90, max_value=121.05), st.floats(min_value=31.25, max_value=31.42))
coordinate_pairs = st.one_of(
    inside.map(lambda p: (f"{p[0]:.6f}", f"{p[1]:.6f}")),  # a point in Kunshan
    inside.map(lambda p: (f"{p[1]:.6f}", f"{p[0]:.6f}")),  # the same, lon and lat swapped
    inside.map(lambda p: (repr(p[0]), repr(p[1]))),
    st.tuples(coordinates, coordinates),
)


@st.composite
def located_registers(draw):
    rows = [(name, town, *pair, datum, address) for name, town, pair, datum, address in draw(st.lists(st.tuples(
        st.one_of(st.none(), st.sampled_from(["甲园", "乙园", "合计", "注：x"]), text_cells),
        st.one_of(st.none(), st.sampled_from(TOWNS), text_cells),
        coordinate_pairs,
        st.one_of(st.none(), st.sampled_from(["wgs84", "gcj02", "bd09", "高德", "百度", "火星", "utm"])),
        st.one_of(st.none(), st.sampled_from(["昆山市陆家镇合丰路1号", "上海市浦东新区", "周市镇和张浦镇之间",
                                              "昆山市"]), text_cells),
    ), max_size=6))]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["园区名称", "所在镇", "经度", "纬度", "坐标系", "地址"])
    writer.writerows([["" if c is None else c for c in row] for row in rows])
    return buffer.getvalue(), draw(st.sampled_from(["wgs84", "gcj02", "bd09"]))


@LOCATING
@given(register=located_registers())
@example(register=("园区名称,经度,纬度\n甲,1e400,31.3\n乙,120.95,nan\n丙,31.38,120.95\n丁,120.95,31.38\n", "wgs84"))
def test_load_parks_raises_only_register_error_and_accounts_for_every_row(register):
    text, datum = register
    parks = read_or_register_error(lambda path: load_parks(path, datum=datum), text, "utf-8")
    event("read" if parks is not None else "RegisterError")
    if parks is not None:
        event(f"parks > 0: {parks.report.parks > 0}; rejected: {bool(parks.report.rejected)}")
        report = parks.report
        assert_report_consistent(report, text)
        assert len(parks.parks) == report.parks
        assert parks.parks.crs.to_epsg() == 4326
        assert parks.parks.geometry.notna().all()
        assert parks.outline.union_all().buffer(0.05).contains(parks.parks.geometry).all()
        assert parks.parks["precision"].notna().all()
        gone = {e["row"] for e in report.rejected} | {e["row"] for e in report.skipped}
        assert not gone & set(parks.parks["row"])


# ------------------------------------------------------------------------------------------------
# Escaping

DANGEROUS = set("<>\"'`${}\\")
# Text as data holds it: any code point but lone surrogates, with the awkward ones made likely.
any_text = st.one_of(st.text(), st.lists(st.one_of(
    st.characters(exclude_categories=["Cs"]),
    st.sampled_from(list("<>\"'`${}\\&;#\u2028\u2029\x00\x1b\x7f\u200b\ufeff") + ["\U0001F600", "\U0001F1E8"]),
    st.sampled_from(["&amp;", "&lt;", "&#96;", "&#x27;", "${x}", "</script>", "<!--", "-->", "javascript:"]),
), max_size=20).map("".join))


@FAST
@given(text=any_text)
@example(text="&amp;lt;<script>alert(`${1}`)</script>\u2028\u2029\\")
def test_escape_text_leaves_no_markup_characters_and_loses_nothing(text):
    out = escape_text(text)
    assert not DANGEROUS & set(out), out
    assert "\u2028" not in out and "\u2029" not in out
    assert html.unescape(out) == text


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), any_text),
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(any_text, inner, max_size=5)),
    max_leaves=25,
)


@FAST
@given(value=json_values)
@example(value={"</script><script>alert(1)</script>": "<!-- & \u2028\u2029 -->"})
def test_script_json_is_inert_in_a_script_block_and_reads_back(value):
    out = script_json(value)
    for char in "<>&\u2028\u2029":
        assert char not in out
    assert json.loads(out) == value
    assert script_json(json.loads(out)) == out  # stable


def test_script_json_refuses_non_finite_numbers():
    for bad in (math.nan, math.inf, -math.inf):
        with pytest.raises(ValueError):
            script_json({"x": bad})


URL_TAIL = st.text(st.one_of(st.characters(exclude_categories=["Cs"]), st.sampled_from(list("/?#&=:%<>\"' \t"))),
                   max_size=20)
link_texts = st.one_of(
    any_text,
    st.tuples(st.sampled_from(["http://", "https://", "HTTP://", "Https://", "javascript:", "JavaScript:",
                               " javascript:", "java\tscript:", "\x00javascript:", "jav&#x61;script:", "data:",
                               "vbscript:", "//", "http:/", "http:", "ftp://", "file://", " http://",
                               "http://javascript:", "https://x/?u=javascript:"]),
              URL_TAIL).map("".join),
)
_LINK_SCHEME = re.compile(r"^https?://", re.IGNORECASE)


def is_http_url(text: str) -> bool:
    """An http(s) URL as the page may link it: the scheme spelled in ASCII, then a host part, and no
    space (ASCII or not: U+3000, U+00A0), control character or quote/angle bracket anywhere."""
    url = text.strip()
    return (bool(re.match(r"^[hH][tT][tT][pP][sS]?://.", url))
            and not any(c.isspace() or unicodedata.category(c) == "Cc" or c in "<>\"'" for c in url))


@FAST
@given(url=link_texts)
@example(url="javascript:alert(1)")
@example(url="http://example.com/?a=<b>&c='d'")
@example(url="httpſ://example.com")  # long s: case-folds to 's' under re.IGNORECASE
@example(url="HTTP://\x1f0")  # a C0 control inside
@example(url="http://www.example.cn\u3000官网")  # an ideographic space inside
@example(url="http://a\x00b")
def test_only_http_urls_are_linked_and_never_javascript(url):
    """The link rule the page applies (HTTP_URL, to the text as given, spaces around it stripped)."""
    linked = HTTP_URL.match(url.strip()) is not None
    assert linked == is_http_url(url), url
    if linked:
        assert _LINK_SCHEME.match(url.strip())
        assert "javascript:" not in re.sub(r"[\x00-\x20]", "", url).lower().split("://", 1)[0]


def test_a_scheme_that_only_case_folds_to_https_is_not_linked():
    """'ſ' (U+017F, long s) matches 's' under re.IGNORECASE: 'httpſ://' is not an http(s) URL, and
    a browser resolves it as a relative link."""
    assert HTTP_URL.match("httpſ://example.com") is None


# ------------------------------------------------------------------------------------------------
# Errors found by the properties above, pinned as plain examples


def read_text_register(text: str, reader=read_register, suffix: str = ".csv"):
    """The register read from ``text`` (UTF-8), or None after a RegisterError; any other exception fails."""
    return read_or_register_error(reader, text, "utf-8", suffix)


@pytest.mark.parametrize("reader", [read_register, load_parks], ids=["read_register", "load_parks"])
@pytest.mark.parametrize("text", [
    "园区名称,row\n甲园,1\n",
    "园区名称,所在镇,index_right\n甲园,陆家镇,x\n",
    "名称 (3),名称,名称\n甲园,乙园,丙园\n",
    "名称,经度 (4),经度,经度,纬度\n甲园,1,120.95,3,31.38\n",
], ids=["column-row", "column-index_right", "duplicate-name-headers", "duplicate-lon-headers"])
def test_register_with_awkward_column_names_reads_or_raises_register_error(reader, text):
    result = read_text_register(text, reader)
    if result is not None:
        assert_report_consistent(result.report, text)


def test_register_error_is_the_family_root():
    assert issubclass(RegisterError, HeatmapError) and issubclass(RegisterError, ValueError)
