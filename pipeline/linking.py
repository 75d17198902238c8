"""Link reports to one budget unit across years, even when its name is written differently.

Order (first that applies): catalog.csv ``unit_key``; rules/unit_aliases.yaml; the same
normalized name; a fuller form of the name with the same place prefix. How each report was
linked is kept in the table ``unit_links`` so an auditor can see it.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex
import yaml

from .rules import RULES_DIR

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


@lru_cache(maxsize=4)
def load_aliases(directory: str | None = None) -> dict[str, str]:
    """normalized name → canonical key, from rules/unit_aliases.yaml."""
    data = yaml.safe_load((Path(directory or RULES_DIR) / "unit_aliases.yaml").read_text(encoding="utf-8")) or []
    out: dict[str, str] = {}
    for entry in data:
        key = entry["key"]
        for name in [key, *(entry.get("names") or ())]:
            out[normalize_name(name)] = key
    return out


def link(docs: list[tuple[str, str | None, str | None, str]], aliases: dict[str, str] | None = None) -> list[Link]:
    """Links for (doc, unit, catalog unit_key or None, unit_source) rows.

    >>> [l.unit_key for l in link([("a", "开福区征地服务中心", None, "text"),
    ...                            ("b", "长沙市开福区征地服务中心", None, "title")], {})]
    ['长沙市开福区征地服务中心', '长沙市开福区征地服务中心']
    """
    aliases = load_aliases() if aliases is None else aliases
    catalog_names = {normalize_name(unit): key for _, unit, key, source in docs if source == "catalog" and key and unit}
    known = {normalize_name(unit) for _, unit, _, _ in docs if unit}
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
            fuller = _fuller_name(name, known)
            if fuller:
                out.append(Link(doc, unit, aliases.get(fuller, catalog_names.get(fuller, fuller)), "fuller_name"))
            else:
                out.append(Link(doc, unit, name, "name"))
    return out


def _fuller_name(name: str, known: set[str]) -> str | None:
    """The one known name that ends with ``name`` and adds places in front of it."""
    if not _PLACE.match(name):
        return None
    longer = [k for k in known if k != name and k.endswith(name) and _PLACE.fullmatch(k[: len(k) - len(name)])]
    return longer[0] if len(longer) == 1 else None


def link_units(con) -> list[Link]:
    """Recompute every report's unit_key in the database and record how it was linked."""
    rows = con.execute("SELECT doc, unit, unit_key, unit_source FROM documents ORDER BY doc").fetchall()
    links = link(rows)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM unit_links")
        if links:
            con.executemany("INSERT INTO unit_links VALUES (?, ?, ?, ?)", [(l.doc, l.unit, l.unit_key, l.how) for l in links])
            con.executemany("UPDATE documents SET unit_key = ? WHERE doc = ?", [(l.unit_key, l.doc) for l in links])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return links
