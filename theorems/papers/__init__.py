"""Paper packages: one per source paper, one module per catalogue section."""
