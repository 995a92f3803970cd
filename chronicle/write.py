"""The only module that touches the output folder.

Two ways to put rendered pages in place, both leaving no half-written site behind:
- staged: a fresh folder beside the output gets every file (unchanged ones hard-linked from
  the old site, which costs no copy), then the two folders swap by rename;
- in place: when only a few pages changed, each is written to a temporary file and renamed
  over the old one, so every file is whole at every moment.
Ctrl-C is held back while files move and taken when they are all in place.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

CACHE_DIR = ".chronicle-cache"
MANIFEST = "manifest.json"


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C until the block ends, so moving files is never cut off half-way."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


#: O_BINARY: no newline translation on Windows
_CREATE = (os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))


def write_bytes(path: str, data: bytes, *, new: bool = False) -> None:
    """Write a file in three system calls, where Path.write_bytes makes six (it also asks
    the size, the terminal and the position of a file it has just created): this runs for
    every page and every fragment. `new`: fail with FileExistsError if the file exists,
    instead of replacing its content."""
    fd = os.open(path, _CREATE | (os.O_EXCL if new else os.O_TRUNC), 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def staging_dir(out: Path) -> Path:
    """An empty folder beside `out` (same file system, so the swap is a rename)."""
    _remove_leftovers(out)
    staging = out.with_name(f".{out.name}.staging-{os.getpid()}")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    return staging


def page_folder(staging: str, url: str) -> str:
    """The folder a page's file goes in, as the render names it (`staging` ends in "/")."""
    return (staging + url).rpartition("/")[0]


def make_folder(folder: str) -> None:
    """Make a folder, and its parents when missing; one that exists is fine. One call when
    the parent exists, where os.makedirs first asks for every parent: this runs for every
    page's folder."""
    try:
        os.mkdir(folder)
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
    except FileExistsError:
        pass


def make_folders(folders: Sequence[str]) -> None:
    for folder in folders:
        make_folder(folder)


def _remove_leftovers(out: Path) -> None:
    """Remove staging and retired folders of builds that were killed outright (SIGKILL,
    power loss): their process is gone, so nothing else will ever clean them up."""
    if not out.parent.is_dir():
        return
    for folder in out.parent.glob(f".{out.name}.*-*"):
        kind, _, pid = folder.name.rpartition("-")
        if not kind.endswith((".staging", ".old")) or not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass  # alive, or not ours to ask about


def link_unchanged(old: Path, staging: Path, urls: Iterable[str]) -> list[str]:
    """Carry unchanged files over by hard link (a copy where links fail); returns the
    URLs missing from the old site, which must be rendered after all."""
    missing = []
    made: set[Path] = set()
    for url in urls:
        source, target = old / url, staging / url
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        try:
            os.link(source, target)
        except FileNotFoundError:
            missing.append(url)
        except OSError:
            try:
                shutil.copyfile(source, target)
            except FileNotFoundError:
                missing.append(url)
    return missing


def swap_in(staging: Path, out: Path) -> None:
    """Replace `out` by `staging` with two renames; the old site is removed afterwards."""
    with interrupts_deferred():
        retired = None
        if out.exists():
            retired = out.with_name(f".{out.name}.old-{os.getpid()}")
            if retired.exists():
                shutil.rmtree(retired)
            os.rename(out, retired)
        try:
            os.rename(staging, out)
        except OSError:
            if retired is not None:
                os.rename(retired, out)
            raise
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)


def write_in_place(out: Path, outputs: dict[str, bytes], removed: Iterable[str]) -> None:
    """Update a few files of a whole site; each file is replaced atomically by rename."""
    with interrupts_deferred():
        for url in sorted(outputs):
            target = out / url
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}")
            write_bytes(str(temporary), outputs[url])
            os.replace(temporary, target)
        for url in sorted(removed):
            target = out / url
            target.unlink(missing_ok=True)
            _prune_empty_parents(target.parent, out)


def _prune_empty_parents(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


# -- the cache: which key each file in the output was rendered from ------------------------

def read_manifest(root: Path, out: Path) -> dict[str, str]:
    """The page keys of the last build written to `out`; empty when unknown or stale."""
    path = Path(root) / CACHE_DIR / MANIFEST
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if data.get("out") != str(out.resolve()) or not out.is_dir():
        return {}
    keys = data.get("keys")
    return keys if isinstance(keys, dict) else {}


def write_manifest(root: Path, out: Path, keys: dict[str, str]) -> None:
    folder = Path(root) / CACHE_DIR
    try:
        folder.mkdir(exist_ok=True)
        (folder / ".gitignore").write_text("*\n", "utf-8")
        temporary = folder / f"{MANIFEST}.tmp-{os.getpid()}"
        payload = {"out": str(out.resolve()), "keys": dict(sorted(keys.items()))}
        temporary.write_text(json.dumps(payload, separators=(",", ":")), "utf-8")
        os.replace(temporary, folder / MANIFEST)
    except OSError:
        pass  # a read-only chronology still builds; the next build is simply a cold one
