"""Decisions, as pure functions that return what to do: which feeds are due and with which
validators, when to poll next, whether an article is new, updated or unchanged, the identity of
a fact, which figures changed.  The store applies these decisions; it does not make them."""
