"""Domain types of a chronology: plain frozen data, no I/O, no templates.

Every entry keeps the place it was read from (`Mark`s per field path) so that checks on
meaning, long after parsing, can still point a person at file, line and column.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

MONTH_NAMES = tuple(calendar.month_name)  # locale-free: calendar uses English by default


@dataclass(frozen=True, slots=True)
class Mark:
    """A position in a content file; line and column are 1-based, as editors show them."""

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


class Precision(str, Enum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


_PRECISION_RANK = {Precision.YEAR: 0, Precision.MONTH: 1, Precision.DAY: 2}
_ISO_FORM = re.compile(r"^(-?\d{1,6})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_ERA_FORM = re.compile(r"^(\d{1,6})\s*(BCE|BC|CE|AD)$", re.IGNORECASE)


def days_in_month(astronomical_year: int, month: int) -> int:
    if month == 2:
        return 29 if calendar.isleap(astronomical_year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


@dataclass(frozen=True, slots=True)
class FuzzyDate:
    """A date known to a day, a month or only a year.

    Years are historical: negative years are BCE and there is no year 0 (1 BCE is
    followed by 1 CE), as chronologies write them. Dates order by their earliest
    moment, and a coarser date sorts before the finer ones inside it, so "2019"
    comes before "2019-01", which comes before "2019-01-20".
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.year == 0:
            raise ValueError("there is no year 0: write 1 BCE as -1")
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} is not between 1 and 12")
        if self.day is not None:
            last = days_in_month(self.astronomical_year, self.month)
            if not 1 <= self.day <= last:
                raise ValueError(
                    f"{MONTH_NAMES[self.month]} {self.year_label()} has {last} days, not {self.day}"
                )

    @property
    def astronomical_year(self) -> int:
        """ISO 8601's year numbering (1 BCE is year 0), which leap-year rules need."""
        return self.year if self.year > 0 else self.year + 1

    @classmethod
    def parse(cls, value: object) -> FuzzyDate:
        """Read YYYY, YYYY-MM or YYYY-MM-DD (the form is the precision), an int year,
        a `datetime.date` (as YAML reads unquoted full dates), or "44 BCE"."""
        import datetime

        if isinstance(value, FuzzyDate):
            return value
        if isinstance(value, bool):
            raise ValueError("a date must be YYYY, YYYY-MM or YYYY-MM-DD, not true/false")
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return cls(value.year, value.month, value.day)
        if isinstance(value, int):
            return cls(value)
        if not isinstance(value, str):
            kind = type(value).__name__
            raise ValueError(f"a date must be YYYY, YYYY-MM or YYYY-MM-DD, not {kind}")
        text = value.strip()
        era = _ERA_FORM.match(text)
        if era:
            year = int(era.group(1))
            return cls(-year if era.group(2).upper() in ("BCE", "BC") else year)
        iso = _ISO_FORM.match(text)
        if not iso:
            raise ValueError(f"'{text}' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = iso.groups()
        return cls(int(year), int(month) if month else None, int(day) if day else None)

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    @property
    def sort_key(self) -> tuple[int, int, int, int]:
        return (self.year, self.month or 0, self.day or 0, _PRECISION_RANK[self.precision])

    def __lt__(self, other: FuzzyDate) -> bool:
        return self.sort_key < other.sort_key

    def __le__(self, other: FuzzyDate) -> bool:
        return self.sort_key <= other.sort_key

    def __gt__(self, other: FuzzyDate) -> bool:
        return self.sort_key > other.sort_key

    def __ge__(self, other: FuzzyDate) -> bool:
        return self.sort_key >= other.sort_key

    def latest_key(self) -> tuple[int, int, int]:
        """The last day this date may stand for, to compare ranges ("2019" ends in December)."""
        month = self.month or 12
        day = self.day or days_in_month(self.astronomical_year, month)
        return (self.year, month, day)

    def earliest_key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 1, self.day or 1)

    def iso(self) -> str:
        """The content form: "2019-01-20", "2019-01", "2019", "-0044" for 44 BCE."""
        year = f"-{-self.year:04d}" if self.year < 0 else f"{self.year:04d}"
        if self.month is None:
            return year
        if self.day is None:
            return f"{year}-{self.month:02d}"
        return f"{year}-{self.month:02d}-{self.day:02d}"

    def year_label(self) -> str:
        return f"{-self.year} BCE" if self.year < 0 else str(self.year)

    def format(self) -> str:
        """In words at its precision: "20 January 2019", "April 2018", "2017", "44 BCE"."""
        parts = [self.year_label()]
        if self.month is not None:
            parts.insert(0, MONTH_NAMES[self.month])
        if self.day is not None:
            parts.insert(0, str(self.day))
        return " ".join(parts)

    def __str__(self) -> str:
        return self.iso()


