"""Whether two versions of the code give the same output: every table, row for row.

    PYTHONPATH=<checkout> python bench/same_output.py build OUT [EXTRA_FOLDER ...]
    python bench/same_output.py compare DIR_A DIR_B

``build`` runs data/raw, every real set (tests/cases/real/*/docs), the written sets
(tests/cases/reports*) and any extra folders (e.g. a synthetic corpus of bench/make_corpus.py)
into one DuckDB file each under OUT, with the code on the path. ``compare`` reads every table of
each pair of files, drops the columns that hold clocks, paths and run ids, and compares the rows as
sorted lists; it prints DIFF lines and exits 1 where any differ. A speed change is output-neutral
only when this says SAME for every file (bench/RESULTS.md, round 21).
"""
from __future__ import annotations

import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
VOLATILE = ("time", "_at", "run_id", "elapsed", "duration", "seconds", "started", "finished", "host", "pid",
            "version", "fingerprint", "path", "rules_dir")


def build(out: Path, extra: list[Path]) -> None:
    from pipeline.run import run

    out.mkdir(parents=True, exist_ok=True)
    sets = [("raw", ROOT / "data" / "raw")]
    sets += [(f.name, f / "docs") for f in sorted((ROOT / "tests/cases/real").iterdir()) if (f / "docs").is_dir()]
    sets += [(f.name, f) for f in sorted((ROOT / "tests/cases").glob("reports*"))]
    sets += [(folder.name, folder) for folder in extra]
    for name, folder in sets:
        db = out / f"{name}.duckdb"
        db.unlink(missing_ok=True)
        run([folder], db, quiet=True)
    print(f"{len(sets)} databases in {out}")


def rows(path: Path) -> dict[str, tuple[list[str], list[str]]]:
    con = duckdb.connect(str(path), read_only=True)
    out = {}
    tables = con.execute("select table_name from information_schema.tables where table_type = 'BASE TABLE'").fetchall()
    for (table,) in tables:
        columns = [c for (c,) in con.execute("select column_name from information_schema.columns where table_name = ?",
                                             [table]).fetchall()]
        keep = [c for c in columns if not any(k in c.lower() for k in VOLATILE)]
        quoted = ", ".join(f'"{c}"' for c in keep)
        out[table] = (keep, sorted(map(repr, con.execute(f'select {quoted} from "{table}"').fetchall())))
    con.close()
    return out


def compare(a_dir: Path, b_dir: Path) -> int:
    different = 0
    for a_path in sorted(a_dir.glob("*.duckdb")):
        b_path = b_dir / a_path.name
        if not b_path.exists():
            print(f"MISSING {b_path}")
            different += 1
            continue
        a, b = rows(a_path), rows(b_path)
        for table in sorted(set(a) | set(b)):
            ra, rb = set(a.get(table, ([], []))[1]), set(b.get(table, ([], []))[1])
            if a.get(table) != b.get(table):
                different += 1
                print(f"DIFF {a_path.name} {table}: {len(ra - rb)} rows only in A, {len(rb - ra)} only in B")
    print("SAME" if not different else f"DIFFERENT ({different})")
    return 1 if different else 0


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "build":
        build(Path(argv[1]), [Path(p) for p in argv[2:]])
        return 0
    if len(argv) == 3 and argv[0] == "compare":
        return compare(Path(argv[1]), Path(argv[2]))
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
