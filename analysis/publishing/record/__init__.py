"""The record of published quarters: publishing one in a single step, its manifest, whether it can be reused, the lock on it and the settings recorded with it."""
