"""The self-evaluation of a report (绩效自评表): its indicator rows, its execution row and its grade.

Modules, one idea each: ``vocab`` (rules/indicators.yaml compiled), ``measure`` (a target or
actual cell → comparator, value, unit), ``header`` (find the indicator table's header and the role
of each column), ``rows`` (read the rows under a header, in grid or flattened layouts), ``runon``
(a table whose cells ran together, rubrics included), ``fragment`` (rows a page cut below their
header and ran together), ``prose`` (indicators and the grade stated in sentences), ``read`` (all
of it for one document).
"""
