"""Batches written to the database by a thread of their own, while the workers go on reading.

Why: the process that hands files to the workers is also the one that writes what they send.
Written in line, a batch (100 files: a few hundred ms) left both workers idle — each waits for
its next file until the write is done — so a run took the workers' time plus the writing time
(bench/RESULTS.md, round 22). Here the run hands whole batches to :class:`BatchWriter` and goes
back to the workers at once; one thread writes the batches in the order they came, each in its
own transaction as before (``Store.write_batch``), so crash safety is unchanged: a killed run
loses at most the batches not yet committed, and the next run reads those files again.

At most ``depth`` batches wait for the writer: memory stays bounded whatever the corpus size
(a hand-over waits while the queue is full). An error in the writer stops the run at the next
hand-over, or at :meth:`BatchWriter.close`, as if the write had failed in line.
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
_DONE = object()  # the last item of the queue: no batch follows


class BatchWriter(Generic[T]):
    """``write(batch) -> int`` called on every submitted batch, in order, in one thread;
    :meth:`close` waits for them all and returns the sum of what ``write`` returned.

    Example::

        with BatchWriter(write) as writer:
            for batch in batches:
                writer.submit(batch)
            written = writer.close()
    """

    def __init__(self, write: Callable[[T], int], depth: int = 1):
        self._write = write
        self._queue: queue.Queue = queue.Queue(maxsize=max(1, depth))
        self._error: BaseException | None = None  # the first failed write's: no batch after it is written
        self._raised = False
        self._total = 0
        self._thread = threading.Thread(target=self._loop, name="jixiao-writer", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while True:
            batch = self._queue.get()
            if batch is _DONE:
                return
            if self._error is not None:
                continue  # a write failed: the rest are not written, the run stops
            try:
                self._total += self._write(batch)
            except BaseException as exc:  # noqa: BLE001 - raised again in the run's thread
                self._error = exc

    def __enter__(self) -> "BatchWriter[T]":
        return self

    def __exit__(self, kind, exc, tb) -> None:
        """Leaving on an error of the run's own: the batches already queued are still written
        (whole files, as in line), and the run's error is the one that propagates."""
        if kind is not None:
            self._raised = True
            self.close()

    def submit(self, batch: T) -> None:
        """Queue a batch (waits while ``depth`` batches are already waiting); raises the error of
        an earlier batch, if one failed."""
        self._raise()
        self._queue.put(batch)

    def close(self) -> int:
        """Write what is queued, stop the thread; the total written, or the first write's error."""
        if self._thread.is_alive():
            self._queue.put(_DONE)
            self._thread.join()
        self._raise()
        return self._total

    def _raise(self) -> None:
        if self._error is not None and not self._raised:
            self._raised = True
            raise self._error
