#!/usr/bin/env python3
"""Build the mixed-format sample set in data/raw/ from the seed texts in tests/fixtures/seeds/.

The five seeds are plain-text reports. So that a demo run exercises every reader:

====  ===============================  ================================================
seed  sample                           how
====  ===============================  ================================================
000   000_dbf326b533ea7510.docx        python-docx, one paragraph per seed line
001   001_5373372c24441264.docx        python-docx; the two tables the seed flattened
                                       (金额 table with merged headers, 绩效目标 table)
                                       become real Word tables
002   002_c9a2291dc8d49651.txt         copied, UTF-8
003   003_84d77f49eab1b4c2.pdf         reportlab, CJK CID font STSong-Light, A4, wrapped
                                       paragraphs with first-line indent, page numbers
004   004_f84a070c6604e5c2.txt         re-encoded as GB18030
====  ===============================  ================================================

It also writes data/raw/catalog.csv (file, unit, year, report_type, unit_key) from the
gold files in tests/fixtures/shared/gold/, and removes any other sample of the same stem
(e.g. the .txt originals). Output is deterministic: same seeds, same bytes.

Usage:  python scripts/build_samples.py [--out data/raw]
"""
from __future__ import annotations

import argparse
import csv
import importlib.util
import io
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
GOLD = ROOT / "tests" / "fixtures" / "shared" / "gold"
OUT = ROOT / "data" / "raw"


def _builders():
    """tests/builders.py: the same file builders the tests use."""
    spec = importlib.util.spec_from_file_location("jixiao_test_builders", ROOT / "tests" / "builders.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[spec.name] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    return module


B = _builders()

# Seed 001's two flattened tables, as the original Word tables were laid out.
FUNDS_TABLE = B.Grid(
    rows=[
        ["项目名称", "项目类型", "资金用途、使用方向", "预算金额", "", "支出金额", ""],
        ["", "", "", "指标总额", "其中：区级资金", "支出总额", "其中：区级资金"],
        ["项目1", "业务工作经费", "保障单位内部运行", "157.23", "157.23", "157.23", "157.23"],
        ["合计", "", "", "157.23", "157.23", "157.23", "157.23"],
    ],
    merges=[(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 1, 2), (0, 3, 0, 4), (0, 5, 0, 6), (3, 0, 3, 2)],
)
GOALS_TABLE = B.Grid(
    rows=[
        ["项目名称", "项目类型", "绩效总目标和阶段性目标", "预期主要的经济效益", "社会效益", "生态效益", "可持续影响"],
        ["项目1", "业务工作经费", "保证单位内部正常运行", "无", "实现从拆迁、建设逐步过渡到城市管理", "无", "无"],
    ]
)


def _replace_flattened(lines: list[str], first: int, stop: int, grid) -> list:
    """Replace seed lines [first, stop) — a table flattened to one cell per line — by ``grid``.

    Checks that the lines hold exactly the grid's cell texts, in order, so a changed seed
    fails loudly instead of silently losing text.
    """
    flat = "".join(line.strip() for line in lines[first:stop])
    cells = "".join(t for row in grid.rows for t in row)
    if flat != cells:
        raise SystemExit(f"seed table changed: {flat!r} != {cells!r}")
    return lines[:first] + [grid] + lines[stop:]


def seed_001_blocks(text: str) -> list:
    """Seed 001 as docx blocks: paragraphs, with its two flattened tables rebuilt."""
    lines = text.rstrip("\n").split("\n")
    start = lines.index("金额单位：万元") + 1
    stop = lines.index("（二）项目绩效目标情况")
    lines = _replace_flattened(lines, start, stop, FUNDS_TABLE)
    first = next(i for i, line in enumerate(lines) if isinstance(line, str) and line.strip() == "项目名称")
    stop = lines.index("三、绩效评价工作情况")
    return _replace_flattened(lines, first, stop, GOALS_TABLE)


def _catalog_rows(files: dict[str, str]) -> list[dict[str, str]]:
    rows = []
    for stem, name in sorted(files.items()):
        gold = yaml.safe_load((GOLD / f"{stem}.txt.yaml").read_text(encoding="utf-8"))
        unit = gold["unit"]
        # Gold 001 and 002 both name 开福区's land-acquisition office (征地服务中心 / 征地办).
        unit_key = "长沙市开福区征地服务中心" if stem.startswith(("001_", "002_")) else unit
        rows.append({"file": name, "unit": unit, "year": str(gold["year"]), "report_type": "整体支出", "unit_key": unit_key})
    return rows


def build_samples(out: Path = OUT, seeds: Path = SEEDS) -> list[Path]:
    """Write the samples and catalog.csv into ``out``; return the sample paths."""
    out.mkdir(parents=True, exist_ok=True)
    texts = {p.stem: p.read_bytes().decode("utf-8") for p in sorted(seeds.glob("*.txt"))}
    stems = sorted(texts)
    by_prefix = {s[:3]: s for s in stems}
    written: dict[str, Path] = {}

    def target(prefix: str, suffix: str) -> Path:
        stem = by_prefix[prefix]
        for old in out.glob(f"{stem}.*"):
            old.unlink()
        written[stem] = out / f"{stem}{suffix}"
        return written[stem]

    B.make_docx(target("000", ".docx"), texts[by_prefix["000"]].rstrip("\n").split("\n"))
    B.make_docx(target("001", ".docx"), seed_001_blocks(texts[by_prefix["001"]]))
    target("002", ".txt").write_text(texts[by_prefix["002"]], encoding="utf-8", newline="")
    B.make_pdf(target("003", ".pdf"), texts[by_prefix["003"]].rstrip("\n").split("\n"), page_numbers=True)
    target("004", ".txt").write_bytes(texts[by_prefix["004"]].encode("gb18030"))
    for stem in stems:  # any other seed: copied as is
        if stem not in written:
            target(stem[:3], ".txt").write_text(texts[stem], encoding="utf-8", newline="")

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=["file", "unit", "year", "report_type", "unit_key"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(_catalog_rows({s: p.name for s, p in written.items()}))
    (out / "catalog.csv").write_text(buf.getvalue(), encoding="utf-8")
    return [written[s] for s in stems]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (default: data/raw)")
    args = parser.parse_args()
    for path in build_samples(args.out):
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size:,} bytes")
    print(f"{(args.out / 'catalog.csv')}")


if __name__ == "__main__":
    main()
