"""Analyst views over the jixiao tables; every view and column is documented in docs/schema.md.

``create_views`` runs on every write-open of the database (``Store``), so the views always
match this module. The layers, each built on the one before:

* ``reports`` — documents without their text, with the unit key resolved and counts;
* ``level_facts`` / ``fact_provenance`` — facts with their report's unit and year;
* ``metric_values`` — one figure per unit × year × metric × basis, disagreement kept visible;
* ``unit_year_wide`` and ``yoy`` — the headline table and year-on-year changes;
* ``finding_quotes`` and ``error_summary`` — findings with their quotes; unreadable files.

Only facts of kind ``level`` (a stated amount) reach the value views: a change (比上年增加),
a share (占比), a prior-year figure, a target or an enumerated part is not the year's figure.
"""
from __future__ import annotations

import re

import duckdb

# The metrics of unit_year_wide, in column order (column name = metric key with "." → "_").
HEADLINE_METRICS = (
    "staff.authorized", "staff.actual", "spend.total", "spend.basic", "spend.project",
    "spend.three_public", "compensation.paid", "land.acquired", "land.cleared",
    "households.signed", "petitions.count",
)

METRIC_CATALOG = """
CREATE TABLE IF NOT EXISTS metric_catalog (
    metric VARCHAR PRIMARY KEY,
    unit_of_measure VARCHAR,
    metric_zh VARCHAR,
    synonyms_zh VARCHAR,
    headline BOOLEAN
);
"""

# A report whose unit is unknown stands as its own unit ("doc:<file>"), so the figures of
# two unidentified reports are never merged.
_UNIT_KEY = "coalesce(d.unit_key, d.unit, 'doc:' || d.doc)"

