"""Reports of one unit across years are linked even when the name is written differently."""
from __future__ import annotations

from pipeline.linking import link


def keys(rows, aliases=None):
    return {l.doc: (l.unit_key, l.how) for l in link(rows, aliases if aliases is not None else {})}


def test_catalog_key_wins():
    got = keys([("a", "区征地办", "开福征地", "catalog")])
    assert got["a"] == ("开福征地", "catalog")


def test_alias_table_links_a_short_name():
    aliases = {"开福区征地办": "长沙市开福区征地服务中心"}
    got = keys([("a", "开福区征地办", None, "text"), ("b", "长沙市开福区征地服务中心", None, "title")], aliases)
    assert got["a"] == ("长沙市开福区征地服务中心", "alias")
    assert got["b"] == ("长沙市开福区征地服务中心", "name")


def test_a_name_without_its_city_links_to_the_full_name_of_the_same_place():
    got = keys([("a", "开福区征地服务中心", None, "text"), ("b", "长沙市开福区征地服务中心", None, "title")])
    assert got["a"] == ("长沙市开福区征地服务中心", "fuller_name")


def test_the_same_office_of_another_district_is_not_linked():
    got = keys([("a", "长沙市望城区征地服务中心", None, "title"), ("b", "长沙市开福区征地服务中心", None, "title")])
    assert got["a"][0] != got["b"][0]


def test_a_name_without_any_place_is_not_guessed():
    got = keys([("a", "区征地办", None, "text"), ("b", "长沙市开福区征地办", None, "title")])
    assert got["a"] == ("区征地办", "name")


def test_a_report_without_a_unit_is_linked_to_nothing():
    assert keys([("a", None, None, "none")])["a"] == (None, "none")


def test_catalogued_name_links_uncatalogued_reports_of_the_same_name():
    got = keys([("a", "甲乙县征地所", "甲乙征地", "catalog"), ("b", "甲乙县征地所", None, "title")])
    assert got["b"] == ("甲乙征地", "catalog_name")
