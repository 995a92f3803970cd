"""Read one news article from disk: checked, stripped of page furniture, split into sentences.

Articles come from copy-and-paste and scrapers, so every way a file can be wrong (binary,
HTML, another language, another encoding, far too big) is refused here with a message that
says what to do, before any extraction rule sees the text.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from chronicle.extract.text import word_set

MAX_BYTES = 2 * 1024 * 1024
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ArticleError(Exception):
    """An article that cannot be read; the message names the file and the fix."""


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence; `start`/`end` are offsets into its paragraph, `line` is 1-based in the file."""

    text: str
    paragraph: int
    start: int
    end: int
    line: int


@dataclass(frozen=True, slots=True)
class Article:
    path: str
    title: str | None
    published: datetime.date | None
    paragraphs: tuple[str, ...]
    sentences: tuple[Sentence, ...]
    publisher: str | None = None
    url: str | None = None
    notes: tuple[str, ...] = ()


# --- page furniture ---------------------------------------------------------------------

_FURNITURE_LINE = re.compile(
    r"^\s*(?:scroll to top|story highlights|advertisement|skip to (?:main )?content"
    r"|read more|related(?: articles| stories)?:?|share(?: this)?(?: article| story)?:?"
    r"|share on \w+|click here\b.*|sign up\b.*newsletter.*|subscribe\b.*"
    r"|follow (?:us|our socials?)\b.*|.*\buses cookies\b.*|.*\bcookie (?:policy|settings)\b.*"
    r"|accept(?: all)? cookies.*|copyright\b.*|©.*|all rights reserved\.?)\s*$",
    re.IGNORECASE,
)
# "CNN —", "BAMAKO, Mali (Reuters) -": a wire dateline before the first sentence.
# "CNN —", "BAMAKO, Mali (Reuters) -", "OUAGADOUGOU, Dec 24 (Reuters) -", "MOGADISHU (AP) —",
# "BENI, Democratic Republic of Congo (Reuters) -", "KHARTOUM/CAIRO (Reuters) -"
_DATELINE = re.compile(
    r"^\s*(?:[A-Z][A-Z'’./-]+(?:[ ,]+(?:(?:of|the|and) )*[A-Z][A-Za-z'’.-]*)*"
    r"(?:,? [A-Z][a-z]{2,8}\.? \d{1,2})?,?\s*)?"
    r"(?:\((?:CNN|Reuters|AP|AFP|Reuters/AP|Al Jazeera|Xinhua|Anadolu|dpa)\)|CNN)\s*[—–-]+\s*"
)
_HEADER_DATE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*")
_HTML = re.compile(r"<\s*(?:html|head|body|div|p|script|span|a\s|meta|br|!doctype)\b", re.I)

# --- language ---------------------------------------------------------------------------

_ENGLISH = word_set(
    "the of and to in a is was were that for on with as by at from it its has have had be been "
    "an are which this who said after their they he she his her not but or also more than")
