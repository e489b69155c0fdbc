"""`Sandbox`: the simulator served by uvicorn on 127.0.0.1 from a background thread.

The server runs in its own thread and event loop, so one sandbox serves asyncio and trio
clients alike, and a client's CPU load does not slow the server's loop (or the reverse).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import threading
import time
from types import TracebackType
from typing import Any

import anyio.to_thread
import uvicorn

from .._client import ENV_PREFIX, ContactCenter
from ._app import build_app
from ._truth import GroundTruth
from .events._events_server import EventStreamingServer
from .sapi._streaming import StreamingServer
from .services._analytics import AnalyticsService
from .services._attachments import AttachmentsService
from .services._auth import TokenIssuer
from .services._callbacks import CallbacksService
from .services._external_ivr import ExternalIvrService
from .services._faults import FaultPlan, suppress_injected_reset_logs
from .services._interaction_data import InteractionDataService
from .services._realtime import RealtimeService
from .services._recent_calls import RecentCallsService
from .services._recording_control import RecordingControlService
from .services._recordings import RecordingsService
from .services._schedules import SchedulesService
from .services._stats import StatsService
from .tenant._tenant import DEFAULT_NOW, Credentials, Tenant, TenantSpec, generate_tenant

LOOPBACK = "127.0.0.1"
STARTUP_TIMEOUT = 10.0
SHUTDOWN_TIMEOUT = 10.0


class SandboxError(RuntimeError):
    """The sandbox server could not start or stop."""


class Sandbox:
    """A local 8x8 Contact Center for tests, demos and development.

    `async with Sandbox(seed=1) as sb:` (or plain `with`) serves a seeded tenant at
    `sb.base_url`; `sb.client()` is a `ContactCenter` configured for it; `sb.tenant` holds
    the raw generated data; `sb.truth` what each API should answer (`sb.truth.stats(path,
    **query)`, `.recent_calls(**body)`, `.analytics_rows(id)`, `.streaming(id)`); `sb.reset()`
    restores the initial state;
    `sb.faults` injects faults; `sb.open_connections` counts live sockets; `sb.streaming`
    runs the Streaming API (SAPI) on a simulated clock, `sapi_time_scale` simulated seconds
    per real second (3600: a 60-minute session lasts one real second); `sb.events` runs
    Event Streaming (Pulsar's WebSocket API) at `sb.events_url` on its own clock
    (`events_time_scale`); `sb.advance(seconds)` moves both clocks.
    """

    def __init__(
        self,
        seed: int = 0,
        *,
        tenant_name: str | None = None,
        groups: int = 4,
        agents: int = 12,
        queues: int = 4,
        campaigns: int = 2,
        days: int = 3,
        interactions_per_day: int = 40,
        now: dt.datetime = DEFAULT_NOW,
        timezone: str = "America/Los_Angeles",
        token_ttl: float = 1800.0,
        port: int = 0,
        sapi_time_scale: float = 60.0,
        events_time_scale: float = 60.0,
    ) -> None:
        spec = TenantSpec(
            seed=seed,
            name=tenant_name,
            groups=groups,
            agents=agents,
            queues=queues,
            campaigns=campaigns,
            days=days,
            interactions_per_day=interactions_per_day,
            now=now,
            timezone=timezone,
        )
        self.tenant: Tenant = generate_tenant(spec)
        self.stats = StatsService(self.tenant)
        self.faults = FaultPlan(seed)
        self.tokens = TokenIssuer(self.tenant.credentials, ttl=token_ttl)
        self.realtime = RealtimeService(self.tenant, seed=seed)
        self.recent_calls = RecentCallsService(self.tenant)
        self.schedules = SchedulesService(self.tenant)
        self.streaming = StreamingServer(self.tenant, seed=seed, time_scale=sapi_time_scale)
        self.events = EventStreamingServer(self.tenant, seed=seed, time_scale=events_time_scale)
        self.recordings = RecordingsService(self.tenant, seed=seed)
        self.recording_control = RecordingControlService(self.tenant)
        self.callbacks = CallbacksService(self.tenant)
        self.interaction_data = InteractionDataService(self.tenant)
        self.external_ivr = ExternalIvrService(self.tenant)
        self.analytics = AnalyticsService(self.tenant, self.tokens)
        self.attachments = AttachmentsService(self.tenant, seed=seed)
        self.truth = GroundTruth(self)
        """What each API should answer (`sb.truth.stats(path, **query)`, ...): see `_truth`."""
        self._port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    def __repr__(self) -> str:
        state = f"serving {self.base_url}" if self.running else "stopped"
        return f"Sandbox(tenant={self.tenant_name!r}, {state})"

    @property
    def credentials(self) -> Credentials:
        """The tenant's tokens and OAuth client (repr hides them)."""
        return self.tenant.credentials

    @property
    def tenant_name(self) -> str:
        """The tenant name, the user name of Basic auth."""
        return self.tenant.name

    @property
    def running(self) -> bool:
        """Whether the server is accepting connections."""
        return self._server is not None and self._server.started

    @property
    def port(self) -> int:
        """The TCP port the server listens on (known once started)."""
        if self._socket is None:
            raise SandboxError("the sandbox is not running; use `async with Sandbox() as sb:`")
        port: int = self._socket.getsockname()[1]
        return port

    @property
    def base_url(self) -> str:
        """The contact-center host (`https://vcc-na4.8x8.com` in production)."""
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def api_base_url(self) -> str:
        """The api.8x8.com host (OAuth, analytics, Recent Calls); the same server here."""
        return self.base_url

    @property
    def events_url(self) -> str:
        """The Event Streaming WebSocket host (`wss://pulsar-ws-use1.8x8.com` in production)."""
        return f"ws://{LOOPBACK}:{self.port}"

    @property
    def open_connections(self) -> int:
        """Client connections the server holds open right now (idle keep-alives included)."""
        return 0 if self._server is None else len(self._server.server_state.connections)

    def client(self, **overrides: Any) -> ContactCenter:
        """A `ContactCenter` with every credential of this tenant; keyword overrides win."""
        return ContactCenter(**{**self._settings(), **overrides})

    def environment(self) -> dict[str, str]:
        """The `EIGHTBYEIGHT_*` variables that point `ContactCenter.from_env()` at this
        sandbox, every credential included (what `python -m eightbyeight_async.sandbox`
        prints)."""
        return {ENV_PREFIX + name.upper(): value for name, value in self._settings().items()}

    def _settings(self) -> dict[str, str]:
        """`ContactCenter` keyword -> value for this sandbox and tenant."""
        credentials = self.credentials
        return {
            "base_url": self.base_url,
            "api_base_url": self.api_base_url,
            "tenant": credentials.tenant_name,
            "data_token": credentials.data_token,
            "action_token": credentials.action_token,
            "analytics_client_id": credentials.analytics_client_id,
            "analytics_secret": credentials.analytics_secret,
            "recent_calls_api_key": credentials.recent_calls_api_key,
            "recent_calls_token": credentials.recent_calls_token,
            "events_url": self.events_url,
            "events_api_key": credentials.events_api_key,
        }

    def reset(self) -> None:
        """Put every service back to its initial state, without restarting the server.

        Web callbacks, recordings and transcripts, real-time values, recording control,
        interaction data, External IVR actions, attachments, schedule delays, analytics jobs
        and controls, OAuth tokens, fault rules and request counters return to what a new
        `Sandbox` with the same arguments has; SAPI streams open now end cleanly and every
        subscription, backlog, hold or pause is forgotten; Event Streaming sessions close
        (code 1000) and its topics, subscriptions, controls and counters are forgotten. The
        tenant data never changes. Clients keep their connections (an OAuth client fetches a
        new token on its next 401).
        """
        for service in (
            self.callbacks,
            self.recordings,
            self.realtime,
            self.recording_control,
            self.interaction_data,
            self.external_ivr,
            self.attachments,
            self.schedules,
            self.analytics,
            self.tokens,
            self.streaming,
            self.events,
        ):
            service.reset()
        self.faults.clear(counters=True)

    def advance(self, seconds: float) -> None:
        """Move both simulated stream clocks (SAPI's `sb.streaming` and Event Streaming's
        `sb.events`) forward by `seconds`, so a test need not know which one its code reads."""
        self.streaming.advance(seconds)
        self.events.advance(seconds)

    def start(self) -> None:
        """Bind the port and serve from a background thread; returns once accepting."""
        if self._thread is not None:
            raise SandboxError("the sandbox is already running")
        suppress_injected_reset_logs()
        # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY on accepted sockets only when the
        # listener's proto says TCP; with proto 0, Nagle + delayed ACK add ~40 ms per response.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((LOOPBACK, self._port))
        config = uvicorn.Config(
            build_app(self),
            lifespan="off",
            access_log=False,
            log_level="warning",
            timeout_graceful_shutdown=1,
            ws="wsproto",  # the `websockets` implementation refuses Pulsar's close codes 1-8
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=lambda: asyncio.run(self._serve(server, sock)),
            name=f"eightbyeight-sandbox-{sock.getsockname()[1]}",
            daemon=True,
        )
        self._server, self._thread, self._socket = server, thread, sock
        thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise SandboxError("the sandbox server did not start (see the uvicorn log)")
            time.sleep(0.01)

    async def _serve(self, server: uvicorn.Server, sock: socket.socket) -> None:
        async with self.streaming.serving(), self.events.serving():
            await server.serve(sockets=[sock])

    def stop(self) -> None:
        """Stop serving (ending open SAPI streams and Event Streaming sessions), close the
        port and wait for the thread."""
        server, thread, sock = self._server, self._thread, self._socket
        self._server = self._thread = None
        self.streaming.close_streams()
        self.events.close_sessions()
        if server is not None:
            server.should_exit = True
        if thread is not None:
            thread.join(SHUTDOWN_TIMEOUT)
        if sock is not None:
            sock.close()
        self._socket = None
        if thread is not None and thread.is_alive():
            raise SandboxError(f"the sandbox server did not stop within {SHUTDOWN_TIMEOUT}s")

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Sandbox:
        await anyio.to_thread.run_sync(self.start)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await anyio.to_thread.run_sync(self.stop)
