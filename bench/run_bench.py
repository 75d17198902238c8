"""End-to-end throughput of ``jixiao run`` (ingest → extract → DuckDB → checks) on synthetic corpora.

For each format and size it generates the corpus once (bench/make_corpus.py, into
bench/corpus/), runs ``jixiao run`` into a fresh database as a subprocess, and samples the
memory of the whole process tree (the parent, the fork server and the workers) every 0.1 s
from /proc: RSS summed (counts pages the workers share with the fork server once per process)
and PSS summed (shares them out: the honest total). Prints one Markdown row per run and
appends the figures to bench/corpus/results.jsonl (git-ignored, like the corpora and databases).
Each row ends with issue 13's ratio: the run's wall time over a bare read of the same files plus one
regex scan for figures (bench/bare_read.py, warm, the faster of two).

Usage:

    python bench/run_bench.py                                # txt, docx, mix × 1,000 and 10,000
    python bench/run_bench.py --formats txt --sizes 1000 --workers 2
    PYTHONPATH=/tmp/snapshot python bench/run_bench.py   # measure a frozen copy of pipeline/ and rules/

It runs ``python -m pipeline run``, so ``PYTHONPATH`` decides which code is measured: a copy of
pipeline/ and rules/ keeps the numbers steady while others edit the working tree.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from bare_read import bare_read  # bench/ is on sys.path when this runs as a script

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
MIXES = {"txt": "txt=1", "docx": "docx=1", "pdf": "pdf=1", "mix": "txt=6,docx=3,pdf=1"}


def machine() -> dict:
    """What the numbers were measured on."""
    import duckdb

    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")), "?")
    mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))
    return {"nproc": os.cpu_count(), "cpu": model, "ram_gib": round(mem_kb / 2**20, 1),
            "python": platform.python_version(), "duckdb": duckdb.__version__, "kernel": platform.release()}


def tree(pid: int) -> list[tuple[int, int]]:
    """(pid, depth) of pid and its descendants: the workers are grandchildren (fork server's children)."""
    found, todo = [(pid, 0)], [(pid, 0)]
    while todo:
        parent, depth = todo.pop()
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                pids = [(int(c), depth + 1) for c in children.read_text().split()]
            except OSError:
                continue
            found += pids
            todo += pids
    return found


def _kb(path: str, key: str) -> int:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_s(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError):
        return 0.0


def measure(cmd: list[str]) -> dict:
    """Run cmd; wall time, exit status, the process tree's peak memory and CPU time.

    The run has two phases, told apart by its processes: while workers exist (children of
    the fork server) files are read and loaded; after that, the checks run in the parent
    alone. Memory and time are reported for both (with ``--workers 0`` there is one phase).
    """
    in_process = "--workers" in cmd and cmd[cmd.index("--workers") + 1] == "0"
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            cwd=BENCH / "corpus")  # not the repo: PYTHONPATH picks the code
    peak = {"rss": 0, "pss": 0, "parent": 0, "map_pss": 0, "map_parent": 0, "procs": 0}
    cpu: dict[int, float] = {}
    map_end = None
    workers_seen = False
    while proc.poll() is None:
        nodes = tree(proc.pid)
        pids = [p for p, _ in nodes]
        rss = sum(_kb(f"/proc/{p}/status", "VmRSS") for p in pids)
        pss = sum(_kb(f"/proc/{p}/smaps_rollup", "Pss:") for p in pids)
        parent = _kb(f"/proc/{proc.pid}/status", "VmRSS")
        peak["procs"] = max(peak["procs"], len(pids))
        workers_seen = workers_seen or any(depth >= 2 for _, depth in nodes)
        in_map = map_end is None and (in_process or not workers_seen or any(depth >= 2 for _, depth in nodes))
        if in_map:
            peak["map_pss"], peak["map_parent"] = max(peak["map_pss"], pss), max(peak["map_parent"], parent)
        elif map_end is None:
            map_end = time.monotonic() - started
        peak["rss"], peak["pss"], peak["parent"] = max(peak["rss"], rss), max(peak["pss"], pss), max(peak["parent"], parent)
        for p in pids:
            cpu[p] = max(cpu.get(p, 0.0), _cpu_s(p))
        time.sleep(0.1)
    wall = time.monotonic() - started
    mb = {k: round(v / 1024) for k, v in peak.items() if k != "procs"}
    return {"wall_s": round(wall, 2), "exit": proc.returncode, "stderr": proc.stderr.read()[-2000:],
            "map_s": round(map_end or wall, 1), "after_map_s": round(wall - (map_end or wall), 1),
            "peak_rss_mb": mb["rss"], "peak_pss_mb": mb["pss"], "peak_parent_rss_mb": mb["parent"],
            "map_peak_pss_mb": mb["map_pss"], "map_peak_parent_rss_mb": mb["map_parent"],
            "processes": peak["procs"], "cpu_s": round(sum(cpu.values()), 1),
            "parent_cpu_s": round(cpu.get(proc.pid, 0.0), 1)}  # the single writer's share (unpickle, load, checks)