_OTHER_LANGUAGES = {
    "French": word_set("le la les des du de et est une un dans pour que qui sur au aux par "
                        "avec ont été ses son"),
    "Spanish": word_set("el la los las de del y en que un una por con para es fue se al"),
    "German": word_set("der die das und ist nicht ein eine mit von den dem zu im auf für"),
    "Portuguese": word_set("o a os as de do da e em que um uma para com por foi não"),
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# --- sentences --------------------------------------------------------------------------

_ABBREVIATIONS = word_set(
    "mr mrs ms dr gen col lt sgt capt maj gov sen rep st jr sr prof rev brig cmdr adm cpl pte "
    "pres vs etc inc ltd co corp no nos fig jan feb mar apr jun jul aug sep sept oct nov dec "
    "mt ft approx est dept govt")
_SENTENCE_STARTS = word_set(
    "the a an in it he she they but on at this that these those its their his her we i "
    "however meanwhile according after before when while since")
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9@#])")


def read_article(path: Path | str, published: datetime.date | str | None = None) -> Article:
    """Read and check one article. `published` (from --published) wins over the header
    line, the front matter and the sidecar `ARTICLE.meta.yaml`, in that order."""
    path = Path(path)
    raw = _read_bytes(path)
    text, notes = _decode(path, raw)
    meta, text = _split_header(path, text)
    sidecar = _read_sidecar(path)
    for key, value in sidecar.items():
        meta.setdefault(key, value)
    if published is not None:
        meta["published"] = published
    _refuse_html(path, text)
    paragraphs = _paragraphs(text)
    if not paragraphs:
        raise ArticleError(f"{path}: the article has no text once page furniture is removed")
    _refuse_foreign(path, " ".join(paragraphs))
    title = meta.get("title")
    if title is None and _looks_like_title(paragraphs):
        title = paragraphs[0]
        paragraphs[0] = _sentence_case(paragraphs[0], " ".join(paragraphs[1:]))
    lines = _paragraph_lines(text, paragraphs)
    sentences = tuple(
        Sentence(part, index, start, end, lines[index])
        for index, paragraph in enumerate(paragraphs)
        for part, start, end in split_sentences(paragraph)
    )
    return Article(
        path=str(path),
        title=str(title).strip() if title else None,
        published=_as_date(path, meta.get("published")),
        paragraphs=tuple(paragraphs),
        sentences=sentences,
        publisher=_text_or_none(meta.get("publisher")),
        url=_text_or_none(meta.get("url")),
        notes=tuple(notes),
    )


def split_sentences(paragraph: str) -> list[tuple[str, int, int]]:
    """Sentences with their offsets. A period ends a sentence unless it closes an
    abbreviation (Mr., Gen., St.), an initial (J. Smith) or a dotted acronym (U.N.) that
    is not followed by a word that usually starts one."""
    sentences: list[tuple[str, int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(paragraph):
        end = match.end()
        if not _is_boundary(paragraph, match.start(), end):
            continue
        _append(sentences, paragraph, start, end)
        start = end
    _append(sentences, paragraph, start, len(paragraph))
    return sentences


def _is_boundary(paragraph: str, dot: int, end: int) -> bool:
    if paragraph[dot] != ".":
        return True
    word = re.search(r"([\w.]+)$", paragraph[:dot])
    if not word:
        return True
    token = word.group(1)
    following = re.match(r"\s+[\"'“‘(\[]?(\w+)", paragraph[end:])
    next_word = following.group(1).lower() if following else ""
    if "." in token or (len(token) == 1 and token.isupper()):  # U.N. / J. Smith
        return next_word in _SENTENCE_STARTS
    return token.lower() not in _ABBREVIATIONS


def _append(sentences: list, paragraph: str, start: int, end: int) -> None:
    chunk = paragraph[start:end]
    stripped = chunk.strip()
    if stripped:
        offset = start + (len(chunk) - len(chunk.lstrip()))
        sentences.append((stripped, offset, offset + len(stripped)))


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise ArticleError(f"{path}: is a folder, not an article (ingest takes folders)")
        if size > MAX_BYTES:
            raise ArticleError(
                f"{path}: {size / 1e6:.1f} MB is too big for one news article (limit 2 MB); "
                "split it into one file per article")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ArticleError(f"{path}: no such file") from None
    except PermissionError:
        raise ArticleError(f"{path}: cannot be read (permission denied)") from None
    except OSError as exc:
        raise ArticleError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not raw.strip():
        raise ArticleError(f"{path}: the file is empty; save the article's text in it")
    if b"\x00" in raw[:65536]:
        raise ArticleError(
            f"{path}: this is a binary file, not text; save the article as plain text (.txt)")
    return raw


def _decode(path: Path, raw: bytes) -> tuple[str, list[str]]:
    """UTF-8 (a BOM is fine). Only bytes that cannot be UTF-8 are read as Windows-1252,
    and the reader is told, since a wrong guess would garble names."""
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        bad = exc.start
    high = sum(byte >= 0x80 for byte in raw)
    if high / len(raw) > 0.05:
        raise ArticleError(
            f"{path}: the text is not UTF-8 (byte {bad}) and does not look like Windows-1252 "
            "either; re-save it as UTF-8")
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    note = f"{path}: not UTF-8 (byte {bad}); read as Windows-1252: check accented names"
    return text, [note]


def _split_header(path: Path, text: str) -> tuple[dict, str]:
    """YAML front matter between '---' lines, or a first line 'date 2019-01-20 ...'."""
    meta: dict = {}
    stripped = text.lstrip("\ufeff")
    if stripped.startswith("---\n") or stripped.startswith("---\r\n"):
        end = re.search(r"^---\s*$", stripped[4:], re.M)
        if end:
            block = stripped[4:4 + end.start()]
            try:
                data = yaml.load(block, Loader=_LOADER)
            except yaml.YAMLError as exc:
                raise ArticleError(
                    f"{path}: the front matter between the '---' lines is not valid YAML "
                    f"({exc.__class__.__name__}); fix it or remove it") from None
            if isinstance(data, dict):
                meta.update({str(k): v for k, v in data.items()})
            return meta, stripped[4 + end.end():]
    header = _HEADER_DATE.match(stripped)
    if header:
        meta["published"] = header.group(1)
        return meta, stripped[header.end():]
    return meta, stripped


def _read_sidecar(path: Path) -> dict:
    for candidate in (path.with_name(path.name + ".meta.yaml"), path.with_suffix(".meta.yaml")):
        if candidate.is_file():
            try:
                data = yaml.load(candidate.read_text(encoding="utf-8"), Loader=_LOADER)
            except (yaml.YAMLError, UnicodeDecodeError, OSError):
                raise ArticleError(
                    f"{candidate}: not a readable YAML mapping (published, title, publisher, "
                    "url); fix or remove it") from None
            return {str(k): v for k, v in data.items()} if isinstance(data, dict) else {}
    return {}


def _refuse_html(path: Path, text: str) -> None:
    if len(_HTML.findall(text[:20000])) >= 3 or text.lstrip().lower().startswith(
            ("<!doctype", "<html")):
        raise ArticleError(
            f"{path}: this is an HTML page, not the article's text; open it in a browser "
            "(reader view helps), copy the article text and save it as a .txt file")


def _refuse_foreign(path: Path, text: str) -> None:
    words = [w.lower() for w in _WORD.findall(text[:20000])]
    if len(words) < 20:
        return
    english = sum(w in _ENGLISH for w in words) / len(words)
    if english >= 0.12:
        return
    scores = {name: sum(w in vocab for w in words) / len(words)
              for name, vocab in _OTHER_LANGUAGES.items()}
    language, share = max(scores.items(), key=lambda item: item[1])
    named = f"it looks like {language}" if share > english else "it does not look like English"
    raise ArticleError(
        f"{path}: {named} ({english:.0%} common English words); extraction reads English "
        "only: use an English version of the article")


def _paragraphs(text: str) -> list[str]:
    """Blank lines separate paragraphs; inside a block, a line that does not end a sentence
    and is followed by a lowercase start is a hard wrap and is joined."""
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [line.strip() for line in block.split("\n")]
        current = ""
        for line in lines:
            if not line or _FURNITURE_LINE.match(line):
                if current:
                    paragraphs.append(current)
                    current = ""
                continue
            line = _DATELINE.sub("", line)
            if current and not re.search(r"[.!?:\"”’)]$", current) and line[:1].islower():
                current += " " + line
            else:
                if current:
                    paragraphs.append(current)
                current = line
        if current:
            paragraphs.append(current)
    return [" ".join(p.split()) for p in paragraphs if p.strip()]


def _paragraph_lines(text: str, paragraphs: list[str]) -> list[int]:
    """The 1-based line of each paragraph in the file, to point evidence at it."""
    lines, cursor = [], 0
    for paragraph in paragraphs:
        probe = paragraph[:40]
        found = text.find(probe, cursor)
        if found < 0:
            lines.append(lines[-1] if lines else 1)
            continue
        lines.append(text.count("\n", 0, found) + 1)
        cursor = found + 1
    return lines


def _sentence_case(headline: str, body: str) -> str:
    """ "Gunmen Kill 12 In Nigeria Village Attack" -> "Gunmen kill 12 in Nigeria village
    attack": headline capitals would read as names. A word keeps its capital when the body
    writes it so too; the length never changes, so offsets stay true."""
    words = headline.split()
    capitalised = [w for w in words if w[:1].isupper()]
    if len(words) < 4 or len(capitalised) < 0.7 * len(words):
        return headline
    names = set(re.findall(r"\b[A-Z][\w'’-]*", body))
    return re.sub(r"(?<=\s)([A-Z][a-z'’-]*)\b",
                  lambda m: m.group(1) if m.group(1) in names else m.group(1).lower(), headline)


def _looks_like_title(paragraphs: list[str]) -> bool:
    first = paragraphs[0]
    return len(paragraphs) > 1 and len(first) <= 200 and not re.search(r"[.!?\"”]$", first)


def _as_date(path: Path, value: object) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ArticleError(
            f"{path}: published date '{value}' is not YYYY-MM-DD") from None


def _text_or_none(value: object) -> str | None:
    return str(value).strip() if value not in (None, "") else None