VIEWS = f"""
CREATE OR REPLACE VIEW reports AS
    SELECT d.doc, d.path, d.format, d.unit, {_UNIT_KEY} AS unit_key, d.unit_source, d.year, d.year_source,
           d.report_type, d.chars, d.pages, d.warnings,
           (SELECT count(*) FROM facts f WHERE f.doc = d.doc) AS facts,
           (SELECT count(*) FROM facts f WHERE f.doc = d.doc AND f.kind = 'level') AS level_facts,
           (SELECT count(*) FROM audit_findings a WHERE a.doc = d.doc AND a.severity <> 'info') AS findings
    FROM documents d;

CREATE OR REPLACE VIEW fact_provenance AS
    SELECT f.id AS fact_id, f.doc, d.path, d.unit, {_UNIT_KEY} AS unit_key, d.year, d.report_type,
           f.metric, coalesce(m.metric_zh, f.metric) AS metric_zh, f.kind, f.value, f.unit AS unit_of_measure,
           f.approx, f.basis, f.period, f.label, f.raw, f.quote, f.start, f."end",
           substring(d.text, f.start + 1, f."end" - f.start) AS source_text,
           f.rule_id, f.section, f.sentence_index
    FROM facts f JOIN documents d USING (doc) LEFT JOIN metric_catalog m USING (metric);

CREATE OR REPLACE VIEW level_facts AS
    SELECT fact_id, doc, unit, unit_key, year, report_type, metric, metric_zh, value, unit_of_measure,
           approx, basis, period, label, raw, quote, start, "end", rule_id, section
    FROM fact_provenance
    WHERE kind = 'level';

CREATE OR REPLACE VIEW metric_values AS
    WITH stated AS (
        SELECT unit_key, unit, year, metric, metric_zh, coalesce(basis, 'unspecified') AS basis,
               unit_of_measure, value, approx, doc, fact_id,
               row_number() OVER (PARTITION BY unit_key, year, metric, coalesce(basis, 'unspecified'),
                                  unit_of_measure ORDER BY doc, start) AS position
        FROM level_facts
        WHERE period IS NULL OR year IS NULL OR period = year
    ),
    per_value AS (
        SELECT unit_key, year, metric, basis, unit_of_measure, value,
               count(*) AS n, min(position) AS first_position
        FROM stated GROUP BY ALL
    ),
    mode AS (
        SELECT unit_key, year, metric, basis, unit_of_measure,
               arg_max(value, [n, -first_position]) AS mode_value
        FROM per_value GROUP BY ALL
    )
    SELECT s.unit_key, min(s.unit) AS unit, s.year, s.metric, min(s.metric_zh) AS metric_zh, s.basis,
           CASE WHEN count(DISTINCT s.value) = 1 THEN min(s.value) END AS value,
           s.unit_of_measure,
           count(*) AS statements,
           count(DISTINCT s.value) AS distinct_values,
           count(DISTINCT s.value) = 1 AS agree,
           any_value(o.mode_value) AS mode_value,
           min(s.value) AS min_value,
           max(s.value) AS max_value,
           list_sort(list_distinct(list(s.value))) AS stated_values,
           bool_or(s.approx) AS approx,
           list_sort(list_distinct(list(s.doc))) AS docs,
           list(s.fact_id ORDER BY s.position) AS fact_ids
    FROM stated s JOIN mode o USING (unit_key, year, metric, basis, unit_of_measure)
    GROUP BY s.unit_key, s.year, s.metric, s.basis, s.unit_of_measure
    ORDER BY s.unit_key, s.year, s.metric, s.basis;

CREATE OR REPLACE VIEW unit_year_wide AS
    WITH unit_years AS (
        SELECT unit_key, min(unit) AS unit, year, list(doc ORDER BY doc) AS docs
        FROM reports GROUP BY unit_key, year
    ),
    chosen AS (
        SELECT *, row_number() OVER (PARTITION BY unit_key, year, metric
                                     ORDER BY CASE basis WHEN 'actual' THEN 0 ELSE 1 END) AS rank
        FROM metric_values
        WHERE basis IN ('actual', 'unspecified')
          AND metric IN (SELECT metric FROM metric_catalog WHERE headline)
    )
    SELECT k.unit_key, k.unit, k.year, k.docs,
           {{headline_columns}},
           coalesce(list(c.metric ORDER BY c.metric) FILTER (WHERE NOT c.agree), []::VARCHAR[]) AS disagreeing
    FROM unit_years k LEFT JOIN chosen c ON c.unit_key = k.unit_key AND c.year IS NOT DISTINCT FROM k.year
                                          AND c.rank = 1
    GROUP BY k.unit_key, k.unit, k.year, k.docs
    ORDER BY k.unit_key, k.year;

CREATE OR REPLACE VIEW yoy AS
    WITH paired AS (
        SELECT *,
               lag(year) OVER w AS prev_year, lag(value) OVER w AS prev_value,
               lag(agree) OVER w AS prev_agree, lag(docs) OVER w AS prev_docs
        FROM metric_values
        WHERE year IS NOT NULL
        WINDOW w AS (PARTITION BY unit_key, metric, basis, unit_of_measure ORDER BY year)
    )
    SELECT unit_key, unit, metric, metric_zh, basis, unit_of_measure,
           prev_year, year, year - prev_year AS years_apart,
           prev_value, value, value - prev_value AS change,
           CASE WHEN prev_value <> 0 THEN (value - prev_value)::DOUBLE / prev_value::DOUBLE END AS rel_change,
           prev_agree, agree, prev_docs, docs
    FROM paired
    WHERE prev_year IS NOT NULL
    ORDER BY unit_key, metric, basis, year;

CREATE OR REPLACE VIEW finding_quotes AS
    SELECT a.id AS finding_id, a."check", a.severity, a.unit, a.year, a.message, a.rule_id,
           e.position, e.fact_id, e.doc, e.metric, e.value, f.unit AS unit_of_measure, f.raw,
           e.quote, e.start, e."end"
    FROM audit_findings a
    JOIN finding_evidence e ON e.finding_id = a.id
    LEFT JOIN facts f ON f.id = e.fact_id;

-- figures with a domain unit that no rule or cue classified: where recall goes
CREATE OR REPLACE VIEW unattributed AS
    SELECT q.doc, d.unit AS report_unit, d.year, q.value, q.unit, q.raw, q.section, q.quote, q.start, q."end"
    FROM quantities q LEFT JOIN documents d USING (doc)
    WHERE q.metric IS NULL;
-- per report: domain quantities, how many a metric was found for, and the share
CREATE OR REPLACE VIEW coverage AS
    SELECT doc, count(*) AS quantities, count(metric) AS claimed,
           round(count(metric) / count(*), 4) AS coverage
    FROM quantities GROUP BY doc;
CREATE OR REPLACE VIEW self_evaluation AS
    SELECT d.doc, d.unit, {_UNIT_KEY} AS unit_key, d.year, d.report_type,
           (SELECT f.value FROM facts f WHERE f.doc = d.doc AND f.metric = 'budget.execution_rate'
                AND f.kind = 'level' ORDER BY f.rule_id LIKE 'table.%' DESC, f.start LIMIT 1) AS execution_rate,
           (SELECT f.value FROM facts f WHERE f.doc = d.doc AND f.metric = 'score.self'
                AND f.kind = 'level' ORDER BY f.rule_id LIKE 'table.%' DESC, f.start LIMIT 1) AS total_score,
           d.grade,
           (SELECT count(*) FROM indicators i WHERE i.doc = d.doc) AS indicators,
           (SELECT sum(i.weight) FROM indicators i WHERE i.doc = d.doc) AS weight_sum,
           (SELECT sum(i.score) FROM indicators i WHERE i.doc = d.doc) AS score_sum,
           (SELECT count(DISTINCT e.start) FROM audit_findings a JOIN finding_evidence e ON e.finding_id = a.id
                JOIN indicators i ON i.doc = e.doc AND i.start = e.start AND i."end" = e."end"
                WHERE a.doc = d.doc AND a."check" = 'score') AS flagged_indicators,
           (SELECT count(*) FROM audit_findings a WHERE a.doc = d.doc AND a."check" = 'score') AS score_findings
    FROM documents d
    WHERE d.grade IS NOT NULL
       OR EXISTS (SELECT 1 FROM indicators i WHERE i.doc = d.doc)
       OR EXISTS (SELECT 1 FROM facts f WHERE f.doc = d.doc AND f.metric IN ('budget.execution_rate', 'score.self'));
CREATE OR REPLACE VIEW error_summary AS
    SELECT stage, code, count(*) AS errors, count(DISTINCT path) AS files,
           list_sort(list_distinct(list(doc))) AS docs,
           arg_min(message, recorded_at) AS example_message,
           max(recorded_at) AS last_recorded
    FROM ingest_errors
    GROUP BY stage, code;
"""

