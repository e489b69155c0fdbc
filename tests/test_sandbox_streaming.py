"""The sandbox's Streaming API (SAPI) over real HTTP: the wire contract the client relies on.

Raw httpx and a parser written here, so the server is checked independently of the SDK's own
framing code.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from xml.parsers.expat import ExpatError

import anyio
import attrs
import httpx
import pytest
import xmltodict

from eightbyeight_async.sandbox import Sandbox, TenantSpec, generate_tenant
from eightbyeight_async.sandbox.sapi._sapi_events import EventFactory, render_json, render_xml

OUTPUTS = ["JSON", "XML", "NEWLINE_JSON", "NEWLINE_XML"]
DECLARATION = "<?xml version='1.0'  encoding='UTF-8' ?>"
HANDSHAKE = re.compile(
    r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\|(\d+)\|(X+)\|"
)
LENGTH = re.compile(r"(\d+)\|")
PATH = "/api/streaming/v1/clientconnect/subscribe/TenantUpdates-{tenant}-{sid}"


# --- a parser of the documented framing, and a blocking reader ------------------------------


@attrs.define
class Parsed:
    """What a stream's text holds so far: the handshake, then frames ("X" or a message)."""

    handshake: tuple[str, int, str] | None = None
    frames: list[str] = attrs.Factory(list)

    @property
    def messages(self) -> list[str]:
        return [frame for frame in self.frames if frame != "X"]

    @property
    def events(self) -> list[str]:
        """Messages that are not ClientCheck heartbeats."""
        return [m for m in self.messages if "ClientCheck" not in m[:60]]

    @property
    def checks(self) -> list[str]:
        return [m for m in self.messages if "ClientCheck" in m[:60]]


def parse(text: str, output: str, atmosphere: bool) -> Parsed:
    """Complete frames of `text`; an incomplete tail is left out."""
    newline = output.startswith("NEWLINE")
    if atmosphere:
        return _parse_atmosphere(text, newline)
    if newline:
        return Parsed(frames=text.split("\n")[:-1])
    if output == "JSON":
        return Parsed(frames=_json_objects(text))
    documents = [DECLARATION + part for part in text.split(DECLARATION)[1:]]
    assert text.startswith(DECLARATION) or not text
    return Parsed(frames=[d for d in documents if d.endswith(f"</{_root(d)}>")])


def _parse_atmosphere(text: str, newline: bool) -> Parsed:
    padding = re.match(r" {2000,}\n", text)
    if padding is None:
        assert not text.strip(), "the stream starts with whitespace padding"
        return Parsed()
    handshake = HANDSHAKE.match(text, padding.end())
    if handshake is None:
        return Parsed()
    parsed = Parsed(handshake=(handshake[1], int(handshake[2]), handshake[3]))
    position = handshake.end()
    while position < len(text):
        if text[position] == "X":
            parsed.frames.append("X")
            position += 1
            continue
        prefix = LENGTH.match(text, position)
        if prefix is None:
            assert text[position:].isdigit(), f"unexpected text: {text[position : position + 40]!r}"
            break
        end = prefix.end() + int(prefix[1])
        if end > len(text):
            break
        message = text[prefix.end() : end]
        if newline:
            assert message.endswith("\n"), "a NEWLINE message ends with its newline"
            message = message[:-1]
        assert "\n" not in message
        parsed.frames.append(message)
        position = end
    return parsed


def _json_objects(text: str) -> list[str]:
    decoder, objects, position = json.JSONDecoder(), [], 0
    while position < len(text):
        try:
            _value, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            break  # the tail is still arriving
        objects.append(text[position:end])
        position = end
    return objects


def _root(document: str) -> str:
    match = re.match(r"<([A-Za-z-]+)>", document[len(DECLARATION) :])
    return match[1] if match else ""


def decode(frame: str, output: str) -> dict[str, Any]:
    """One event frame as a dict (XML: strings, one-item lists collapsed, as xmltodict reads)."""
    if output.endswith("XML"):
        assert frame.startswith(DECLARATION)
        assert "\n" not in frame
        document: dict[str, Any] = xmltodict.parse(frame)
        return document
    value: dict[str, Any] = json.loads(frame)
    return value


