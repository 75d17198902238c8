#!/usr/bin/env python3
"""Score the indicator rows jixiao read (DuckDB table `indicators`) against answer keys whose
YAML lists them under `indicators:` (tests/cases/real/selfeval/gold).

A key row is matched to a row read from the same report by its level-3 name (whitespace and
brackets ignored); it is *read correctly* when its target and actual (cell text, whitespace
ignored) and its weight and score (numbers; both absent counts as equal) all agree.

    python tests/cases/score_indicators.py --db DB --gold DIR [--show N]

Prints one line per report with misses, then: rows read correctly / key rows, and the rows read
that match no key row (spurious).

The budget-execution row (block `execution`, rules/indicators.yaml) is an indicator row: it carries
the execution weight and score, and the score checks add it to the table's total. The keys list the
indicator table only (a key row names it where a page prints it among the indicators), so an
execution row no key row matches is counted apart, not as spurious.
"""
from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import regex
import yaml

_NOISE = regex.compile(r"[\s（）()【】\[\]★☆|｜:：]+")


def norm(text) -> str:
    return _NOISE.sub("", str(text or "")).replace("％", "%").replace("＞", ">").replace("＜", "<")


def num(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value)).normalize()
    except Exception:  # noqa: BLE001 - a key's cell that is not a number
        return None


def same_row(key: dict, row: dict) -> list[str]:
    """The fields on which a read row differs from its key row."""
    wrong = []
    if norm(key.get("target")) != norm(row["target_text"]):
        wrong.append(f"target {key.get('target')!r} vs {row['target_text']!r}")
    if norm(key.get("actual")) != norm(row["actual_text"]):
        wrong.append(f"actual {key.get('actual')!r} vs {row['actual_text']!r}")
    for field in ("weight", "score"):
        if num(key.get(field)) != num(row[field]):
            wrong.append(f"{field} {key.get(field)} vs {row[field]}")
    return wrong


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--gold", required=True)
    ap.add_argument("--show", type=int, default=0, help="list this many wrong or missed rows")
    ap.add_argument("--execution-block", default="execution",
                    help="the block of the budget-execution row (rules/indicators.yaml execution.block)")
    ap.add_argument("--min", type=float, default=None, help="exit 1 when the share read correctly is below this")
    args = ap.parse_args(argv)
    con = duckdb.connect(args.db, read_only=True)
    cols = [c[0] for c in con.execute("DESCRIBE indicators").fetchall()]
    rows: dict[str, list[dict]] = {}
    for r in con.execute("SELECT * FROM indicators ORDER BY doc, position").fetchall():
        d = dict(zip(cols, r))
        rows.setdefault(d["doc"], []).append(d)
    total = correct = spurious = execution = 0
    notes = []
    for path in sorted(Path(args.gold).glob("*.yaml")):
        g = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        keys = g.get("indicators") or []
        read = list(rows.get(g.get("doc"), []))
        for key in keys:
            total += 1
            name = norm(key.get("level3"))
            match = next((r for r in read if norm(r["level3"]) == name), None)
            if match is None:
                match = next((r for r in read if name and (name in norm(r["level3"]) or norm(r["level3"]) in name)
                              and norm(r["level3"])), None)
            if match is None:
                notes.append(f"  missed   {g['doc']}  {key.get('level3')}")
                continue
            read.remove(match)
            wrong = same_row(key, match)
            if wrong:
                notes.append(f"  wrong    {g['doc']}  {key.get('level3')}: " + "; ".join(wrong))
            else:
                correct += 1
        execution += sum(1 for r in read if r["block"] == args.execution_block)
        read = [r for r in read if r["block"] != args.execution_block]
        spurious += len(read)
        notes += [f"  spurious {g['doc']}  {r['level3']}" for r in read]
    for line in notes[: args.show]:
        print(line)
    share = correct / total if total else 1.0
    print(f"indicators read correctly {correct}/{total} = {share:.3f} | spurious rows {spurious}"
          f" | execution rows not keyed {execution}")
    return 1 if args.min is not None and share < args.min else 0


if __name__ == "__main__":
    sys.exit(main())
