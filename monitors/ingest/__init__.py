"""Getting text in: fetching feeds and pages over HTTP, parsing feeds, turning entries and pages
into plain-text articles.  The only network code of newswatch (``fetch`` owns httpx, ``netguard``
refuses private addresses); everything else here is pure parsing and normalising."""
