"""Chronicle: news articles in, a curated, interlinked static chronology out."""

__version__ = "0.1.0"
