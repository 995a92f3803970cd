"""Reading many entry files on every core.

Parsing is most of a cold load and each file is independent, so a big chronology is read
by forked workers in contiguous batches, each sending its results back pickled, and they
come back in the order asked. Those pickles are also the parse cache's shards, so they are
handed on as they came. Forking is Unix only and costs more than it saves on small
chronologies, so those (and Windows) read in this process, with the same results.
"""

from __future__ import annotations

from collections.abc import Sequence

from chronicle import forked
from chronicle.content.cache import Stamped, dumps, loads
from chronicle.forked import workers

PARALLEL_MIN_FILES = 2000


def read_many(root: str, files: Sequence[tuple[str, str, str]]
              ) -> tuple[list[Stamped], list[bytes] | None]:
    """(path, signature, read) for each (kind, path, id) in `files`, in the same order;
    and the pickles they came in from forked workers (None when read here)."""
    count = workers()
    if forked.worth_forking(len(files), PARALLEL_MIN_FILES, count):
        # batches that shrink as the files run out, so the cores end together; each one
        # unpickled as it comes, while the others are read
        batches = forked.run(lambda start, stop: dumps(_read_range(root, files, start, stop)),
                             forked.guided_ranges([1] * len(files), count, finest=16), count,
                             received=lambda payload: (payload, loads(payload)))
        if batches is not None:
            return ([read for _, reads in batches for read in reads],
                    [payload for payload, _ in batches])
    return _read_range(root, files, 0, len(files)), None


def _read_range(root: str, files: Sequence[tuple[str, str, str]], start: int,
                stop: int) -> list[Stamped]:
    from chronicle.content import load

    read = load.read_stamped
    return [(path, *read(root, kind, path, entry_id))
            for kind, path, entry_id in files[start:stop]]