class Role(str, Enum):
    PERPETRATOR = "perpetrator"
    TARGET = "target"
    CLAIMANT = "claimant"
    RESPONDER = "responder"
    ASSOCIATED = "associated"


class Status(str, Enum):
    DRAFT = "draft"
    REVIEWED = "reviewed"


ACTOR_KINDS = (
    "un-mission", "state-force", "armed-group", "militia", "government", "civilians",
    "foreign-force", "other",
)
PLACE_KINDS = ("town", "village", "city", "region", "base", "road", "area", "country")
GEO_PRECISIONS = ("exact", "near", "region")

#: ACLED's event types, the default vocabulary (chronicle.yaml `event_types` replaces it).
DEFAULT_EVENT_TYPES = (
    "battle", "attack", "explosion", "violence-against-civilians", "protest", "riot",
    "strategic-development", "political",
)


@dataclass(frozen=True, slots=True)
class Figure:
    """A casualty figure: one number, or UCDP's best estimate with a low and high bound."""

    best: int | None
    low: int | None = None
    high: int | None = None

    @property
    def lower(self) -> int:
        return next(v for v in (self.low, self.best, self.high) if v is not None)

    @property
    def upper(self) -> int:
        return next(v for v in (self.high, self.best, self.low) if v is not None)

    @property
    def value(self) -> int:
        """The one figure totals add up: best, else the low bound (what is certain)."""
        return self.best if self.best is not None else self.lower

    @property
    def is_range(self) -> bool:
        return self.lower != self.upper

    def format(self) -> str:
        if not self.is_range:
            return str(self.value)
        text = f"{self.lower}–{self.upper}"
        if self.best is not None and self.best not in (self.lower, self.upper):
            text = f"{self.best} ({text})"
        return text


@dataclass(frozen=True, slots=True)
class SideCasualties:
    actor: str
    killed: Figure | None = None
    injured: Figure | None = None


@dataclass(frozen=True, slots=True)
class Casualties:
    """Omitted figure = not reported; 0 = reported as none."""

    killed: Figure | None = None
    injured: Figure | None = None
    by_side: tuple[SideCasualties, ...] = ()


@dataclass(frozen=True, slots=True)
class ActorRef:
    """An event's actor as written (id, name or alias) with its role; `link` resolves it."""

    actor: str
    role: Role = Role.ASSOCIATED


@dataclass(frozen=True, slots=True)
class Source:
    file: str | None = None
    publisher: str | None = None
    url: str | None = None
    title: str | None = None
    published: FuzzyDate | None = None
    quote: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    title: str
    date: FuzzyDate
    type: str
    path: str
    end_date: FuzzyDate | None = None
    display_date: str | None = None
    status: Status = Status.REVIEWED
    primary: bool = True
    summary: str = ""
    actors: tuple[ActorRef, ...] = ()
    places: tuple[str, ...] = ()
    casualties: Casualties = Casualties()
    sources: tuple[Source, ...] = ()
    tags: tuple[str, ...] = ()
    marks: Mapping[str, Mark] = field(default_factory=dict, compare=False, repr=False)

    @property
    def date_label(self) -> str:
        if self.display_date:
            return self.display_date
        if self.end_date:
            return f"{self.date.format()} – {self.end_date.format()}"
        return self.date.format()


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name: str
    path: str
    aliases: tuple[str, ...] = ()
    kind: str = "other"
    country: str | None = None
    affiliations: tuple[str, ...] = ()
    description: str = ""
    links: tuple[str, ...] = ()
    marks: Mapping[str, Mark] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Place:
    id: str
    name: str
    path: str
    aliases: tuple[str, ...] = ()
    kind: str = "town"
    country: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    lat: float | None = None
    lon: float | None = None
    geo_precision: str | None = None
    coordinates_source: str | None = None
    description: str = ""
    marks: Mapping[str, Mark] = field(default_factory=dict, compare=False, repr=False)

    @property
    def has_coordinates(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True, slots=True)
class Config:
    title: str = "Chronicle"
    description: str = ""
    site_url: str | None = None
    language: str = "en"
    theme: str = "default"
    event_types: tuple[str, ...] = DEFAULT_EVENT_TYPES
    content_dir: str = "content"
    output_dir: str = "site"
    drafts: bool = True
    author: str | None = None
    marks: Mapping[str, Mark] = field(default_factory=dict, compare=False, repr=False)

    @property
    def base_path(self) -> str:
        """The URL path the site lives under ("/chronicle/" for a GitHub project site)."""
        if not self.site_url:
            return "/"
        from urllib.parse import urlsplit

        path = urlsplit(self.site_url).path or "/"
        return path if path.endswith("/") else path + "/"


@dataclass(frozen=True, slots=True)
class Chronology:
    """Everything read from one chronology folder, before references are resolved."""

    root: str
    config: Config
    events: tuple[Event, ...]
    actors: tuple[Actor, ...]
    places: tuple[Place, ...]
