"""Sentences × rules → facts: the extraction stage, one idea per module.

In the order ``pipeline.extract.extract`` runs them:

* :mod:`.scan` — every rule's pattern over the document (around its anchors, under a regex
  timeout); a hit counts only inside one sentence and when its context words allow it;
* :mod:`.choose` — one reading per figure: the highest priority, then the nearest label;
* :mod:`.resolve` — a hit → a :class:`~pipeline.model.Fact`: its metric (the rule's, or the
  figure's before it), kind, basis (:mod:`.basis`), period and goal-ness (:mod:`.context`);
* :mod:`.tables` — labels and figures in table cells and form lines;
* :mod:`.parts` — lists of parts after a total (其中…、包括…) and totals after their parts.

:mod:`.labels` and :mod:`.basis` are shared by the prose and the table readers.
"""
