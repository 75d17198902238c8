"""rules/*.yaml → a validated, compiled :class:`RuleSet`: everything jixiao knows about wording.

A rule file is a YAML list of rules (format: rules/README.md). ``common.yaml`` holds the
regex fragments (``{MONEY}``, ``{SEP}`` …), the basis vocabulary and context defaults;
``labels.yaml`` the metric labels used for tables, forms, shares and changes;
``metrics.yaml`` the metric vocabulary; ``units.yaml``, ``document.yaml``, ``checks.yaml``,
``unit_aliases.yaml`` and ``jieba_dict.txt`` the units, the layout words, the checks, the
unit names and the word list. Loading fails with :class:`RuleError` naming the file and rule
id, so a bad rule never reaches a run.

:func:`load_rules` is the only place that reads the rules folder: every stage below
``run`` gets what it needs from the :class:`RuleSet` it is handed.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import regex
import yaml

from .errors import RuleError
from .model import Basis, Kind, Rule
from .cues import load_cues
from .fundrow_rules import load_fundrows
from .selfeval.vocab import load_indicator_vocab
from .normalize import Units
from .reading import load_reading
from .scope import load_scope
from .resources import packaged_rules_dir
from .segment import Layout, load_layout

RULES_DIR = packaged_rules_dir()  # the default of load_rules(); --rules DIR replaces it
KINDS = {Kind.LEVEL, Kind.CHANGE, Kind.SHARE, Kind.PART}  # what a rule may say it reads
BASES = {None, *Basis}
CANONICAL_UNITS = {"yuan", "mu", "person", "household", "building", "item", "sqm", "ratio", "point"}
NOT_RULE_FILES = {
    "common.yaml", "labels.yaml", "metrics.yaml", "units.yaml", "checks.yaml", "unit_aliases.yaml", "document.yaml",
    "reading.yaml", "attribution.yaml", "scope.yaml", "fundrows.yaml", "indicators.yaml",
}
RULE_KEYS = {
    "id", "metric", "pattern", "kind", "qualifier", "basis", "inherits", "require", "forbid",
    "require_sentence", "forbid_sentence", "unit_map", "whole_word", "priority", "examples",
    "counterexamples", "project_report_metric", "also", "require_before", "forbid_before", "report_types", "anchors", "forbid_item",
}
_FRAGMENT = regex.compile(r"\{([A-Z][A-Z_]*)\}")


@dataclass(frozen=True)
class LabelTrim:
    """How a label is trimmed before it is looked up (common.yaml label_trim)."""

    heads: regex.Pattern
    tails: regex.Pattern
    verbs: regex.Pattern
    basis_suffixes: tuple[str, ...]


@dataclass(frozen=True)
class TableWords:
    """Words of table headers and rows (common.yaml tables)."""

    basis_header: tuple[tuple[str, tuple[str, ...]], ...]  # (basis, words), budget first
    target_header: tuple[str, ...]
    label_basis: tuple[tuple[str, tuple[str, ...]], ...]
    total_rows: frozenset[str]
    change_header: tuple[str, ...] = ()  # a column of changes or rates (支出减少情况, 增减率): no basis
    year_column: tuple[str, ...] = ()  # the header of a column of years (年度): a table of money by year
    year_row_types: tuple[str, ...] = ()  # report types whose year-row spending is the unit's own
    year_row_heads: tuple[tuple[str, tuple[str, ...]], ...] = ()  # metric ← words its column header holds
    name_header: tuple[str, ...] = ()  # the header of a column of row names (单位名称): each row opens with its name


@dataclass(frozen=True, eq=False)  # compared and hashed by identity (a cache key)
class RuleSet:
    """Everything extraction needs from rules/: compiled rules and the vocabularies."""

    rules: tuple[Rule, ...]
    metrics: dict[str, dict]  # metric → {unit, zh}
    labels: dict[str, str]  # normalized label → metric
    basis_words: dict[str, tuple[str, ...]]  # budget / actual / ignore → words, longest first
    fragments: dict[str, str]
    directory: Path
    targets: dict[str, tuple[str, ...]] = field(default_factory=dict)  # sentence / clause words of plans
    enumeration: dict[str, tuple[str, ...] | dict[str, tuple[str, ...]]] = field(default_factory=dict)  # complete / partial …
    figure: regex.Pattern | None = field(repr=False, default=None)  # any figure with a unit
    headcounts: frozenset[str] = frozenset()  # common.yaml stock_metrics: the previous year's end stands for this year
    units: Units | None = field(repr=False, default=None)  # units.yaml
    layout: Layout | None = field(repr=False, default=None)  # document.yaml
    checks: dict = field(repr=False, default_factory=dict)  # checks.yaml
    parents: dict[str, str] = field(repr=False, default_factory=dict)  # part metric → whole (checks.yaml)
    stock_metrics: frozenset[str] = frozenset()  # one true value per unit and year (checks.yaml conflict)
    jieba_words: tuple[str, ...] = ()  # jieba_dict.txt, its lines
    metric_names: dict[str, str] = field(repr=False, default_factory=dict)  # metric → first label (labels.yaml)
    unit_aliases: tuple[tuple[str, tuple[str, ...]], ...] = ()  # unit_aliases.yaml: (key, other names)
    reading: object = field(repr=False, default=None)  # reading.yaml (pipeline.reading.ReadingRules)
    cues: object = field(repr=False, default=None)  # attribution.yaml (pipeline.cues.Cues)
    scope: object = field(repr=False, default=None)  # scope.yaml (pipeline.scope.ScopeRules)
    fundrows: object = field(repr=False, default=None)  # fundrows.yaml (pipeline.extraction.fundrows.FundRows)
    indicators: object = field(repr=False, default=None)  # indicators.yaml (pipeline.selfeval.vocab.IndicatorVocab)
    label_trim: LabelTrim | None = field(repr=False, default=None)  # common.yaml label_trim
    tables: TableWords | None = field(repr=False, default=None)  # common.yaml tables
    project_report: str | None = None  # common.yaml: the report type of a 项目支出 report
    fingerprint: str = ""  # sha256 of the rule files' names and contents (recorded with each run)

    def metric_unit(self, metric: str) -> str:
        """Canonical unit of a metric, from metrics.yaml."""
        return self.metrics[metric]["unit"]


def expand(pattern: str, fragments: dict[str, str], where: str) -> str:
    """Replace ``{NAME}`` fragments recursively.

    >>> expand("a{X}b", {"X": "{Y}{Y}", "Y": "z"}, "t")
    'azzb'
    >>> expand("x{0,3}", {}, "t")
    'x{0,3}'
    """
    for _ in range(10):
        new = _FRAGMENT.sub(lambda m: _fragment(m.group(1), fragments, where), pattern)
        if new == pattern:
            return new
        pattern = new
    raise RuleError(f"{where}: fragments nest too deeply (a cycle?)")


def _fragment(name: str, fragments: dict[str, str], where: str) -> str:
    if name not in fragments:
        raise RuleError(f"{where}: unknown fragment {{{name}}}")
    return fragments[name]


def _read_yaml(path: Path):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RuleError(f"{path.name}: cannot read: {exc}") from exc


def normalize_label(text: str) -> str:
    """Strip spaces, quotes and a trailing colon so table and form labels compare equal.

    >>> normalize_label(" “三公”经费： ")
    '三公经费'
    >>> normalize_label("人员 编制")
    '人员编制'
    """
    if text.isalnum():  # letters and digits only (most labels): no noise to strip, no pattern asked
        return text
    # by position with concurrent=False: by default the regex package hands the GIL back and forth
    # within each call (≈ 7,000 calls over the real pages in extract alone)
    return _LABEL_NOISE.sub("", text, 0, None, None, False)


_LABEL_NOISE = regex.compile(r"[\s\u3000“”\"‘’'：:|｜]")  # | ｜: cell borders of flattened tables


def load_rules(directory: Path | str | None = None) -> RuleSet:
    """Load, validate and compile every rule file in ``directory`` (default: the packaged rules)."""
    directory = Path(directory) if directory else RULES_DIR
    return _load_rules_cached(str(directory.resolve()))


@lru_cache(maxsize=4)
def _load_rules_cached(directory: str) -> RuleSet:
    root = Path(directory)
    common = _read_yaml(root / "common.yaml") or {}
    fragments = {str(k): str(v) for k, v in (common.get("fragments") or {}).items()}
    defaults = common.get("defaults") or {}
    metrics = _read_yaml(root / "metrics.yaml") or {}
    labels = _load_labels(root / "labels.yaml", metrics)
    basis = {
        key: tuple(sorted(common.get("basis", {}).get(key) or (), key=len, reverse=True))
        for key in ("budget", "adjusted", "actual", "ignore", "adjusted_after")
    }
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in sorted(root.glob("*.yaml")):
        if path.name in NOT_RULE_FILES:
            continue
        entries = _read_yaml(path) or []
        if not isinstance(entries, list):
            raise RuleError(f"{path.name}: a rule file is a YAML list of rules")
        for index, entry in enumerate(entries, start=1):
            where = f"rules/{path.name}#{index}"
            rule = _build_rule(entry, where, fragments, metrics, defaults)
            if rule.id in seen:
                raise RuleError(f"{where}: rule id {rule.id!r} already used in {seen[rule.id]}")
            seen[rule.id] = where
            rules.append(rule)
    figure = regex.compile(expand(_ANY_FIGURE, fragments, "rules/common.yaml"))
    enumeration = {k: ({m: tuple(w or ()) for m, w in v.items()} if isinstance(v, dict) else tuple(v or ()))
                   for k, v in (common.get("enumeration") or {}).items()}  # own_sense: metric → words
    checks = _read_yaml(root / "checks.yaml") or {}
    return RuleSet(tuple(rules), metrics, labels, basis, fragments, root,
                   targets={k: tuple(v or ()) for k, v in (common.get("target") or {}).items()}, enumeration=enumeration, figure=figure,
                   headcounts=frozenset(common.get("stock_metrics") or ()),
                   units=Units.load(root / "units.yaml"), layout=_layout(root),
                   checks=checks, parents=dict(checks.get("parents") or {}),
                   stock_metrics=frozenset((checks.get("conflict") or {}).get("metrics") or ()),
                   jieba_words=_jieba_words(root / "jieba_dict.txt"),
                   metric_names=_metric_names(root / "labels.yaml"),
                   unit_aliases=_unit_aliases(root / "unit_aliases.yaml"),
                   reading=load_reading(root), scope=load_scope(root), fundrows=load_fundrows(root),
                   indicators=load_indicator_vocab(root),
                   cues=load_cues(root, frozenset(metrics), defaults),
                   label_trim=_label_trim(common), tables=_table_words(common),
                   project_report=common.get("project_report"),
                   fingerprint=fingerprint(root))


def _label_trim(common: dict) -> LabelTrim:
    data = common.get("label_trim") or {}
    try:
        return LabelTrim(*(regex.compile(str(data[k])) for k in ("heads", "tails", "verbs")),
                         tuple(str(w) for w in data.get("basis_suffixes") or ()))
    except (KeyError, regex.error) as exc:
        raise RuleError(f"common.yaml: label_trim needs heads, tails and verbs that compile: {exc}") from exc


def _table_words(common: dict) -> TableWords:
    data = common.get("tables") or {}

    def by_basis(key: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        return tuple((str(b), tuple(str(w) for w in words or ())) for b, words in (data.get(key) or {}).items())

    return TableWords(by_basis("basis_header"), tuple(str(w) for w in data.get("target_header") or ()),
                      by_basis("label_basis"), frozenset(str(w) for w in data.get("total_rows") or ()),
                      tuple(str(w) for w in data.get("change_header") or ()),
                      tuple(str(w) for w in (data.get("year_rows") or {}).get("column") or ()),
                      tuple(str(w) for w in (data.get("year_rows") or {}).get("report_types") or ()),
                      tuple((str(m), tuple(str(w) for w in words or ()))
                            for m, words in ((data.get("year_rows") or {}).get("heads") or {}).items()),
                      tuple(str(w) for w in data.get("name_header") or ()))


RULE_SUFFIXES = (".yaml", ".yml", ".txt")


def fingerprint(directory: Path | str) -> str:
    """sha256 over the names and contents of the rule files in a folder (not README.md):
    the same rules give the same fingerprint wherever they are copied to.

    >>> len(fingerprint(RULES_DIR)), fingerprint(RULES_DIR) == fingerprint(str(RULES_DIR))
    (64, True)
    """
    digest = hashlib.sha256()
    for path in sorted(Path(directory).iterdir()):
        if path.is_file() and path.suffix in RULE_SUFFIXES:
            digest.update(path.name.encode("utf-8") + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _layout(root: Path) -> Layout:
    try:
        return load_layout(str(root))
    except (OSError, KeyError, TypeError, yaml.YAMLError) as exc:
        raise RuleError(f"document.yaml: cannot read: {exc}") from exc


def _jieba_words(path: Path) -> tuple[str, ...]:
    """The word lines of jieba_dict.txt (``word [frequency] [POS]``), comments left out."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise RuleError(f"{path.name}: cannot read: {exc}") from exc
    return tuple(line for line in lines if line.split() and not line.startswith("#"))


