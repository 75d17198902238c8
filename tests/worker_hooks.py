"""A worker hook for tests: files whose first bytes say so hang, eat memory or kill their worker.

Installed in every worker with ``JIXIAO_WORKER_HOOK=worker_hooks:install`` (and this folder
on ``PYTHONPATH``); see pipeline/workers.py. Real files that do these things exist (a PDF that
sends pdfium into a loop, a decompression bomb that slips past the checks), but none is
reliable across library versions; a marker is. Every other file is read as usual.
"""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

HANG = b"JIXIAO-TEST:hang"
EXPLODE = b"JIXIAO-TEST:explode"
KILL = b"JIXIAO-TEST:kill"
KILL_ONCE = b"JIXIAO-TEST:once"  # kills the first worker that reads it (it leaves a note beside the file)
MARKERS = (HANG, EXPLODE, KILL, KILL_ONCE)


def install() -> None:
    """Wrap ``pipeline.process.read_document`` with the hostile behaviours."""
    import pipeline.process

    real = pipeline.process.read_document

    def read_document(path, **kwargs):
        with open(path, "rb") as fh:
            head = fh.read(32)
        if head.startswith(HANG):
            time.sleep(3600)
        elif head.startswith(EXPLODE):
            hoard = []
            while True:  # what a decompression bomb does: allocate until refused
                hoard.append(bytes(64 * 2**20))
        elif head.startswith(KILL):
            os.kill(os.getpid(), signal.SIGKILL)  # what the kernel's OOM killer does
        elif head.startswith(KILL_ONCE):
            note = Path(f"{path}.killed")
            if not note.exists():  # a machine lost once, not a file that kills every time
                note.touch()
                os.kill(os.getpid(), signal.SIGKILL)
            return real(Path(path), **kwargs)
        return real(Path(path), **kwargs)

    pipeline.process.read_document = read_document