def as_xml_reads(value: Any) -> Any:
    """A JSON-form value as xmltodict reads its XML form: scalars as text, one-item lists."""
    if isinstance(value, dict):
        return {key: as_xml_reads(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [as_xml_reads(item) for item in value]
        return items[0] if len(items) == 1 else items
    return str(value)


def expected_form(events: list[dict[str, Any]], output: str) -> list[Any]:
    return [as_xml_reads(e) for e in events] if output.endswith("XML") else events


class Reader:
    """Read a streaming response chunk by chunk, decoding UTF-8 across chunk boundaries."""

    def __init__(self, response: httpx.Response, output: str, atmosphere: bool) -> None:
        self.response = response
        self.output = output
        self.atmosphere = atmosphere
        self.raw = b""
        self.text = ""
        self.ended = False
        self._chunks = response.iter_raw()
        self._decoder = codecs.getincrementaldecoder("utf-8")()

    def pull(self) -> bool:
        """Read one more chunk; False at the end of the body."""
        chunk = next(self._chunks, None)
        if chunk is None:
            self.text += self._decoder.decode(b"", final=True)
            self.ended = True
            return False
        self.raw += chunk
        self.text += self._decoder.decode(chunk)
        return True

    @property
    def parsed(self) -> Parsed:
        return parse(self.text, self.output, self.atmosphere)

    def until(self, done: Callable[[Parsed], bool], timeout: float = 3.0) -> Parsed:
        deadline = time.monotonic() + timeout
        while not done(parsed := self.parsed):
            assert time.monotonic() < deadline, f"timed out; got {self.text[-300:]!r}"
            assert self.pull(), f"the stream ended early; got {self.text[-300:]!r}"
        return parsed

    def events(self, count: int) -> list[dict[str, Any]]:
        """The stream's first `count` events (heartbeats left out), decoded."""
        parsed = self.until(lambda p: len(p.events) >= count)
        return [decode(frame, self.output) for frame in parsed.events[:count]]

    def opened(self) -> Parsed:
        """Everything up to the Atmosphere handshake has arrived."""
        return self.until(lambda p: p.handshake is not None)

    def to_end(self) -> Parsed:
        while self.pull():
            pass
        return self.parsed


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"seed": 11, "agents": 6, "days": 0}


@pytest.fixture
def sb(sb: Sandbox) -> Iterator[Sandbox]:
    """The module's sandbox (reset after each test) with the generator paused and every
    stream of the test gone before the next one starts."""
    sb.streaming.pause()
    yield sb
    sb.streaming.end_session()
    wait_until(lambda: sb.streaming.connections() == 0)


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=httpx.Timeout(3.0)) as http:
        yield http


def wait_until(condition: Callable[[], bool], timeout: float = 2.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.005)


def has_beats(count: int, parsed: Parsed) -> bool:
    return len(parsed.checks) == count


def new_id() -> str:
    return f"sub-{uuid.uuid4().hex[:12]}"


def subscribe_request(
    sb: Sandbox, sid: str, output: str = "NEWLINE_JSON", **overrides: Any
) -> dict[str, Any]:
    tenant = sb.tenant_name
    params = {
        "desiredOutputType": output,
        "tenantId": tenant,
        "subsId": sid,
        "X-Atmosphere-Transport": "streaming",
    }
    path = overrides.pop("path", PATH.format(tenant=tenant, sid=sid))
    params.update(overrides.pop("params", {}))
    auth = overrides.pop("auth", (tenant, sb.credentials.data_token))
    return {"url": sb.base_url + path, "params": params, "auth": auth}


@contextlib.contextmanager
def stream(
    client: httpx.Client, sb: Sandbox, sid: str, output: str = "NEWLINE_JSON"
) -> Iterator[Reader]:
    with client.stream("GET", **subscribe_request(sb, sid, output)) as response:
        assert response.status_code == 200, response.read()
        yield Reader(response, output, sb.streaming.atmosphere)


# --- requests that are refused ---------------------------------------------------------------


