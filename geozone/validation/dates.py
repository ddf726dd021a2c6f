"""Version ranges of one layer must not overlap (``valid_from``/``valid_to`` both inclusive)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from geozone.validation.context import CheckContext
from geozone.validation.report import ERROR, Issue


def check_version_ranges(ctx: CheckContext) -> Iterator[Issue]:
    """No two versions of a layer are in force on the same day."""
    for versions in ctx.catalog.versions.values():
        for i, a in enumerate(versions):
            for b in versions[i + 1 :]:
                start = max(a.entry.valid_from, b.entry.valid_from)
                end = min(a.entry.valid_to or date.max, b.entry.valid_to or date.max)
                if start > end:
                    continue
                until = "open-ended" if end == date.max else end.isoformat()
                days = None if end == date.max else float((end - start).days + 1)
                yield Issue(
                    "version_ranges",
                    ERROR,
                    b.key,
                    None,
                    None,
                    f"in force together with {a.key} from {start.isoformat()} to {until}; "
                    "versions of a layer must not overlap (both ends are inclusive)",
                    days,
                    (a.key,),
                )