# What `jixiao export` leaves out: documents.text is large, and reports/fact_provenance give
# the figures with their quotes. Read it with `jixiao sql "select text from documents …"`.
EXPORT_EXCLUDE = {"documents": ("text",)}


def wide_column(metric: str) -> str:
    """The unit_year_wide column of a headline metric.

    >>> wide_column("spend.three_public")
    'spend_three_public'
    """
    return metric.replace(".", "_")


def short_zh(zh: str | None, metric: str) -> str:
    """The first Chinese name in a metrics.yaml ``zh`` field, without notes or the N placeholder.

    >>> short_zh("编制数 / 核定编制 / 人员编制", "staff.authorized")
    '编制数'
    >>> short_zh("(征拆/拆迁)项目 N 个", "projects.count"), short_zh("固定资产 (原值/总额)", "assets.fixed")
    ('项目', '固定资产')
    >>> short_zh("三公经费 合计", "x"), short_zh("因公出国(境)费", "x"), short_zh(None, "spend.x")
    ('三公经费合计', '因公出国(境)费', 'spend.x')
    """
    first = re.split(r"\s+/\s+", zh or "")[0]
    first = re.sub(r"(?:^|\s)[(（][^)）]*[)）]", "", first)
    first = re.sub(r"\s+N(?:\s.*)?$", "", first)
    return re.sub(r"\s+", "", first) or metric


def _headline_columns() -> str:
    # metric keys are module constants (never user input); each becomes one quoted literal
    return ",\n           ".join(
        f"max(c.value) FILTER (WHERE c.metric = '{m}') AS {wide_column(m)}" for m in HEADLINE_METRICS
    )


def load_metric_catalog(con: duckdb.DuckDBPyConnection, metrics: dict) -> None:
    """(Re)fill metric_catalog from a RuleSet's metrics (metrics.yaml): key, canonical unit, Chinese names."""
    rows = [(key, spec.get("unit"), short_zh(spec.get("zh"), key), spec.get("zh"), key in HEADLINE_METRICS)
            for key, spec in metrics.items()]
    con.execute(METRIC_CATALOG)
    con.execute("DELETE FROM metric_catalog")
    con.executemany("INSERT INTO metric_catalog VALUES (?, ?, ?, ?, ?)", rows)


def create_views(con: duckdb.DuckDBPyConnection, metrics: dict) -> None:
    """Create metric_catalog (from ``metrics``: metrics.yaml) and create or replace every analyst view."""
    load_metric_catalog(con, metrics)
    con.execute(VIEWS.replace("{headline_columns}", _headline_columns()))
