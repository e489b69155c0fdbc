"""A report job: ask Historical Analytics for a week of queue figures by day, wait for it,
print the grand total, and save the CSV.

    python examples/report_job.py --sandbox --out-dir reports
"""

from __future__ import annotations

import datetime as dt
import pathlib

import anyio
from _common import connect, parser


async def main() -> None:
    arguments = parser(__doc__ or "")
    arguments.add_argument("--out-dir", default=".")
    arguments.add_argument("--days", type=int, default=7)
    options = arguments.parse_args()
    async with connect(options.sandbox, seed=4, days=options.days + 1) as (cc, sb):
        now = sb.tenant.now if sb is not None else dt.datetime.now(dt.timezone.utc)
        end = now.replace(minute=0, second=0, microsecond=0)
        job = await cc.analytics.create_report(
            type="queue-interactions-summary",
            title="Queues by day",
            start=end - dt.timedelta(days=options.days),
            end=end,
            granularity="day",
            group_by="queue",
            metrics=["presented", "accepted", "abandoned"],
            include_grand_total=True,
        )
        print(f"report {job.id} created; waiting")
        await job.wait(timeout=600)
        async for row in job.rows():
            if row.is_grand_total:
                print(
                    f"{options.days} days: {row['presented']} presented, "
                    f"{row['accepted']} accepted, {row['abandoned']} abandoned"
                )
        path = await job.download(pathlib.Path(options.out_dir), format="csv")
        print(f"saved {path}")


if __name__ == "__main__":
    anyio.run(main)
