"""Figures as written (1.35亿余元, 近6000亩, 49.8%) → ``Quantity`` in a canonical unit; ``Decimal`` only.

A figure is read as::

    [filler] [qualifier] [百分之] number [余|多] [magnitude] [余|多] [unit] [以上|左右] [整]

The number is Arabic (``1,326``, ``１２３４．５``, ``11876.45``) or Chinese (``一千三百二十六``,
``两``, ``百``); the magnitudes, units and percent signs come from ``rules/units.yaml``; the
words come from the tables right below. Anything else in the text makes the figure unreadable:
the functions return ``None``, never 0.

Chinese integers go through ``cn2an.cn2an(s, "normal")``, on the numeral substring only
(``cn2an.transform`` on a sentence turns 三公经费 into 3公经费); decimals after 点 are read
digit by digit here, so no value ever passes through a float.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path

import cn2an
import yaml

from pipeline.errors import RuleError
from pipeline.model import Quantity, builder
from pipeline.resources import packaged_rules_dir

__all__ = [
    "Units",
    "approx_range",
    "parse_number",
    "parse_quantity",
    "parse_unit_header",
    "plain",
]

# --- language data (the only Chinese in this module) ------------------------------------------

# qualifier → (where it stands, the interval it means; see approx_range and RANGES).
# before: ahead of the number; inside: after the number or its magnitude; after: after the unit.
QUALIFIERS: dict[str, tuple[str, str]] = {
    "近": ("before", "below"),
    "将近": ("before", "below"),
    "接近": ("before", "below"),
    "约": ("before", "around"),
    "大约": ("before", "around"),
    "超过": ("before", "above"),
    "逾": ("before", "above"),
    "余": ("inside", "above"),
    "多": ("inside", "above"),
    "以上": ("after", "above"),
    "左右": ("after", "around"),
}
# interval → (low, high) as multiples of the figure's place (the last non-zero stated digit).
RANGES: dict[str, tuple[int, int]] = {"above": (0, 1), "below": (-1, 0), "around": (-1, 1)}
# words before a figure that change nothing (共计3340亩 is exactly 3340 亩).
FILLERS = ("达", "达到", "共", "共计", "合计")
# words between a qualifier before a number and the number (面积约为3100亩).
PRE_FILLERS = ("为", "是")
# words after a figure that say it is exact (405万元整).
EXACT_WORDS = ("整",)
# words before a number that make it a ratio (百分之九十八 → 0.98).
PERCENT_WORDS: dict[str, Decimal] = {"百分之": Decimal("0.01"), "千分之": Decimal("0.001")}

# Chinese numerals: digit values (for decimals after the point, 三点五), the place characters,
# the places that may stand without a leading 一 (百余批次, 千余人), and the decimal point.
CN_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9,
}
CN_PLACES = "十百千拾佰仟"  # may begin a numeral: 十二, 百余
CN_BIG_PLACES = "万亿"  # may not: 万元 alone is a unit, not 10,000 yuan
CN_BARE_PLACES: dict[str, str] = {"百": "一百", "千": "一千", "佰": "壹佰", "仟": "壹仟"}
CN_POINT = "点"

# table and caption headers that scale the cells under them: 金额单位：万元, （单位：元）.
HEADER_LABELS = ("金额单位", "计量单位", "面积单位", "单位")
HEADER_FILLERS = ("人民币",)
HEADER_OPEN = "（(【["
HEADER_CLOSE = "）)】]"

RATIO = "ratio"  # canonical unit of percentages (metrics.yaml)

# --- patterns that do not depend on units.yaml --------------------------------------------------

# The standard ``re``: these patterns need nothing from ``regex``, and reading the groups of a
# ``re`` match is several times faster (parse_quantity runs ~100k times a batch).
_WIDE = str.maketrans("０１２３４５６７８９．，", "0123456789.,")
_ARABIC = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?"
_DIGITS = "".join(CN_DIGITS)
_NONZERO = "".join(c for c, v in CN_DIGITS.items() if v)
_CHINESE = (
    f"[{_DIGITS}{CN_PLACES}][{_DIGITS}{CN_PLACES}{CN_BIG_PLACES}]*(?:{CN_POINT}[{_DIGITS}]+)?"
)
_NUMBER = f"(?P<num>{_ARABIC}|{_CHINESE})"
# a non-zero digit right before another digit: 四五个 (four or five), 一二三, 二〇 (digit by digit).
_DIGIT_RUN = re.compile(f"[{_NONZERO}][{_DIGITS}]")
_ONE = Decimal(1)


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _words(position: str) -> str:
    return _alternation(w for w, (where, _) in QUALIFIERS.items() if where == position)


_HEADER_RE = re.compile(
    rf"\s*[{re.escape(HEADER_OPEN)}]?\s*(?:{_alternation(HEADER_LABELS)})\s*[：:]\s*"
    rf"(?:{_alternation(HEADER_FILLERS)})?\s*(?P<unit>[^\s{re.escape(HEADER_CLOSE)}]+)"
    rf"\s*[{re.escape(HEADER_CLOSE)}]?\s*"
)


# --- units.yaml ---------------------------------------------------------------------------------


class Units:
    """Surface units → (canonical unit, factor), as ``rules/units.yaml`` declares them.

    ``surface_units`` holds every surface unit and percent sign, longest first, and
    ``magnitudes`` every magnitude, longest first (for regex alternations elsewhere).
    A magnitude may stand in front of any unit: 万元, 万亩, 亿元.
    """

    def __init__(
        self,
        units: Mapping[str, tuple[str, Decimal]],
        magnitudes: Mapping[str, Decimal],
        percent: Mapping[str, Decimal],
    ):
        """Build the lookup table and the figure patterns; ``load`` is the usual way in."""
        self.surface_units: tuple[str, ...] = tuple(
            sorted([*units, *percent], key=lambda s: (-len(s), s))
        )
        self.magnitudes: tuple[str, ...] = tuple(sorted(magnitudes, key=lambda s: (-len(s), s)))
        # surface → (magnitude factor, base surface, canonical unit, unit factor); "" = no unit
        table: dict[str, tuple[Decimal, str, str, Decimal]] = {"": (_ONE, "", "", _ONE)}
        for sign, factor in percent.items():
            table[sign] = (_ONE, sign, RATIO, factor)
        for surface, (unit, factor) in units.items():
            table[surface] = (_ONE, surface, unit, factor)
        for mag, mag_factor in magnitudes.items():
            table.setdefault(mag, (mag_factor, "", "", _ONE))
            for surface, (unit, factor) in units.items():
                table.setdefault(mag + surface, (mag_factor, surface, unit, factor))
        self._table = table
        # surface → (canonical unit, factor), worked out once: lookup runs for every figure read
        self._lookup = {
            surface: (unit, plain(mag_factor * factor))
            for surface, (mag_factor, base, unit, factor) in table.items() if base
        }
        # compiled once per Units: the default one is built once and cached (_default_units)
        mags = _alternation(magnitudes)
        self._number_re = re.compile(rf"\s*{_NUMBER}\s*(?P<mag>{mags})?\s*")
        self._figure_re = re.compile(
            rf"\s*(?:(?:{_alternation(FILLERS)})\s*)*(?:(?P<pre>{_words('before')})\s*(?:{_alternation(PRE_FILLERS)})?)?\s*"
            rf"(?P<pct>{_alternation(PERCENT_WORDS)})?\s*{_NUMBER}"
            rf"\s*(?P<q1>{_words('inside')})?\s*(?P<mag>{mags})?\s*(?P<q2>{_words('inside')})?"
            rf"\s*(?P<unit>\S*?)\s*(?P<post>{_words('after')})?"
            rf"\s*(?:{_alternation(EXACT_WORDS)})?\s*"
        )

    @classmethod
    def load(cls, path: Path | None = None) -> Units:
        """Read and check a units file; without a path, the packaged one (read once, then cached).

        The pipeline passes the ``RuleSet``'s units (``load_rules``); the default serves
        the doctests and library callers.

        >>> Units.load() is Units.load()
        True
        >>> Units.load(packaged_rules_dir() / "units.yaml").lookup("亿元")
        ('yuan', Decimal('100000000'))
        >>> Units.load().lookup("公顷")
        ('mu', Decimal('15'))
        >>> Units.load().surface_units[0], "%" in Units.load().surface_units
        ('平方公里', True)
        """
        if path is None:
            return _default_units()
        return cls._read(Path(path))

    @classmethod
    def _read(cls, path: Path) -> Units:
        # BaseLoader keeps every scalar a string: factors go str → Decimal, never through float.
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        except (OSError, yaml.YAMLError) as exc:
            raise RuleError(f"{path}: cannot read: {exc}") from exc
        if not isinstance(data, dict) or not all(
            isinstance(data.get(k), dict) for k in ("units", "magnitudes", "percent")
        ):
            raise RuleError(f"{path}: needs the mappings units, magnitudes and percent")

        def factor(where: str, text: object) -> Decimal:
            try:
                value = Decimal(str(text))
            except InvalidOperation:
                value = None
            if value is None or not value.is_finite() or value <= 0:
                raise RuleError(f"{path}: {where}: factor {text!r} is not a positive number")
            return value

        units = {}
        for surface, entry in data["units"].items():
            if not isinstance(entry, dict) or not entry.get("unit") or "factor" not in entry:
                raise RuleError(f"{path}: units.{surface}: needs unit and factor")
            units[surface] = (entry["unit"], factor(f"units.{surface}", entry["factor"]))
        magnitudes = {m: factor(f"magnitudes.{m}", f) for m, f in data["magnitudes"].items()}
        percent = {s: factor(f"percent.{s}", f) for s, f in data["percent"].items()}
        return cls(units, magnitudes, percent)

    def lookup(self, surface: str) -> tuple[str, Decimal] | None:
        """The canonical unit and factor of a surface unit, magnitude included; else ``None``.

        >>> units = Units.load()
        >>> units.lookup("万元"), units.lookup("亩"), units.lookup("万亩")
        (('yuan', Decimal('10000')), ('mu', Decimal('1')), ('mu', Decimal('10000')))
        >>> units.lookup("%")
        ('ratio', Decimal('0.01'))
        >>> units.lookup("万"), units.lookup("公里")
        (None, None)
        """
        return self._lookup.get(surface)


@functools.cache
def _default_units() -> Units:
    return Units._read(packaged_rules_dir() / "units.yaml")


# --- numbers ------------------------------------------------------------------------------------


def parse_number(text: str) -> Decimal | None:
    """A number written in Arabic or Chinese numerals, with an optional magnitude; else ``None``.

    >>> parse_number("1,326"), parse_number("１２３４．５"), parse_number("11876.45")
    (Decimal('1326'), Decimal('1234.5'), Decimal('11876.45'))
    >>> parse_number("一千三百二十六"), parse_number("两万"), parse_number("百")
    (Decimal('1326'), Decimal('20000'), Decimal('100'))
    >>> parse_number("1.35亿"), parse_number("1.5万")
    (Decimal('135000000'), Decimal('15000'))
    >>> parse_number("三公"), parse_number("100余"), parse_number("")
    (None, None, None)
    """
    units = _default_units()
    m = units._number_re.fullmatch(text.translate(_WIDE)) if isinstance(text, str) else None
    read = m and _read_number(m["num"])
    if not read:
        return None
    return plain(read[0] * units._table[m["mag"] or ""][0])


@functools.lru_cache(maxsize=4096)
def _read_number(num: str) -> tuple[Decimal, Decimal] | None:
    """(value, value of one unit in its last stated digit), or None: ``3.5`` → (3.5, 0.1)."""
    if num[0].isascii():
        value = Decimal(num.replace(",", ""))
        return value, Decimal((0, (1,), value.as_tuple().exponent))
    whole, _, decimals = num.partition(CN_POINT)
    if not whole or _DIGIT_RUN.search(whole):
        return None  # 点五; 四五个 means four or five, not 45
    whole = CN_BARE_PLACES.get(whole[0], whole[0]) + whole[1:]
    try:
        integer = cn2an.cn2an(whole, "normal")
    except (ValueError, KeyError):  # cn2an 0.5.24 raises KeyError on 九亿二, 〇十五
        return None
    if not isinstance(integer, int):
        return None
    if decimals:
        value = Decimal(f"{integer}.{''.join(str(CN_DIGITS[c]) for c in decimals)}")
        return value, Decimal((0, (1,), -len(decimals)))
    return Decimal(integer), _place(Decimal(integer), _ONE)  # 两万: the last stated digit is 万


def _place(value: Decimal, step: Decimal) -> Decimal:
    """The value of one unit in the last non-zero digit: 1300 (step 1) → 100; 0 → step."""
    if not value or not step:
        return step
    exponent = (value / step).normalize().as_tuple().exponent
    return step.scaleb(max(exponent, 0))


def plain(d: Decimal) -> Decimal:
    """3655000.0 → 3655000, 0.4980 → 0.498: the same number, written plainly.

    >>> plain(Decimal("3655000.0")), plain(Decimal("0.4980"))
    (Decimal('3655000'), Decimal('0.498'))
    """
    try:
        return d.quantize(_ONE) if d == d.to_integral_value() else d.normalize()
    except InvalidOperation:  # more digits than the context holds: leave it as it is
        return d


# --- figures ------------------------------------------------------------------------------------


def parse_quantity(
    text: str, units: Units | None = None, unit_map: Mapping[str, str] | None = None
) -> Quantity | None:
    """A whole figure (the text a rule captured) → ``Quantity`` in canonical units; else ``None``.

    ``unit_map`` sends a surface unit to another canonical unit, keeping the factor
    ({"份": "household"} for 签订协议1300余份). A figure without a unit gets unit ``""``.

    >>> q = parse_quantity("1.35亿余元")
    >>> q.value, q.unit, q.approx, q.step, q.qualifier
    (Decimal('135000000'), 'yuan', True, Decimal('1000000'), '余')
    >>> parse_quantity("405万元整").value, parse_quantity("49.8%").value
    (Decimal('4050000'), Decimal('0.498'))
    >>> parse_quantity("1300余份", unit_map={"份": "household"}).unit
    'household'
    >>> parse_quantity("约为3100亩").value, parse_quantity("约为3100亩").approx
    (Decimal('3100'), True)
    >>> parse_quantity("数365.5万元"), parse_quantity("金额单位：万元")
    (None, None)
    """
    units = units or _default_units()
    if unit_map is None and isinstance(text, str):
        return _parse_cached(text, units)
    return _parse(text, units, unit_map)


@functools.lru_cache(maxsize=8192)
def _parse_cached(text: str, units: Units) -> Quantity | None:
    """``_parse`` remembered: extract, attribute and parts read the same figures of a sentence
    again (a Quantity is immutable, so one instance serves them all)."""
    return _parse(text, units, None)


def _parse(text: str, units: Units, unit_map: Mapping[str, str] | None) -> Quantity | None:
    """``parse_quantity`` itself, with the units given."""
    m = units._figure_re.fullmatch(text.translate(_WIDE)) if isinstance(text, str) else None
    if not m:
        return None
    pre, pct, num, q1, mag, q2, unit_text, post = m.groups()
    surface = (mag or "") + unit_text
    read, entry = _read_number(num), units._table.get(surface)
    if not read or not entry or (q1 and q2) or (pct and surface):
        return None
    mag_factor, base, unit, factor = entry
    if pct:
        unit, factor = RATIO, PERCENT_WORDS[pct]
    if unit_map:
        unit = unit_map.get(surface) or unit_map.get(base) or unit
    scale = mag_factor * factor
    qualifier = pre or q1 or q2 or post
    return _new_quantity(plain(read[0] * scale), unit, qualifier is not None, text, plain(read[1] * scale), qualifier)


_new_quantity = builder(Quantity)  # Quantity(value, unit, approx, raw, step, qualifier), built by its slots


def approx_range(q: Quantity) -> tuple[Decimal, Decimal]:
    """The interval a figure stands for, both ends included.

    Exact figures stand for themselves. Otherwise ``place`` is one unit of the last non-zero
    digit stated, in the canonical unit (1300余 → 100; 4000余万元 → 1000万; 1.35亿余 → 100万):
    余 多 以上 超过 逾 mean [v, v + place]; 近 将近 接近 mean [v − place, v]; 约 大约 左右
    mean [v − place, v + place] (as does an approximate figure without a known qualifier).

    >>> approx_range(parse_quantity("1300余份"))
    (Decimal('1300'), Decimal('1400'))
    >>> approx_range(parse_quantity("4000余万元"))
    (Decimal('40000000'), Decimal('50000000'))
    >>> approx_range(parse_quantity("近6000亩")), approx_range(parse_quantity("365.5万元"))
    ((Decimal('5000'), Decimal('6000')), (Decimal('3655000'), Decimal('3655000')))
    """
    if not q.approx:
        return q.value, q.value
    low, high = RANGES[QUALIFIERS.get(q.qualifier or "", ("", "around"))[1]]
    place = _place(q.value, q.step)
    return plain(q.value + low * place), plain(q.value + high * place)


def parse_unit_header(text: str, units: Units | None = None) -> tuple[str, Decimal] | None:
    """The unit a table or caption header sets for the cells under it; ``None`` for other text.

    >>> parse_unit_header("金额单位：万元"), parse_unit_header("（单位：元）")
    (('yuan', Decimal('10000')), ('yuan', Decimal('1')))
    >>> parse_unit_header("单位:亿元")
    ('yuan', Decimal('100000000'))
    >>> parse_unit_header("单位：桃江县征地拆迁安置中心"), parse_unit_header("365.5万元")
    (None, None)
    """
    m = _HEADER_RE.fullmatch(text) if isinstance(text, str) else None
    return (units or _default_units()).lookup(m["unit"]) if m else None


def decimal_text(text: str) -> Decimal:
    """A DECIMAL column read as text (cheaper than DuckDB's Decimal objects), without trailing zeros.

    >>> decimal_text("12.500000"), decimal_text("40")
    (Decimal('12.5'), Decimal('40'))
    """
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return Decimal(text)
