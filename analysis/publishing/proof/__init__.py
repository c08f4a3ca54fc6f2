"""Proof that a published quarter still reruns to the same paper: the rerun and the comparison."""
