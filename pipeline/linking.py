"""Link reports to one budget unit across years, even when its name is written differently.

Order (first that applies): catalog.csv ``unit_key``; rules/unit_aliases.yaml; the same
normalized name; a fuller form of the name with the same place prefix. How each report was
linked is kept in the table ``unit_links`` so an auditor can see it.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from .load import insert_rows, transaction
from .rules import RuleSet, load_rules

_NOISE = regex.compile(r"[\s\u3000“”\"'‘’（）()]")
_PLACE = regex.compile(r"^(?:[\p{Han}]{2,4}?(?:省|自治区|市|州|盟|县|区|旗))+")



@dataclass(frozen=True)
class Link:
    """How one report was tied to its unit."""

    doc: str
    unit: str | None
    unit_key: str | None
    how: str  # catalog | alias | name | fuller_name | none


def normalize_name(name: str) -> str:
    """A unit name without spaces, quotes and brackets.

    >>> normalize_name(" 长沙市开福区 征地服务中心 ")
    '长沙市开福区征地服务中心'
    """
    return _NOISE.sub("", name or "")


def aliases_of(ruleset: RuleSet) -> dict[str, str]:
    """normalized name → canonical key, from the RuleSet's unit_aliases.yaml.

    >>> aliases_of(load_rules())["开福区征地办"]
    '长沙市开福区征地服务中心'
    """
    out: dict[str, str] = {}
    for key, names in ruleset.unit_aliases:
        for name in (key, *names):
            out[normalize_name(name)] = key
    return out


def link(docs: list[tuple[str, str | None, str | None, str]], aliases: dict[str, str] | None = None) -> list[Link]:
    """Links for (doc, unit, catalog unit_key or None, unit_source) rows.

    >>> [l.unit_key for l in link([("a", "开福区征地服务中心", None, "text"),
    ...                            ("b", "长沙市开福区征地服务中心", None, "title")], {})]
    ['长沙市开福区征地服务中心', '长沙市开福区征地服务中心']
    """
    aliases = aliases_of(load_rules()) if aliases is None else aliases
    catalog_names = {normalize_name(unit): key for _, unit, key, source in docs if source == "catalog" and key and unit}
    fuller: dict[str, set[str]] = {}  # a name without some of its leading places → the full names
    for _, unit, _, _ in docs:
        full = normalize_name(unit)
        for tail in _place_tails(full):
            fuller.setdefault(tail, set()).add(full)
    out = []
    for doc, unit, key, source in docs:
        name = normalize_name(unit)
        if source == "catalog" and key:
            out.append(Link(doc, unit, key, "catalog"))
        elif not name:
            out.append(Link(doc, unit, None, "none"))
        elif name in aliases:
            out.append(Link(doc, unit, aliases[name], "alias"))
        elif name in catalog_names:
            out.append(Link(doc, unit, catalog_names[name], "catalog_name"))
        else:
            longer = fuller.get(name, set()) if _PLACE.match(name) else set()
            if len(longer) == 1:
                full = next(iter(longer))
                out.append(Link(doc, unit, aliases.get(full, catalog_names.get(full, full)), "fuller_name"))
            else:
                out.append(Link(doc, unit, name, "name"))
    return out


def _place_tails(name: str):
    """The name without its first place, its first two places, … (长沙市开福区征地服务中心 →
    开福区征地服务中心, 征地服务中心).

    >>> list(_place_tails("长沙市开福区征地服务中心"))
    ['开福区征地服务中心', '征地服务中心']
    """
    while (m := _ONE_PLACE.match(name)) and m.end() < len(name):
        name = name[m.end():]
        yield name


_ONE_PLACE = regex.compile(r"[\p{Han}]{2,4}?(?:省|自治区|市|州|盟|县|区|旗)")


def link_units(con, ruleset: RuleSet | None = None) -> list[Link]:
    """Recompute every report's unit_key in the database and record how it was linked
    (``ruleset``: whose unit_aliases.yaml applies; default: the packaged rules)."""
    rows = con.execute("SELECT doc, unit, unit_key, unit_source FROM documents ORDER BY doc").fetchall()
    links = link(rows, aliases_of(ruleset or load_rules()))
    with transaction(con):
        con.execute("DELETE FROM unit_links")
        insert_rows(con, "unit_links", [(l.doc, l.unit, l.unit_key, l.how) for l in links])
        con.execute("UPDATE documents SET unit_key = l.unit_key FROM unit_links l "
                    "WHERE documents.doc = l.doc AND documents.unit_key IS DISTINCT FROM l.unit_key")
    return links
