"""newswatch's engine, no Prefect: ingest (network and parsing), nlp (understanding), decide
(pure decisions), store (DuckDB); model, config and errors are shared by all of them."""
