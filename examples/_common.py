"""What every example shares: a client for your tenant (from `EIGHTBYEIGHT_*` variables) or,
with `--sandbox`, for an embedded local sandbox."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import AsyncIterator

from eightbyeight_async import ContactCenter
from eightbyeight_async.sandbox import Sandbox


def parser(description: str) -> argparse.ArgumentParser:
    """An argument parser with the `--sandbox` flag every example takes."""
    arguments = argparse.ArgumentParser(description=description)
    arguments.add_argument(
        "--sandbox", action="store_true", help="run against an embedded sandbox tenant"
    )
    return arguments


@contextlib.asynccontextmanager
async def connect(
    sandbox: bool, **sandbox_options: object
) -> AsyncIterator[tuple[ContactCenter, Sandbox | None]]:
    """A client (and the sandbox it talks to, when `sandbox` is set)."""
    if not sandbox:
        async with ContactCenter.from_env() as cc:
            yield cc, None
        return
    async with Sandbox(**sandbox_options) as sb, sb.client() as cc:  # type: ignore[arg-type]
        yield cc, sb
