"""`python -m benchmarks._detailed_server --port N --latency S`: detailed reports of a month
of interactions, pre-rendered (rows from the sandbox's own generator, rendered once at start)
and served by slice and cursor with `S` seconds added to every request, in its own process,
so that the server is never the bottleneck: as a real, horizontally scaled service is not.

Speaks what the client uses: the OAuth token, `GET /report-types/{type}`, `POST
/detailed-reports` (synchronous, DONE) and `GET /detailed-reports/{id}/data?size=&
lastDocumentId=` with the documented headers (none on the last page).
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import datetime as dt
import itertools
import json
from typing import Any
from urllib.parse import parse_qs

import orjson

from eightbyeight_async.sandbox import Sandbox, TenantSpec

from ._serve import read_body, serve

SPEC = TenantSpec(seed=9, agents=25, days=30, interactions_per_day=200)
"""The tenant both processes build (the client derives the credentials and range from it)."""
BASE = "/analytics/cc/v8/historical-metrics"
TYPE = "detailed-reports-interaction-details"


def month(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The benchmark's range: the 30 days up to the hour after the tenant's `now`."""
    end = now.astimezone(dt.timezone.utc).replace(minute=0, second=0, microsecond=0)
    end += dt.timedelta(hours=1)
    return end - dt.timedelta(days=30), end


def _rows() -> tuple[list[dt.datetime], list[bytes], list[str]]:
    """Every row of the month (start time, rendered JSON), and the metric keys."""
    with Sandbox(
        seed=SPEC.seed,
        agents=SPEC.agents,
        days=SPEC.days,
        interactions_per_day=SPEC.interactions_per_day,
    ) as sb:
        start, end = month(sb.tenant.now)
        rows = sb.truth.detailed_rows(start=start, end=end, timezone="UTC")
    starts = [
        dt.datetime.fromisoformat(next(i["value"] for i in row["items"] if i["key"] == "startTime"))
        for row in rows
    ]
    keys = [item["key"] for item in rows[0]["items"]]
    return starts, [orjson.dumps(row) for row in rows], keys


def build_app(latency: float) -> Any:
    starts, rendered, keys = _rows()
    reports: dict[int, tuple[int, int]] = {}
    ids = itertools.count(5000)
    catalogue = json.dumps(
        {"type": TYPE, "metrics": keys, "searchQuery": {"fields": keys, "operators": ["in"]}}
    ).encode()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await asyncio.sleep(latency)
        body = await read_body(receive)
        path, query = scope["path"], parse_qs(scope["query_string"].decode())
        headers: list[tuple[bytes, bytes]] = [(b"content-type", b"application/json")]
        if path == "/oauth/v2/token":
            answer = b'{"access_token": "bench", "expires_in": "3600"}'
        elif path == f"{BASE}/report-types/{TYPE}":
            answer = catalogue
        elif path == f"{BASE}/detailed-reports":
            wanted = json.loads(body)["dateRange"]
            low, high = (dt.datetime.fromisoformat(wanted[k]) for k in ("start", "end"))
            report = next(ids)
            reports[report] = (bisect.bisect_left(starts, low), bisect.bisect_left(starts, high))
            answer = json.dumps({"id": report, "status": "DONE"}).encode()
        else:  # {BASE}/detailed-reports/{id}/data
            first, last = reports[int(path.split("/")[-2])]
            size = int(query.get("size", ["100"])[0])
            at = first + int(query.get("lastDocumentId", ["0"])[0])
            page = rendered[at : min(at + size, last)]
            answer = b"[" + b",".join(page) + b"]"
            total = last - first
            headers += [
                (b"x-total-elements", str(total).encode()),
                (b"x-page-size", str(size).encode()),
                (b"x-total-pages", str(max(1, -(-total // size))).encode()),
            ]
            if at + size < last:
                cursor = str(at + size - first).encode()
                headers.append((b"last-document-id", cursor))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": answer})

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args()
    serve(build_app(args.latency), args.port)


if __name__ == "__main__":
    main()
