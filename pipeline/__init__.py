"""jixiao (绩效): read performance self-assessment reports, extract figures with provenance, check them."""