def test_subscribe_checks_credentials_then_parameters(sb: Sandbox, client: httpx.Client) -> None:
    sid, tenant = new_id(), sb.tenant_name

    def status(**overrides: Any) -> httpx.Response:
        return client.get(**subscribe_request(sb, sid, **overrides))

    missing = status(auth=None, params={"desiredOutputType": "CSV"})
    assert missing.status_code == 401
    assert "Basic" in missing.headers["www-authenticate"]
    assert status(auth=(tenant, "wrong")).status_code == 403
    assert status(params={"desiredOutputType": "CSV"}).status_code == 400
    assert status(params={"desiredOutputType": "json"}).status_code == 400
    assert status(params={"subsId": "other"}).status_code == 400
    assert status(params={"tenantId": "other"}).status_code == 400
    bare = {"url": subscribe_request(sb, sid)["url"], "auth": (tenant, sb.credentials.data_token)}
    assert client.get(**bare).status_code == 400
    other = PATH.format(tenant="other", sid=sid)
    assert status(path=other, params={"tenantId": "other"}).status_code == 403
    assert sb.streaming.connections() == 0
    assert sid not in sb.streaming.subscriptions


def test_a_fourth_stream_of_the_tenant_gets_429(sb: Sandbox, client: httpx.Client) -> None:
    with contextlib.ExitStack() as streams:
        first = streams.enter_context(stream(client, sb, new_id()))
        for _ in range(2):
            streams.enter_context(stream(client, sb, new_id()))
        assert sb.streaming.connections() == 3
        refused = client.get(**subscribe_request(sb, new_id()))
        assert refused.status_code == 429
        assert refused.text == "Too many clients: 3 connections per tenant are allowed"
        first.response.close()
        wait_until(lambda: sb.streaming.connections() == 2)
        with stream(client, sb, new_id()):
            assert sb.streaming.connections() == 3


def test_status_and_latency_faults_apply_to_subscribe_but_body_faults_do_not(
    sb: Sandbox, client: httpx.Client
) -> None:
    sid = new_id()
    sb.faults.status("/api/streaming/*", 503, count=2, retry_after=1)
    sb.faults.reset("/api/streaming/*")
    sb.faults.malformed("/api/streaming/*")
    for _ in range(2):
        busy = client.get(**subscribe_request(sb, sid))
        assert (busy.status_code, busy.headers["retry-after"]) == (503, "1")
    sb.faults.latency("/api/streaming/*", 0.2, count=1)
    with stream(client, sb, sid) as reader:
        assert sb.faults.injected["latency"] == 1  # the subscribe was the delayed request
        emitted = sb.streaming.emit(3)
        assert reader.events(3) == emitted
    assert "reset" not in sb.faults.injected
    assert "malformed" not in sb.faults.injected


# --- the shape of a stream -------------------------------------------------------------------


@pytest.mark.parametrize("atmosphere", [True, False], ids=["atmosphere", "plain"])
@pytest.mark.parametrize("output", OUTPUTS)
def test_each_output_type_has_the_documented_shape(
    sb: Sandbox, client: httpx.Client, output: str, atmosphere: bool
) -> None:
    sid, streaming = new_id(), sb.streaming
    streaming.atmosphere = atmosphere
    with stream(client, sb, sid, output) as reader:
        content_type = "application/xml" if output.endswith("XML") else "application/json"
        assert reader.response.headers["content-type"] == content_type
        assert reader.response.headers["transfer-encoding"] == "chunked"
        emitted = streaming.emit(30)
        streaming.advance(60)  # a heartbeat is due
        emitted += streaming.emit(2)
        parsed = reader.until(lambda p: len(p.events) >= 32 and bool(p.checks))
    assert [decode(f, output) for f in parsed.events] == expected_form(emitted, output)
    assert streaming.log(sid) == emitted
    sequence = [e[next(iter(e))]["msgInfo"]["sequenceId"] for e in emitted]
    assert sequence == list(range(sequence[0], sequence[0] + 32))
    (check,) = [decode(frame, output) for frame in parsed.checks[:1]]
    info = check["ClientCheck"]["msgInfo"]
    assert "sequenceId" not in info
    assert info["instanceId"] == streaming.instance_id
    assert check["ClientCheck"]["heartbeat"] == "[HEARTBEAT]"
    assert check["ClientCheck"]["subscription-id"] == sid
    assert check["ClientCheck"]["tenant-id"] == sb.tenant_name
    assert len(reader.raw) > len(reader.text), "non-ASCII text is sent as multi-byte UTF-8"
    if atmosphere:
        assert parsed.handshake is not None
        uuid.UUID(parsed.handshake[0])
        assert parsed.handshake[1] == 1000  # 60 simulated seconds at 60x: one real second
        assert set(parsed.handshake[2]) == {"X"}
        assert "X" in parsed.frames
    else:
        separator = "\n" if output.startswith("NEWLINE") else ""
        assert reader.text.startswith(separator.join(parsed.frames) + separator)


