"""Extraction speed: articles per second on one core after start-up, and start-up time with
a warm gazetteer cache (issue 4 targets: >= 100 articles/s, start-up <= 0.3 s).

    python benchmarks/bench_extract.py [--articles 1000]

The articles are the five seeds, varied: each copy gets another publication date (so relative
days resolve differently), its paragraphs rotated, and its figures changed, then is read from
disk and extracted exactly as `chronicle extract --json` does. The last line is
`articles/s: X`.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven")

STARTUP = """
import time
start = time.perf_counter()
from pathlib import Path
from chronicle.extract.command import make_extractor
make_extractor(Path({root!r}))
print(time.perf_counter() - start)
"""


def make_variants(folder: Path, count: int) -> list[tuple[Path, datetime.date]]:
    """`count` article files written into `folder`, each a varied copy of a seed."""
    seeds = sorted(SEEDS.glob("*.txt"))
    texts = [re.sub(r"^\s*date \d{4}-\d{2}-\d{2}\s*", "", s.read_text(encoding="utf-8"))
             for s in seeds]
    variants = []
    for index in range(count):
        text = texts[index % len(texts)]
        paragraphs = [p for p in text.split("\n\n") if p.strip()]
        shift = (index // len(texts)) % max(1, len(paragraphs) - 1)
        paragraphs = paragraphs[:1] + paragraphs[1 + shift:] + paragraphs[1:1 + shift]
        word = WORDS[index % len(WORDS)]
        body = re.sub(r"\beight\b", word, "\n\n".join(paragraphs))
        body = re.sub(r"\b57\b", str(20 + index % 70), body)
        path = folder / f"article-{index:05d}.txt"
        path.write_text(body, encoding="utf-8")
        published = datetime.date(2015, 1, 1) + datetime.timedelta(days=index * 3 % 3000)
        variants.append((path, published))
    return variants


def measure_startup(root: Path, runs: int = 5) -> float:
    """Median seconds from interpreter start to a ready extractor, cache warm."""
    code = STARTUP.format(root=str(root))
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)  # warm it
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                             text=True).stdout
        times.append(float(out.strip().splitlines()[-1]))
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="how many articles")
    parser.add_argument("--root", type=Path, default=REPO,
                        help="the chronology whose content/ names are used (default: repo)")
    options = parser.parse_args()

    from chronicle.extract.article import read_article
    from chronicle.extract.command import article_record, make_extractor

    startup = measure_startup(options.root)
    extractor, _ = make_extractor(options.root)
    with tempfile.TemporaryDirectory() as folder:
        variants = make_variants(Path(folder), options.articles)
        for path, published in variants[:20]:  # warm caches and branch predictors alike
            extractor.extract(read_article(path, published))
        events = 0
        start = time.perf_counter()
        for path, published in variants:
            article = read_article(path, published)
            found = extractor.extract(article)
            events += len(found)
            json.dumps(article_record(article, found))
        elapsed = time.perf_counter() - start
    rate = len(variants) / elapsed
    print(f"start-up with a warm gazetteer cache: {startup:.3f} s (target <= 0.3 s)")
    print(f"extracted {len(variants)} articles ({events} events) in {elapsed:.2f} s "
          f"on one core: {1000 * elapsed / len(variants):.2f} ms per article")
    print(f"articles/s: {rate:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
