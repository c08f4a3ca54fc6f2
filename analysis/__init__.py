"""panelpaper: the analysis behind the quarterly audit-panel paper."""
