"""chronicle.yaml: optional, every key has a default, unknown keys are errors."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from chronicle.content.entries import entry_keys
from chronicle.content.fields import Fields
from chronicle.content.yamlfile import read_document
from chronicle.diagnostics import Diagnostic
from chronicle.model import Config

CONFIG_FILE = "chronicle.yaml"
CONFIG_KEYS = entry_keys(Config)


def read_config(root: Path, diagnostics: list[Diagnostic]) -> Config:
    """The chronology's settings; the defaults when the file is absent or unusable."""
    file = root / CONFIG_FILE
    if not file.is_file():
        return Config()
    document, problems = read_document(file, CONFIG_FILE)
    diagnostics.extend(problems)
    if document is None:
        return Config()
    fields = Fields(document, diagnostics)
    if fields.mapping("", "chronicle.yaml", CONFIG_KEYS) is None:
        return Config()
    defaults = Config()
    event_types = fields.texts("event_types")
    if fields.value("event_types") is not None and not event_types:
        fields.fail("event_types", "type.invalid", "'event_types' lists no event type",
                    "list the types events may have, or remove the key for the defaults")
    site_url = fields.url("site_url")
    return Config(
        title=fields.text("title") or defaults.title,
        description=fields.text("description") or defaults.description,
        site_url=site_url,
        language=fields.text("language") or defaults.language,
        theme=_folder(fields, "theme") or defaults.theme,
        event_types=event_types or defaults.event_types,
        content_dir=_folder(fields, "content_dir") or defaults.content_dir,
        output_dir=_folder(fields, "output_dir") or defaults.output_dir,
        drafts=fields.flag("drafts", defaults.drafts),
        author=fields.text("author"),
        marks=document.values,
    )


def _folder(fields: Fields, key: str) -> str | None:
    """A folder inside the chronology: relative, and never climbing out with '..'."""
    value = fields.text(key)
    if value is None:
        return None
    parts = PurePosixPath(value.replace("\\", "/"))
    if not value.strip() or parts.is_absolute() or ".." in parts.parts:
        fields.fail(key, "path.outside", f"'{key}' {value!r} is not a folder inside the chronology",
                    "write a relative path such as 'content', without '..'")
        return None
    return value
