"""`chronicle extract`: print the draft events found in articles; write nothing.

With --json the output is the contract of DESIGN §3 that ../shared/eval/score.py reads: one
object for one article, a list of them for several. Keep its keys stable.
"""

from __future__ import annotations

import datetime
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from chronicle.extract.article import Article, ArticleError, read_article
from chronicle.extract.events import DraftEvent, Extractor
from chronicle.extract.lexicon import load_lexicon
from chronicle.extract.places import PlaceMatch
from chronicle.extract.text import fold


class ExtractionError(Exception):
    """Nothing could be extracted from an article; the message says why."""


def parse_published(value: str | None) -> datetime.date | None:
    """--published YYYY-MM-DD, or a clear error."""
    if value is None or value == "":
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        from chronicle.cli import ChronicleError

        raise ChronicleError(
            f"--published '{value}' is not a date: write YYYY-MM-DD, e.g. 2019-01-20") from None


def make_extractor(root: Path) -> tuple[Extractor, list[str]]:
    """The extractor over the chronology's curated names, and warnings about skipped files."""
    lexicon = load_lexicon(root)
    return Extractor(lexicon), list(lexicon.warnings)


def extract_article(path: Path, published: datetime.date | None,
                    extractor: Extractor) -> tuple[Article, list[DraftEvent]]:
    """Read one article and extract its events, or raise ArticleError/ExtractionError."""
    article = read_article(path, published)
    events = extractor.extract(article)
    if not events:
        raise ExtractionError(
            f"{path}: no event found: no sentence tells of an attack, clashes or casualties "
            "with a date or a place")
    if all(e.date is None for e in events):
        raise ExtractionError(
            f"{path}: found {len(events)} event(s) but the text fixes no date on its own (only "
            "days like 'on Sunday'); pass --published YYYY-MM-DD, add a 'date YYYY-MM-DD' first "
            "line, or a sidecar .meta.yaml with `published`")
    if all(e.place is None for e in events):
        raise ExtractionError(
            f"{path}: found {len(events)} event(s) but no place Chronicle knows; add the place "
            "to content/places/ (name, aliases, country) and run again")
    return article, events


def shown_name(place: PlaceMatch) -> str:
    """The place as the article spells it when the gazetteer spells it otherwise ("Tarmiyah"
    for "Aţ Ţārmīyah", "Zaporizhzhia" for "Zaporizhzhya"): a reader, and whoever checks the
    draft against the text, looks for the article's spelling. A curated place keeps its
    name."""
    written = place.text.strip()
    if place.source != "geonames" or place.kind == "country" or not written or (
            fold(written) == fold(place.name)):
        return place.name
    if not written[:1].isupper() or not written.isascii() or written.isupper():
        return place.name
    return written


def event_record(event: DraftEvent) -> dict:
    """One event in the JSON contract."""
    place = event.place
    return {
        "title": event.title,
        "date": event.date.iso() if event.date else None,
        "date_precision": event.date.precision.value if event.date else None,
        "place": shown_name(place) if place else None,
        "places": [shown_name(p) for p in event.places],
        "country": event.country,
        "admin1": place.admin1 if place and place.kind != "country" else None,
        "actors": [a.name for a in event.actors],
        "killed": event.killed,
        "injured": event.injured,
        "primary": event.primary,
        "type": event.type,
        "summary": event.summary,
        "evidence": event.evidence,
        "notes": event.notes,
    }


def article_record(article: Article, events: Sequence[DraftEvent]) -> dict:
    return {
        "article": article.path,
        "published": article.published.isoformat() if article.published else None,
        "events": [event_record(e) for e in events],
    }


def extract_command(root: Path, articles: Sequence[Path], published: str | None = None,
                    json: bool = False) -> int:
    """Print drafts for every article; exit 1 when an article could not be read or gave
    nothing, after doing all the others."""
    date = parse_published(published)
    extractor, warnings = make_extractor(Path(root))
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    records, failures = [], 0
    for path in articles:
        try:
            article, events = extract_article(Path(path), date, extractor)
        except (ArticleError, ExtractionError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            failures += 1
            continue
        for note in article.notes:
            print(f"warning: {note}", file=sys.stderr)
        records.append((article, events))
    if json:
        _print_json(records, single=len(articles) == 1)
    else:
        for article, events in records:
            _print_text(article, events)
    return 1 if failures else 0


def _print_json(records: list, single: bool) -> None:
    data = [article_record(article, events) for article, events in records]
    if single and data:
        out: object = data[0]
    elif single:
        return
    else:
        out = data
    sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")


def _print_text(article: Article, events: Sequence[DraftEvent]) -> None:
    published = article.published.isoformat() if article.published else "unknown"
    print(f"{article.path} (published {published}): {len(events)} event(s)")
    for event in events:
        record = event_record(event)
        kind = "news" if event.primary else "background"
        print(f"  {record['date'] or '????'}  {record['title']}  [{record['type']}, {kind}]")
        where = ", ".join(x for x in (record["place"], record["admin1"], record["country"]) if x)
        print(f"      place: {where or 'unknown'}")
        if record["actors"]:
            print(f"      actors: {', '.join(record['actors'])}")
        figures = [f"{k} {record[k]}" for k in ("killed", "injured") if record[k] is not None]
        if figures:
            print(f"      {', '.join(figures)}")
        for note in record["notes"]:
            print(f"      note: {note}")
    print()
