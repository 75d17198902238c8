"""Sentences × rules → facts, each carrying its rule id, quote and offsets.

The stages, in order (each in its own module of pipeline/extraction/):

1. scan: every rule's pattern runs over the document text (bounded by a regex timeout); a hit
   counts only inside one sentence and when its context words allow it;
2. choose: where several rules read the same figure, the highest priority (then the nearest
   label) wins;
3. resolve: each figure is normalized (pipeline/normalize.py); its metric is the rule's, or —
   for rules that inherit — the metric of the figure just before it; its basis and period come
   from the words before it in its clause;
4. tables: labels and figures in table cells and form lines add their facts; the funds row of a
   self-evaluation table (fundrows) its budget, actual and execution rate; the total row of a
   project form's 项目支出明细 table (detailrows) its planned and actual spending; a headcount table
   whose columns the metrics head, flattened one cell per line (headcounts);
5. parts: the items of a 其中 list take the basis and year of the figure it opens after (listbasis);
   lists of parts after a total (其中…、包括…) become ``part`` facts of that total.

``context_allows``, ``figures_in`` and ``make_fact`` are re-exported for pipeline/attribute.py.
"""
from __future__ import annotations

from .extraction.choose import choose
from .extraction.detailrows import read_detail_totals
from .extraction.fundrows import read_fund_rows
from .extraction.headcounts import read_headcount_columns
from .extraction.listbasis import inherit_list_basis
from .extraction.parts import enumerate_parts
from .extraction.resolve import figures_in, make_fact, stock_of_the_year, to_facts
from .extraction.scan import context_allows, find_hits
from .extraction.tables import extract_tabular
from .model import DocMeta, Document, Fact, Sentence
from .normalize import Units
from .rules import RuleSet

__all__ = ["extract", "context_allows", "figures_in", "make_fact"]


def extract(document: Document, sentences: list[Sentence], meta: DocMeta, ruleset: RuleSet,
            units: Units | None = None) -> list[Fact]:
    """All facts a document states, in document order."""
    units = units or ruleset.units
    hits = choose(find_hits(document.text, sentences, ruleset, meta))
    facts = to_facts(document, hits, meta, ruleset, units)
    facts += extract_tabular(document, sentences, meta, ruleset, units, taken={(f.start, f.end) for f in facts})
    facts += read_fund_rows(document, sentences, meta, ruleset, units, taken={(f.start, f.end) for f in facts})
    facts += read_detail_totals(document, sentences, meta, ruleset, units, facts)
    facts += read_headcount_columns(document, sentences, meta, ruleset, units, taken={(f.start, f.end) for f in facts})
    facts.sort(key=lambda f: (f.start, f.kind))
    facts = stock_of_the_year(facts, ruleset.headcounts, meta.year)
    facts = inherit_list_basis(sentences, facts, ruleset)
    facts += enumerate_parts(document.text, sentences, facts, ruleset, units, meta)
    return facts
