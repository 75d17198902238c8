"""The self-evaluation of a report (绩效自评表): its indicator rows, its execution row and its grade.

Modules, one idea each: ``vocab`` (rules/indicators.yaml compiled), ``measure`` (a target or
actual cell → comparator, value, unit), ``header`` (find the indicator table's header and the role
of each column), ``rows`` (read the rows under a header, in grid or flattened layouts), ``runon``
(a table whose cells ran together, rubrics included), ``fragment`` (rows a page cut below their
header and ran together), ``prose`` (indicators and the grade stated in sentences), ``read`` (all
of it for one document).

The hot ``regex`` calls pass ``concurrent=False`` by position (``search(s, pos, endpos,
concurrent)``, ``finditer(s, pos, endpos, overlapped, concurrent)``, ``sub(repl, s, count, pos,
endpos, concurrent)``): by default the package hands the GIL back and retakes it inside every call,
which a worker's one thread only hands to itself; by keyword, the argument parser builds a str of
each name it looks up (as pipeline/extraction/scan.py ``FINDITER_ARGS``).
"""