def _metric_names(path: Path) -> dict[str, str]:
    """metric → the first label labels.yaml gives it (its Chinese name in messages and reports)."""
    data = _read_yaml(path) or {}
    return {metric: str(labels[0]) for metric, labels in data.items() if labels}


def _unit_aliases(path: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not path.exists():
        return ()
    entries = _read_yaml(path) or []
    try:
        return tuple((str(e["key"]), tuple(str(n) for n in e.get("names") or ())) for e in entries)
    except (KeyError, TypeError, AttributeError) as exc:
        raise RuleError(f"unit_aliases.yaml: each entry needs a key (and names): {exc}") from exc


# Any number with a unit (the units: the ANY_UNIT fragment of rules/common.yaml): used to find
# "the figure just before" a share, change or 指标.
# It starts with a space ({S}) or what {FIGSTART} names: the leading lookahead changes no match
# but lets the engine skip every other position fast (3-4x faster over a sentence).
_ANY_FIGURE = (
    r"(?:{FIGSTART}|(?=[ \u3000\xa0]))"
    r"(?P<fig>{PRE}?{S}{NUMBER}{S}{MID}?{S}{MAG}?{S}{MID}?{S}"
    r"(?P<u>{ANY_UNIT}))"
)


def _load_labels(path: Path, metrics: dict) -> dict[str, str]:
    data = _read_yaml(path) or {}
    out: dict[str, str] = {}
    for metric, names in data.items():
        if metric not in metrics:
            raise RuleError(f"labels.yaml: unknown metric {metric!r}")
        for name in names or ():
            key = normalize_label(str(name))
            if key in out and out[key] != metric:
                raise RuleError(f"labels.yaml: label {name!r} names both {out[key]} and {metric}")
            out[key] = metric
    return out


def _anchors(entry: dict, pattern, where: str) -> tuple[str, ...]:
    """The rule's anchors; every example's match must contain one (else the anchors are wrong)."""
    anchors = tuple(str(a) for a in entry.get("anchors") or ())
    if not anchors:
        return ()
    for example in entry.get("examples") or ():
        for m in pattern.finditer(str(example.get("text", ""))):
            if not any(a in m.group(0) for a in anchors):
                raise RuleError(f"{where}: the match {m.group(0)!r} of an example contains none of the anchors {list(anchors)}")
    return anchors


def _metric_or_none(metric: str | None, metrics: dict, where: str) -> str | None:
    if metric is not None and metric not in metrics:
        raise RuleError(f"{where}: metric {metric!r} is not in metrics.yaml")
    return metric


@lru_cache(maxsize=8)
def _compile_default(pattern: str | None, where: str):
    if not pattern:
        return None
    try:
        return regex.compile(pattern.strip())
    except regex.error as exc:
        raise RuleError(f"rules/common.yaml: defaults.forbid_sentence_pattern does not compile: {exc}") from exc


def _build_rule(entry, where: str, fragments: dict, metrics: dict, defaults: dict) -> Rule:
    if not isinstance(entry, dict):
        raise RuleError(f"{where}: a rule is a mapping")
    rid = entry.get("id")
    if not rid:
        raise RuleError(f"{where}: rule without id")
    where = f"{where} ({rid})"
    unknown = set(entry) - RULE_KEYS
    if unknown:
        raise RuleError(f"{where}: unknown keys {sorted(unknown)}")
    metric = entry.get("metric")
    inherits = bool(entry.get("inherits", False))
    if metric is None and not inherits:
        raise RuleError(f"{where}: a rule without metric must inherit it (inherits: true)")
    if metric is not None and metric not in metrics:
        raise RuleError(f"{where}: metric {metric!r} is not in metrics.yaml")
    kind = entry.get("kind", "level")
    if kind not in KINDS:
        raise RuleError(f"{where}: kind {kind!r} is not one of {sorted(KINDS)}")
    if entry.get("basis") not in BASES:
        raise RuleError(f"{where}: basis must be budget, actual or absent")
    source = expand(str(entry.get("pattern") or ""), fragments, where)
    try:
        pattern = regex.compile(source)
    except regex.error as exc:
        raise RuleError(f"{where}: pattern does not compile: {exc}") from exc
    for group in ("fig", "label"):
        if group not in pattern.groupindex:
            raise RuleError(f"{where}: pattern must name the group (?P<{group}>…)")
    unit_map = entry.get("unit_map") or {}
    for surface, unit in unit_map.items():
        if unit not in CANONICAL_UNITS:
            raise RuleError(f"{where}: unit_map {surface}: {unit!r} is not a canonical unit")
    examples = []
    for example in entry.get("examples") or ():
        if not isinstance(example, dict) or "text" not in example or "value" not in example:
            raise RuleError(f"{where}: an example needs text and value")
        examples.append(tuple(sorted(example.items())))
    return Rule(
        id=str(rid),
        metric=metric,
        pattern=pattern,
        source=where.split(" ")[0],
        kind=Kind(kind),
        qualifier=entry.get("qualifier"),
        basis=Basis(entry["basis"]) if entry.get("basis") else None,
        inherits=inherits,
        require=tuple(entry.get("require") or ()),
        forbid=tuple(entry.get("forbid") or ()) + tuple(defaults.get("forbid_clause") or ()),
        require_sentence=tuple(entry.get("require_sentence") or ()),
        forbid_sentence=tuple(entry.get("forbid_sentence") or ()) + tuple(defaults.get("forbid_sentence") or ()),
        forbid_pattern=_compile_default(defaults.get("forbid_sentence_pattern"), where),
        unit_map=tuple(sorted(unit_map.items())),
        whole_word=bool(entry.get("whole_word", False)),
        project_report_metric=_metric_or_none(entry.get("project_report_metric"), metrics, where),
        also=tuple(_metric_or_none(m, metrics, where) for m in entry.get("also") or ()),
        require_before=tuple(entry.get("require_before") or ()),
        forbid_before=tuple(entry.get("forbid_before") or ()),
        report_types=tuple(entry.get("report_types") or ()),
        anchors=_anchors(entry, pattern, where),
        forbid_item=_compile_default(defaults.get("item_title"), where) if entry.get("forbid_item") else None,
        priority=int(entry.get("priority", 0)),
        examples=tuple(examples),
        counterexamples=tuple(str(c) for c in entry.get("counterexamples") or ()),
    )
