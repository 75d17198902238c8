"""``python -m pipeline`` runs the jixiao command."""
from .cli import cli

cli()