def corpus(fmt: str, size: int) -> Path:
    out = BENCH / "corpus" / f"{fmt}-{size}"
    if not out.exists() or len(list(out.iterdir())) != size:
        subprocess.run([sys.executable, str(BENCH / "make_corpus.py"), "--count", str(size), "--mix", MIXES[fmt],
                        "--out", str(out)], check=True)
    return out


def bench(fmt: str, size: int, workers: int | None, extra: list[str], folder: Path | None = None) -> dict:
    folder = folder or corpus(fmt, size)
    db = BENCH / "corpus" / f"{fmt}-{size}.duckdb"
    for f in (db, db.with_name(db.name + ".wal")):
        f.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "pipeline", "run", str(folder), "--db", str(db), "--quiet", *extra]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    load_before = os.getloadavg()[0]
    result = measure(cmd)
    in_bytes = sum(p.stat().st_size for p in folder.iterdir())
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        docs, facts, findings, errors = con.execute(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM facts),"
            " (SELECT count(*) FROM audit_findings), (SELECT count(*) FROM ingest_errors)").fetchone()
    db_bytes = db.stat().st_size
    bare_s = min(bare_read(folder)[2] for _ in range(2))  # warm: the files are in the page cache after the run
    return {"format": fmt, "reports": size, "workers": workers, "options": " ".join(extra), **result,
            "reports_per_s": round(size / result["wall_s"], 1),
            "mb_per_s": round(in_bytes / 2**20 / result["wall_s"], 2), "input_mb": round(in_bytes / 2**20, 1),
            "cpu_ms_per_report": round(1000 * result["cpu_s"] / size, 1),
            "parent_cpu_ms_per_report": round(1000 * result["parent_cpu_s"] / size, 1),
            "documents": docs, "facts": facts, "findings": findings, "ingest_errors": errors,
            "bare_read_s": round(bare_s, 2), "ratio_to_bare": round(result["wall_s"] / bare_s, 1),
            "db_mb": round(db_bytes / 2**20, 1), "db_kb_per_report": round(db_bytes / 1024 / size, 1),
            "loadavg_before": round(load_before, 2), "loadavg_after": round(os.getloadavg()[0], 2)}


ROW = ("| {format} | {reports:,} | {workers} | {wall_s} | **{reports_per_s}** | {mb_per_s} | {cpu_ms_per_report} "
       "| {map_s} | {after_map_s} | {map_peak_pss_mb} | {map_peak_parent_rss_mb} | {peak_pss_mb} | {peak_parent_rss_mb} "
       "| {db_kb_per_report} | {bare_read_s} | {ratio_to_bare} | {exit} | {loadavg_before} |")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--formats", default="txt,docx,mix")
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--workers", type=int, default=None, help="passed to jixiao run (default: its own)")
    ap.add_argument("--folder", type=Path, help="run this folder as it is (e.g. a compiled volume from "
                    "bench/long_document.py) instead of a generated corpus; --formats names the row")
    ap.add_argument("extra", nargs="*", help="more jixiao run options, after --")
    args = ap.parse_args(argv)
    info = machine()
    print(json.dumps(info, ensure_ascii=False))
    print("| format | reports | workers | wall s | reports/s | MB/s | CPU ms/report | read+load s | checks s "
          "| read+load peak PSS MB | read+load parent RSS MB | peak PSS MB | peak parent RSS MB | DB KB/report "
          "| bare read s | ratio to bare read | exit "
          "| load avg |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for fmt in args.formats.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            if args.folder:
                size = sum(1 for p in args.folder.iterdir() if p.is_file())
            row = bench(fmt, size, args.workers, args.extra, args.folder.resolve() if args.folder else None)
            print(ROW.format(**row), flush=True)
            with open(BENCH / "corpus" / "results.jsonl", "a", encoding="utf-8") as fh:
                fh.write(json.dumps({**info, **row, "at": time.strftime("%Y-%m-%d %H:%M")}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
