"""pipeline/normalize: figure text → Quantity, from the case tables in tests/cases/.

normalize_dev.yaml          figures from the seed reports and the brief (must pass)
normalize_bugs_caught.yaml  bugs caught while writing the module, with a note each (must pass)
normalize_xfail.yaml        known failures, under xfail(strict=True): an accidental fix fails
                            the run, so the row gets moved to the dev set
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from pipeline.errors import RuleError
from pipeline.model import Quantity
from pipeline.normalize import Units, approx_range, parse_number, parse_quantity, parse_unit_header

CASES = Path(__file__).parent / "cases"
TABLES = ("normalize_dev.yaml", "normalize_bugs_caught.yaml", "normalize_xfail.yaml")


def load_cases(name: str) -> list[dict]:
    return yaml.safe_load((CASES / name).read_text(encoding="utf-8"))


def params(name: str, *marks) -> list:
    return [pytest.param(case, id=case["input"], marks=marks) for case in load_cases(name)]


def check(case: dict) -> None:
    q = parse_quantity(case["input"])
    if case["value"] is None:
        assert q is None
        return
    assert q is not None
    assert (q.value, q.unit, q.approx) == (Decimal(case["value"]), case["unit"], case["approx"])
    assert isinstance(q.value, Decimal) and isinstance(q.step, Decimal)
    assert q.raw == case["input"]
    if "step" in case:
        assert q.step == Decimal(case["step"])
    if "qualifier" in case:
        assert q.qualifier == case["qualifier"]
    if not case["approx"]:
        assert q.qualifier is None


# --- case tables --------------------------------------------------------------------------------


@pytest.mark.parametrize("case", params("normalize_dev.yaml"))
def test_dev_case(case):
    check(case)


@pytest.mark.parametrize("case", params("normalize_bugs_caught.yaml"))
def test_bug_caught(case):
    check(case)


@pytest.mark.parametrize("case", params("normalize_xfail.yaml", pytest.mark.xfail(strict=True)))
def test_known_failure(case):
    check(case)


@pytest.mark.parametrize("name", TABLES)
def test_when_a_case_table_is_read_then_it_is_well_formed(name):
    text = (CASES / name).read_text(encoding="utf-8")
    assert text.startswith("#"), "a case file says where its cases came from"
    cases = load_cases(name)
    inputs = [c["input"] for c in cases]
    assert len(inputs) == len(set(inputs)), "inputs are test ids: unique"
    for c in cases:
        assert c["value"] is None or isinstance(c["value"], str), f"{c['input']}: value as a string"
        assert isinstance(c.get("step", ""), str), f"{c['input']}: step as a string"
        if c["value"] is not None:
            assert {"unit", "approx"} <= c.keys(), c["input"]
        if name != "normalize_dev.yaml":
            assert c.get("note"), f"{c['input']}: a note says why it is here"


def test_when_the_dev_table_is_counted_then_it_holds_at_least_45_cases():
    assert len(load_cases("normalize_dev.yaml")) >= 45


# --- traps that trip other Chinese money parsers ------------------------------------------------


def test_when_a_figure_follows_yusuanshu_then_only_the_figure_part_is_read():
    q = parse_quantity("365.5万元")  # from 预算数365.5万元
    assert (q.value, q.step) == (Decimal(3655000), Decimal(1000))
    assert (q.approx, q.qualifier) == (False, None)
    assert parse_quantity("数365.5万元") is None  # 数 is not "several": the caller passes the figure
    assert parse_quantity("预算数365.5万元") is None


def test_when_the_decimal_point_is_full_width_then_it_is_a_decimal_point():
    assert parse_quantity("１２３４．５万元").value == Decimal(12345000)
    assert parse_quantity("1．5万元").value == Decimal(15000)
    assert parse_number("１２３４．５") == Decimal("1234.5")


def test_when_yu_stands_before_wan_then_the_value_is_a_point_not_yu_wan():
    q = parse_quantity("4000余万元")
    assert (q.value, q.step) == (Decimal(40000000), Decimal(10000))
    assert (q.approx, q.qualifier) == (True, "余")
    assert approx_range(q) == (Decimal(40000000), Decimal(50000000))


def test_when_text_is_a_unit_header_then_it_is_no_quantity():
    assert parse_quantity("金额单位：万元") is None
    assert parse_quantity("单位：万元") is None
    assert parse_unit_header("金额单位：万元") == ("yuan", Decimal(10000))


@pytest.mark.parametrize("text", ["三公经费", "三公", "清零16个", "3公经费"])
def test_when_a_word_holds_a_numeral_then_it_is_not_a_number(text):
    # cn2an.transform would rewrite 三公经费 → 3公经费 and 清零16个 → 清016个
    assert parse_number(text) is None
    assert parse_quantity(text) is None


# --- parse_number -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("1,326", "1326"),
        ("１３２６", "1326"),
        ("１２３４．５", "1234.5"),
        ("11876.45", "11876.45"),
        ("一千三百二十六", "1326"),
        ("两", "2"),
        ("一百零五", "105"),
        ("十二", "12"),
        ("两万", "20000"),
        ("百", "100"),
        ("千", "1000"),
        ("1.5万", "15000"),
        ("1.35亿", "135000000"),
        ("三点五", "3.5"),
        ("零", "0"),
        (" 12 ", "12"),
    ],
)
def test_when_a_number_is_written_then_parse_number_reads_it(text, value):
    assert parse_number(text) == Decimal(value)
    assert str(parse_number(text)) == value  # written plainly: no 1.5E+4, no 15000.0


@pytest.mark.parametrize("text", ["", "abc", "三公", "100余", "5%", "万", "1,32", "4.", "四五"])
def test_when_text_is_not_a_number_then_parse_number_returns_none(text):
    assert parse_number(text) is None


# --- parse_quantity details ---------------------------------------------------------------------


def test_when_a_unit_map_is_given_then_the_unit_changes_and_the_factor_stays():
    q = parse_quantity("1300余份", unit_map={"份": "household"})
    assert (q.value, q.unit, q.approx) == (Decimal(1300), "household", True)
    q = parse_quantity("2万份", unit_map={"份": "household"})
    assert (q.value, q.unit) == (Decimal(20000), "household")
    assert parse_quantity("3户", unit_map={"份": "household"}).unit == "household"
    assert parse_quantity("3个", unit_map={"份": "household"}).unit == "item"


def test_when_no_unit_is_written_then_the_unit_is_empty_for_the_caller_to_supply():
    q = parse_quantity("365.5")  # a table cell under 金额单位：万元
    assert (q.value, q.unit, q.step) == (Decimal("365.5"), "", Decimal("0.1"))


def test_when_the_result_is_built_then_it_is_a_quantity_with_the_raw_text():
    q = parse_quantity(" 157.23 万元 ")
    assert isinstance(q, Quantity)
    assert q.raw == " 157.23 万元 "


def test_when_given_other_units_then_parse_quantity_uses_them(tmp_path):
    path = tmp_path / "units.yaml"
    path.write_text(
        "units:\n  斤: {unit: jin, factor: 1}\n  公斤: {unit: jin, factor: 2}\n"
        "magnitudes:\n  万: 10000\npercent:\n  '%': 0.01\n",
        encoding="utf-8",
    )
    units = Units.load(path)
    assert parse_quantity("3万公斤", units).value == Decimal(60000)
    assert parse_quantity("3亩", units) is None


# --- approx_range -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, low, high",
    [
        ("1300余份", "1300", "1400"),
        ("4000余万元", "40000000", "50000000"),
        ("60余次", "60", "70"),
        ("1.35亿余元", "135000000", "136000000"),
        ("百余批次", "100", "200"),
        ("40多名", "40", "50"),
        ("97%以上", "0.97", "0.98"),
        ("超过90%", "0.9", "1"),
        ("逾千人", "1000", "2000"),
        ("近6000亩", "5000", "6000"),
        ("接近3.5万元", "34000", "35000"),
        ("约6户", "5", "7"),
        ("6000亩左右", "5000", "7000"),
        ("365.5万元", "3655000", "3655000"),
        ("405万元整", "4050000", "4050000"),
        ("0元", "0", "0"),
    ],
)
def test_when_a_figure_is_qualified_then_approx_range_widens_it(text, low, high):
    assert approx_range(parse_quantity(text)) == (Decimal(low), Decimal(high))


def test_when_the_qualifier_is_unknown_then_approx_range_is_symmetric():
    q = Quantity(Decimal(300), "item", True, "300个", Decimal(1), None)
    assert approx_range(q) == (Decimal(200), Decimal(400))


# --- parse_unit_header --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, unit, factor",
    [
        ("金额单位：万元", "yuan", "10000"),
        ("单位：万元", "yuan", "10000"),
        ("（单位：元）", "yuan", "1"),
        ("(单位:元)", "yuan", "1"),
        ("单位:亿元", "yuan", "100000000"),
        ("金额单位：人民币万元", "yuan", "10000"),
        ("单位：%", "ratio", "0.01"),
        ("面积单位：亩", "mu", "1"),
        ("  单位： 户 ", "household", "1"),
    ],
)
def test_when_text_is_a_unit_header_then_its_unit_and_factor_are_read(text, unit, factor):
    assert parse_unit_header(text) == (unit, Decimal(factor))


@pytest.mark.parametrize(
    "text",
    ["单位：桃江县征地拆迁安置中心", "填报单位：某某局", "单位名称：某某局", "365.5万元", "万元", "单位：万"],
)
def test_when_text_is_not_a_unit_header_then_parse_unit_header_returns_none(text):
    assert parse_unit_header(text) is None


# --- Units --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "surface, unit, factor",
    [
        ("元", "yuan", "1"),
        ("万元", "yuan", "10000"),
        ("亿元", "yuan", "100000000"),
        ("十万元", "yuan", "100000"),
        ("千万元", "yuan", "10000000"),
        ("亩", "mu", "1"),
        ("万亩", "mu", "10000"),
        ("公顷", "mu", "15"),
        ("平方公里", "sqm", "1000000"),
        ("批次", "item", "1"),
        ("%", "ratio", "0.01"),
        ("％", "ratio", "0.01"),
        ("‰", "ratio", "0.001"),
    ],
)
def test_when_a_surface_unit_is_known_then_lookup_gives_unit_and_factor(surface, unit, factor):
    assert Units.load().lookup(surface) == (unit, Decimal(factor))


@pytest.mark.parametrize("surface", ["", "万", "亿", "公里", "万%", "元整", "数"])
def test_when_a_surface_unit_is_unknown_then_lookup_returns_none(surface):
    assert Units.load().lookup(surface) is None


def test_when_surface_units_are_listed_then_they_come_longest_first():
    units = Units.load()
    lengths = [len(s) for s in units.surface_units]
    assert lengths == sorted(lengths, reverse=True)
    assert {"元", "亩", "批次", "%", "％", "‰"} <= set(units.surface_units)
    assert "万元" not in units.surface_units  # magnitudes are listed apart
    assert units.magnitudes[-1] in {"十", "百", "千", "万", "亿"}


def test_when_units_load_twice_then_the_default_is_read_once():
    assert Units.load() is Units.load()


@pytest.mark.parametrize(
    "body, message",
    [
        ("units: {}\n", "needs the mappings"),
        ("units:\n  元: {unit: yuan}\nmagnitudes: {}\npercent: {}\n", "units.元: needs unit"),
        ("units:\n  元: {unit: yuan, factor: x}\nmagnitudes: {}\npercent: {}\n", "units.元: factor"),
        ("units: {}\nmagnitudes:\n  万: 0\npercent: {}\n", "magnitudes.万: factor"),
    ],
)
def test_when_units_yaml_is_invalid_then_load_names_the_file_and_entry(tmp_path, body, message):
    path = tmp_path / "units.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(RuleError, match=message) as caught:
        Units.load(path)
    assert str(path) in str(caught.value)
