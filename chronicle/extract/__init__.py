"""From news articles to draft events: rules over a lexicon (DESIGN §3).

Only `extract` and `ingest` import this package; `build` never does, so the gazetteer is
never loaded for a build.
"""
