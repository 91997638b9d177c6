"""``newswatch demo`` and the two loopback servers it (and the tests) use: a feed server and an
SMTP sink."""