def test_json_and_xml_carry_the_same_content(sb: Sandbox, client: httpx.Client) -> None:
    sid_json, sid_xml = new_id(), new_id()
    with stream(client, sb, sid_json, "JSON") as as_json, stream(client, sb, sid_xml, "XML") as x:
        emitted = sb.streaming.emit(40)
        from_json, from_xml = as_json.events(40), x.events(40)
    assert from_json == emitted
    assert from_xml == [as_xml_reads(e) for e in emitted]


def test_generated_content_is_varied_and_deterministic_per_seed() -> None:
    tenant = generate_tenant(TenantSpec(seed=2, agents=6, days=0))

    def make(seed: int) -> list[dict[str, Any]]:
        factory = EventFactory(tenant, seed, "sbx-test-sapi-v1")
        return [factory.make(n, 1.7e9) for n in range(1, 301)]

    events = make(2)
    assert events == make(2)
    assert events != make(3)
    kinds = {(name, body.get("event")) for e in events for name, body in e.items()}
    assert kinds >= {
        ("AgentStatusChange", None),
        ("AgentProvChange", "AgentSkillChanged"),
        ("AgentProvChange", "AgentInfoChanged"),
        ("Interaction", "InteractionCreated"),
        ("Interaction", "InteractionAccepted"),
        ("Interaction", "InteractionDeleted"),
    }
    texts = [render_json(e) for e in events]
    assert any(max(map(ord, t)) > 0xFFFF for t in texts), "4-byte UTF-8 occurs"
    assert any("\u2028" in t for t in texts), "U+2028 inside a string occurs"
    xml = "".join(render_xml(e) for e in events)
    assert "&amp;" in xml
    assert "&lt;" in xml
    assert "\n" not in xml
    data = [
        d
        for e in events
        for d in e.get("Interaction", {}).get("attachedData", {}).get("attachedDatum", [])
    ]
    assert {type(d["attachedDataValue"]) for d in data if d["attachedDataKey"] == "ani"} == {
        int,
        str,
    }, "phone numbers come as numbers and as strings"
    agent_ids = {a["agent-id"] for a in tenant.agents}
    assert {e["AgentStatusChange"]["agentId"] for e in events if "AgentStatusChange" in e} <= (
        agent_ids
    )


# --- sessions, heartbeats, shutdown ----------------------------------------------------------


def test_a_session_ends_cleanly_after_60_simulated_minutes_with_heartbeats(
    sandbox_factory: Callable[..., Sandbox],
) -> None:
    # One simulated second per real second: the clock moves by `advance`, one minute at a
    # time, each step waiting for the heartbeat it makes due (events, not elapsed time).
    sb = sandbox_factory(seed=3, agents=4, days=0, sapi_time_scale=1.0)
    with httpx.Client() as client:
        sb.streaming.pause()
        before = sb.streaming.now()
        with stream(client, sb, "session") as reader:
            handshake = reader.opened().handshake
            assert handshake is not None
            assert handshake[1] == 60_000  # the 60-second period in real milliseconds
            for minute in range(1, 60):
                sb.streaming.advance(60)
                reader.until(functools.partial(has_beats, minute))
            sb.streaming.advance(60)  # the 60th minute: the session is over
            parsed = reader.to_end()  # no exception: the chunked body ended properly
        after = sb.streaming.now()
    assert after - before >= 3600  # the session lasted its 60 simulated minutes
    assert parsed.events == []
    stamps = [json.loads(c)["ClientCheck"]["msgInfo"]["timestamp"] / 1000 for c in parsed.checks]
    assert len(stamps) == parsed.frames.count("X") == 59  # one of each per minute before the end
    assert all(stamp >= before + 60 * k - 0.01 for k, stamp in enumerate(stamps, start=1))
    assert stamps == sorted(stamps)
    assert stamps[-1] <= after


