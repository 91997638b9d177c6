"""Understanding text: sentences, topics, figures, quotes and their speakers, subjects, copies.
Pure functions over plain data; vocabulary lives in ``data/*.toml`` read through ``lexicon``."""
