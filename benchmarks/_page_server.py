"""A minimal statistics server for benchmarks, run in its own process so it is not the
bottleneck: it serves `/api/stats/allinteractions.json` from pages rendered once at start.

    python -m benchmarks._page_server --port 8765 --records 200000

`--records` sets the listing length; the content cycles over a few distinct rendered pages,
so a 200,000-record listing costs the server no more memory than a small one.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import attrs

from eightbyeight_async._convert import wire_name
from eightbyeight_async.sandbox import TenantSpec, generate_tenant
from eightbyeight_async.types.stats import AllInteraction

from ._serve import serve

DISTINCT_PAGES = 20
PAGE_SIZE = 50


def rendered_pages() -> list[bytes]:
    """`DISTINCT_PAGES` full JSON pages of documented all-interaction records."""
    names = [wire_name(f) for f in attrs.fields(AllInteraction) if f.name != "extra"]
    tenant = generate_tenant(TenantSpec(seed=1, days=30, interactions_per_day=40))
    records = [{name: row.get(name, "") for name in names} for row in tenant.interactions]
    pages = []
    for index in range(DISTINCT_PAGES):
        chunk = records[index * PAGE_SIZE : (index + 1) * PAGE_SIZE]
        pages.append(json.dumps({"interactions": {"interaction": chunk}}).encode())
    return pages


def build_app(total: int) -> Any:
    """A raw ASGI app answering every GET with the page at offset `n` of `total` records."""
    pages = rendered_pages()
    empty = b'{"interactions": {"interaction": []}}'

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        query = dict(p.split("=", 1) for p in scope["query_string"].decode().split("&") if "=" in p)
        offset = int(query.get("n", "1"))
        remaining = total - (offset - 1)
        if remaining <= 0:
            body = empty
        elif remaining >= PAGE_SIZE:
            body = pages[((offset - 1) // PAGE_SIZE) % DISTINCT_PAGES]
        else:
            document = json.loads(pages[0])
            document["interactions"]["interaction"] = document["interactions"]["interaction"][
                :remaining
            ]
            body = json.dumps(document).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


def main() -> None:
    """Serve until killed."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--records", type=int, required=True)
    args = parser.parse_args()
    serve(build_app(args.records), args.port)


if __name__ == "__main__":
    main()
