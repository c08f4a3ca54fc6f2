"""The paper drawn from a quarter's executed notebooks by one of the registered renderers."""
