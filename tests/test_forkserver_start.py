"""`jixiao run` starts the workers' fork server before its own imports and rules, so the server
loads (≈ 1 s: the pipeline, the rules, jieba's warm-up) while the run does; the pool started later
uses that server, not a second one. Checked in a fresh interpreter, which owns no server yet."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow  # subprocesses

PROBE = r"""
import json, os, sys, time
from pathlib import Path
from pipeline.model import Extraction
from pipeline.workers import Limits, WorkerPool, start_fork_server

def servers():
    kids = []
    for task in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
        kids += task.read_text().split()
    return sorted(k for k in kids if b"forkserver" in Path(f"/proc/{k}/cmdline").read_bytes())

before = servers()
start_fork_server()
for _ in range(500):  # the server is forked at once; its exec (and so its command line) follows
    started = servers()
    if started:
        break
    time.sleep(0.01)
with WorkerPool(1, Limits(timeout=60)) as pool:
    results = list(pool.map([(Path(sys.argv[1]), None)]))
print(json.dumps({"before": before, "started": started, "after": servers(),
                  "facts": [len(r.facts) if isinstance(r, Extraction) else repr(r) for _, r in results]}))
"""


def test_fork_server_started_early_serves_the_pool():
    sample = next(p for p in sorted((ROOT / "data" / "raw").iterdir()) if p.suffix == ".txt")
    out = subprocess.run([sys.executable, "-c", PROBE, str(sample)], cwd=ROOT, capture_output=True, text=True,
                         timeout=300, check=True)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["before"] == []
    assert len(seen["started"]) == 1, seen  # running before any pool exists
    assert seen["after"] == seen["started"]  # the pool forked its worker from it: no second server
    assert len(seen["facts"]) == 1 and isinstance(seen["facts"][0], int) and seen["facts"][0] > 0, seen


def test_cli_run_starts_it_only_for_local_workers():
    """--workers 0 reads in the run's own process: no server is started for nothing."""
    source = (ROOT / "pipeline" / "cli.py").read_text(encoding="utf-8")
    body = source[source.index("def run(paths"):]
    body = body[:body.index("\n@")]
    assert 'if engine == "local" and workers != 0:\n        start_fork_server()' in body
    assert body.index("start_fork_server()") < body.index("from .run import run as run_pipeline")
