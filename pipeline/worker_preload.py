"""Imported once by the fork server that every worker is forked from (pipeline/workers.py).

Importing the pipeline and loading the rules and jieba's dictionary here, before any fork,
makes starting a worker — or replacing one that a hostile file killed — take milliseconds
instead of seconds, and the workers share those pages. Failures are left for the workers to
report: each loads the rules again (a cache hit when this succeeded) and says why it cannot
start.
"""
try:
    # what a worker imports before its first file (pipeline/workers.py _worker_main): imported
    # here, a worker — the first ones, and each replacement — does not pay ≈ 0.9 s to import it
    import pipeline.doc_checks
    import pipeline.process
    import pipeline.rows
    from pipeline.rules import load_rules
    from pipeline.workers import warm_up

    warm_up(load_rules())
except Exception:  # noqa: BLE001 - the fork server must live; workers report the error
    pass
