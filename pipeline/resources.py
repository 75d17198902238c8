"""Where the data jixiao ships with lives, in a checkout and in an installed wheel.

``rules/`` is a top-level folder of the repository (it is the user's data: ``--rules DIR``
replaces it); the wheel carries it as ``pipeline/_rules`` (pyproject.toml, package-dir).
``pipeline/templates`` is package data in both cases.
"""
from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"


def packaged_rules_dir() -> Path:
    """The rules jixiao ships with: ``pipeline/_rules`` in an installed wheel, else the
    repository's top-level ``rules/`` (a checkout, or an editable install).

    >>> (packaged_rules_dir() / "metrics.yaml").is_file()
    True
    """
    shipped = PACKAGE_DIR / "_rules"
    return shipped if shipped.is_dir() else PACKAGE_DIR.parent / "rules"
