"""``jixiao serve``: a local review page for the findings, whose decisions survive re-runs.

The modules, one idea each:

* ``decisions.py`` — the decision file beside the database (SQLite, stdlib only): append-only;
* ``review.py`` — the findings of the database with their stable keys (pipeline/review_key.py)
  and their review status; read by the pages and by ``jixiao report``;
* ``queries.py`` — the read queries of the pages (parameters only, never SQL from a request);
* ``marks.py`` — a report's text cut into plain and marked pieces;
* ``workpaper.py`` — the reviewed findings as an Excel working paper (底稿);
* ``app.py`` — the Starlette routes, CSRF, the "database busy" page.

Only ``app.py`` imports Starlette, so ``jixiao report`` can read the decisions without it.
"""
