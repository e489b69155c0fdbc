"""The `eightbyeight` command group: credentials, `--sandbox`, and one-line errors."""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any, NoReturn, TypeVar

import anyio
import attrs
import click

from .._client import ContactCenter
from .._errors import EightByEightError
from ..sandbox import Sandbox, SandboxError

if sys.version_info < (3, 11):  # anyio installs the backport there
    from exceptiongroup import BaseExceptionGroup

T = TypeVar("T")

CREDENTIAL_OPTIONS = (
    "tenant",
    "platform",
    "base_url",
    "api_base_url",
    "data_token",
    "action_token",
    "analytics_client_id",
    "analytics_secret",
    "tenant_info",
    "events_url",
)
"""Flags that override the `EIGHTBYEIGHT_*` variable of the same name (prefer the variables
for secrets: command lines are visible to other users of the machine)."""


@attrs.frozen
class Settings:
    """What every command needs to connect: flags over `EIGHTBYEIGHT_*`, or a sandbox."""

    overrides: dict[str, str] = attrs.field(repr=False)
    sandbox: bool
    sandbox_seed: int
    debug: bool

    @contextlib.asynccontextmanager
    async def connect(self, **sandbox_options: Any) -> AsyncIterator[tuple[ContactCenter, Any]]:
        """A client for the configured tenant, or for an embedded sandbox (then also the
        `Sandbox`, else None)."""
        if not self.sandbox:
            async with ContactCenter.from_env(None, **self.overrides) as cc:
                yield cc, None
            return
        sandbox_options.setdefault("seed", self.sandbox_seed)
        async with Sandbox(**sandbox_options) as sb, sb.client() as cc:
            yield cc, sb


def one_line(error: BaseException) -> str:
    """An error as one line: its message with the whitespace folded."""
    text = " ".join(str(error).split()) or type(error).__name__
    return f"{text} ({type(error).__name__})"


class Interrupted(click.ClickException):
    """Ctrl-C: the conventional exit code 130."""

    exit_code = 130


def fail(message: str) -> NoReturn:
    """Stop the command with a one-line reason and exit code 1."""
    raise click.ClickException(message)


def run(settings: Settings, main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a command's coroutine; SDK, network and file errors become one line (the
    traceback only with `--debug`)."""
    try:
        try:
            return anyio.run(main)
        except BaseExceptionGroup as group:  # a task group's one failure: report the failure
            raise _sole(group) from None
    except KeyboardInterrupt:
        raise Interrupted("interrupted") from None
    except (EightByEightError, SandboxError, OSError) as exc:
        if settings.debug:
            raise
        fail(one_line(exc))


def _sole(error: BaseException) -> BaseException:
    """The one exception inside nested single-member exception groups (else the group)."""
    while isinstance(error, BaseExceptionGroup) and len(error.exceptions) == 1:
        error = error.exceptions[0]
    return error


async def cancel_on_signal(scope: anyio.CancelScope) -> None:
    """Cancel `scope` on Ctrl-C or SIGTERM, so a long-running command closes cleanly (its
    connections, checkpoint and summary) instead of dying mid-write."""
    with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
        async for _ in signals:
            scope.cancel()
            return


class _Program(click.Group):
    """The group, listing commands in the order they were added (demo first)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


def _credential_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for name in reversed(CREDENTIAL_OPTIONS):
        flag = "--" + name.replace("_", "-")
        command = click.option(
            flag, name, default=None, help=f"Overrides $EIGHTBYEIGHT_{name.upper()}."
        )(command)
    return command


@click.group(cls=_Program, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--sandbox", is_flag=True, help="Run against an embedded sandbox instead of a real tenant."
)
@click.option("--sandbox-seed", type=int, default=1, show_default=True, hidden=True)
@click.option("--debug", is_flag=True, help="Show tracebacks and SDK logs.")
@_credential_options
@click.pass_context
def program(
    ctx: click.Context, /, sandbox: bool, sandbox_seed: int, debug: bool, **credentials: str | None
) -> None:
    """The 8x8 Contact Center from the command line: exports, reports, events, live stats.

    Credentials come from EIGHTBYEIGHT_* variables (EIGHTBYEIGHT_TENANT, _PLATFORM or
    _BASE_URL, _DATA_TOKEN, ...) or the flags below; --sandbox needs none.
    """
    if debug:
        logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(name)s: %(message)s")
    overrides = {name: value for name, value in credentials.items() if value}
    ctx.obj = Settings(overrides=overrides, sandbox=sandbox, sandbox_seed=sandbox_seed, debug=debug)


def main() -> None:
    """The console script's entry point."""
    program(prog_name="eightbyeight")
