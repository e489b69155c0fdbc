"""A bulk export of every interaction of a range, through analytics v8 detailed reports: one
report per day, several at once, restartable after anything from its checkpoint file.

    python examples/interaction_export.py --sandbox --days 14 --out calls.jsonl

Run it again after an interruption (Ctrl-C, a crash, `kill -9`): the days already written
are skipped, and a day that was cut short is read again whole, never twice in the output.
"""

from __future__ import annotations

import datetime as dt
import json
import pathlib

import anyio
from _common import connect, parser

from eightbyeight_async import FileExportCheckpoint


def _ids(path: pathlib.Path) -> list[str]:
    """The interactions in an exported JSON Lines file, in order."""
    return [json.loads(line)["interactionId"] for line in path.read_text().splitlines()]


async def main() -> None:
    arguments = parser(__doc__ or "")
    arguments.add_argument("--days", type=int, default=14, help="days up to now to export")
    arguments.add_argument("--out", default="calls.jsonl")
    options = arguments.parse_args()
    out = pathlib.Path(options.out)
    checkpoint = FileExportCheckpoint(out.with_name(out.name + ".export.json"))
    async with connect(options.sandbox, seed=4, days=options.days) as (cc, sb):
        now = sb.tenant.now if sb is not None else dt.datetime.now(dt.timezone.utc)
        end = now.astimezone(dt.timezone.utc).replace(minute=0, second=0, microsecond=0)
        end += dt.timedelta(hours=1)
        start = end - dt.timedelta(days=options.days)
        async with cc.analytics.export_interactions(
            start=start, end=end, checkpoint=checkpoint, tz="UTC"
        ) as export:
            rows = await export.write(out)
        stats = export.stats
        print(
            f"exported {rows} interactions to {out}: {stats.slices_done} days read, "
            f"{stats.slices_skipped} already done"
        )
        if sb is not None:
            same = _ids(out) == sb.truth.interaction_ids(start, end)
            print(f"matches the sandbox's ground truth: {same}")


if __name__ == "__main__":
    anyio.run(main)
