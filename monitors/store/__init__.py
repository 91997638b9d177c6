"""The store: DuckDB only.  ``db`` holds :class:`Store` (upserts that apply decisions, queries),
``migrations`` the schema as named migrations, ``rows`` the typed rows queries return."""
