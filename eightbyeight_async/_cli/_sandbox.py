"""`eightbyeight sandbox`: serve the local simulator for other programs to use."""

from __future__ import annotations

import click

from ..sandbox import Sandbox
from ..sandbox.__main__ import serve_forever
from ._main import program


@program.command("sandbox")
@click.option("--port", type=int, default=0, help="TCP port on 127.0.0.1 (default: a free one).")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the tenant.")
@click.option("--days", type=int, default=30, show_default=True, help="Days of history.")
@click.option("--latency", type=float, default=0.0, help="Seconds added to every API request.")
def sandbox_command(port: int, seed: int, days: int, latency: float) -> None:
    """Serve a sandbox tenant until Ctrl-C; prints its URL and EIGHTBYEIGHT_* credentials."""
    serve_forever(Sandbox(seed=seed, days=days, port=port), latency=latency)