@pytest.mark.parametrize("how", ["end_session", "advance"])
def test_ending_a_session_closes_the_body_cleanly(
    sb: Sandbox, client: httpx.Client, how: str
) -> None:
    sid = new_id()
    with stream(client, sb, sid) as reader:
        reader.opened()
        if how == "advance":
            sb.streaming.advance(3600)
        else:
            assert sb.streaming.end_session(sid) == 1
        reader.to_end()
    assert reader.ended
    assert sb.streaming.connections(sid) == 0


def test_the_sandbox_stops_promptly_with_streams_open(
    sandbox_factory: Callable[..., Sandbox],
) -> None:
    sb = sandbox_factory(seed=5, agents=4, days=0)  # stopped here; the factory's stop is a no-op
    with httpx.Client() as client, stream(client, sb, "open") as reader:
        sb.streaming.emit(2)
        reader.events(2)
        stopper = threading.Thread(target=sb.stop, daemon=True)
        stopper.start()
        stopper.join(timeout=30)  # a hang guard, not a timing: open streams must not block stop()
        assert not stopper.is_alive(), "the sandbox did not stop with a stream open"
        reader.to_end()  # ended, not reset


# --- backlog, replay, expiry -----------------------------------------------------------------


@pytest.mark.parametrize("overlap", [3, 0])
def test_a_reconnect_replays_the_overlap_then_the_backlog(
    sb: Sandbox, client: httpx.Client, overlap: int
) -> None:
    sid, streaming = new_id(), sb.streaming
    streaming.replay_overlap = overlap
    with stream(client, sb, sid) as reader:
        first = streaming.emit(5)
        assert reader.events(5) == first
    wait_until(lambda: streaming.connections(sid) == 0)
    stored = streaming.emit(4)
    assert streaming.stored(sid) == 4
    with stream(client, sb, sid) as reader:
        replayed = first[len(first) - overlap :] + stored
        assert reader.events(len(replayed)) == replayed
        later = streaming.emit(1)
        assert reader.events(len(replayed) + 1)[-1:] == later
    assert streaming.log(sid) == first + stored + later == streaming.expected(sid)


def test_a_new_subscription_gets_only_later_events(sb: Sandbox, client: httpx.Client) -> None:
    sb.streaming.emit(3)
    sid = new_id()
    with stream(client, sb, sid) as reader:
        emitted = sb.streaming.emit(2)
        assert reader.events(2) == emitted
    assert sb.truth.streaming(sid) == emitted


def test_two_hours_without_a_stream_unsubscribes(sb: Sandbox, client: httpx.Client) -> None:
    sid, streaming = new_id(), sb.streaming
    with stream(client, sb, sid) as reader:
        first = streaming.emit(2)
        reader.events(2)
    wait_until(lambda: streaming.connections(sid) == 0)
    stored = streaming.emit(3)
    streaming.advance(2 * 3600 - 10)
    assert streaming.live(sid)
    assert streaming.lost(sid) == []
    streaming.advance(11)
    assert not streaming.live(sid)
    assert streaming.lost(sid) == stored
    assert streaming.stored(sid) == 0
    streaming.emit(2)  # while unsubscribed: nobody's
    with stream(client, sb, sid) as reader:
        fresh = streaming.emit(2)
        assert reader.events(2) == fresh  # no overlap, no backlog: a new subscription
    assert streaming.log(sid) == first + stored + fresh
    assert streaming.expected(sid) == first + fresh


# --- controls: drop, stall, malformed, the generator -----------------------------------------


def test_drop_aborts_the_body_and_keeps_what_was_not_sent(
    sb: Sandbox, client: httpx.Client
) -> None:
    sid = new_id()
    with stream(client, sb, sid) as reader:
        reader.opened()
        assert sb.streaming.drop(sid) == 1
        with pytest.raises(httpx.RemoteProtocolError):
            reader.to_end()
    assert sb.streaming.connections(sid) == 0
    later = sb.streaming.emit(2)
    assert sb.streaming.stored(sid) == 2
    assert sb.truth.streaming(sid) == later


