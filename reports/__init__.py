"""The digest: what is new, as plain data (digest, items, merge), its rendering (render,
templates), its archive files and its e-mail (letter, email)."""