def test_stall_sends_nothing_yet_keeps_the_socket_open(sb: Sandbox, client: httpx.Client) -> None:
    sid = new_id()
    with stream(client, sb, sid) as reader:
        reader.opened()
        assert sb.streaming.stall(600, sid) == 1  # ended below, by events, not by time
        emitted = sb.streaming.emit(3)
        sb.streaming.advance(120)  # heartbeats due, and held back too
        (stalled,) = sb.streaming._registry.streams(sid)
        assert len(stalled.pending) == 3, "the server holds the events it would have sent"
        assert sb.streaming.connections(sid) == 1  # the socket stays open meanwhile
        assert sb.streaming.stall(0, sid) == 1  # ends the stall now
        assert reader.events(3) == emitted


@pytest.mark.parametrize(
    ("output", "atmosphere"),
    [("JSON", True), ("XML", True), ("NEWLINE_JSON", False), ("NEWLINE_XML", True)],
)
def test_malformed_frames_come_before_the_next_event(
    sb: Sandbox, client: httpx.Client, output: str, atmosphere: bool
) -> None:
    sid = new_id()
    sb.streaming.atmosphere = atmosphere
    with stream(client, sb, sid, output) as reader:
        assert sb.streaming.malformed(2, sid) == 1
        emitted = sb.streaming.emit(1)
        parsed = reader.until(lambda p: len(p.events) >= 3)
    bad, good = parsed.events[:2], parsed.events[2]
    for frame in bad:
        with pytest.raises((json.JSONDecodeError, ExpatError)):
            decode(frame, output)
    assert [decode(good, output)] == expected_form(emitted, output)


def test_the_generator_sends_each_event_to_every_subscription(
    sb: Sandbox, client: httpx.Client
) -> None:
    streaming, first, second = sb.streaming, new_id(), new_id()
    streaming.rate = 200.0
    with stream(client, sb, first) as a, stream(client, sb, second, "NEWLINE_XML") as b:
        streaming.resume()
        b.events(20)  # the background generator has produced at least 20 events
        streaming.pause()  # no background event follows once it returns
        log_a, log_b = streaming.log(first), streaming.log(second)
        got_a, got_b = a.events(len(log_a)), b.events(len(log_b))
    assert len(log_b) >= 20
    assert got_a == log_a
    assert got_b == [as_xml_reads(e) for e in log_b]
    assert log_a[len(log_a) - len(log_b) :] == log_b  # the same events, the same ids
    sequence = [e[next(iter(e))]["msgInfo"]["sequenceId"] for e in log_a]
    assert sequence == list(range(sequence[0], sequence[0] + len(sequence)))
    assert streaming.generated[-len(log_a) :] == log_a


def test_controls_act_only_on_streams_open_now(sb: Sandbox, client: httpx.Client) -> None:
    sid = new_id()
    assert sb.streaming.drop(sid) == 0
    assert sb.streaming.end_session() == 0
    assert sb.streaming.malformed(1, sid) == 0
    with stream(client, sb, sid) as reader:  # unaffected by the calls above
        emitted = sb.streaming.emit(2)
        assert reader.events(2) == emitted
        assert sb.streaming.end_session(sid) == 1
        assert sb.streaming.end_session(sid) == 0, "already ending"
        reader.to_end()


def test_a_second_stream_of_a_subscription_takes_over(sb: Sandbox, client: httpx.Client) -> None:
    sid = new_id()
    with stream(client, sb, sid) as old:
        old.opened()
        sb.streaming.stall(5.0, sid)  # nothing leaves: the events wait in the old stream
        emitted = sb.streaming.emit(4)
        with stream(client, sb, sid) as new:
            assert new.events(4) == emitted
            old.to_end()  # ended cleanly, before its stall is over
            assert sb.streaming.connections(sid) == 1
    assert sb.truth.streaming(sid) == emitted


@pytest.mark.anyio
async def test_wait_open_and_wait_closed_follow_the_server(sb: Sandbox) -> None:
    sid = new_id()
    request = subscribe_request(sb, sid)
    async with httpx.AsyncClient() as http:
        with anyio.fail_after(5):
            async with http.stream("GET", **request) as response:
                assert response.status_code == 200
                await sb.streaming.wait_open(sid)
                assert sb.streaming.connections(sid) == 1
            await sb.streaming.wait_closed(sid)
    assert sb.streaming.connections(sid) == 0
