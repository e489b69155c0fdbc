"""`cc.recordings` through the public API against the sandbox: recording files and chat
transcripts listed, paged, filtered (query variables, `d=`, the ±5 s `start-date` and
`finish-date`, metadata substrings) and deleted, checked against the sandbox's ground truth
(`sb.recordings`), and every documented status mapped to its error."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from eightbyeight_async import (
    AuthenticationError,
    BadRequestError,
    ContactCenter,
    DecodeError,
    InternalServerError,
    InvalidArgumentError,
    NotFoundError,
    ServerBusyError,
)
from eightbyeight_async.sandbox import Sandbox
from eightbyeight_async.sandbox.tenant._recordings_data import DELETED_MESSAGE
from eightbyeight_async.types.recordings import (
    MessageSender,
    RecordingCallType,
    RecordingFile,
    Transcript,
)

pytestmark = pytest.mark.anyio

FILES_JSON = "/api/recordings/files.json"


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"seed": 6, "agents": 6, "days": 3, "interactions_per_day": 150}


def when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def names(files: list[RecordingFile]) -> list[str]:
    return [f.filename for f in files]


def truth_names(sb: Sandbox, keep: Any = lambda f: True) -> list[str]:
    return [f["filename"] for f in sb.truth.recordings("files") if keep(f)]


def assert_same_file(got: RecordingFile, wire: dict[str, Any]) -> None:
    assert got.filename == wire["filename"]
    assert got.start_date == when(wire["startDate"])
    assert got.agent_id == wire["agentID"]
    assert got.phone_number == (wire["phoneNumber"] or None)
    assert got.channel == (wire["channel"] or None)  # an empty element is None
    assert got.out_dial_code == (wire["outDialCode"] or None)
    assert got.duration == dt.timedelta(seconds=int(wire["duration"]))
    assert got.queue_id == wire["queueID"]
    assert got.queue_name == (wire["queueName"] or None)
    assert got.transaction_id == wire["transactionID"]
    codes = wire["wrapUpCode"]["transactionCodes"]["transactionCode"] if wire["wrapUpCode"] else []
    assert [(c.list_name, c.name) for c in got.wrap_up_codes] == [
        (c["listName"], c["name"]) for c in codes
    ]
    entries = wire["metaDatas"]["metaData"] if wire["metaDatas"] else []
    assert [(m.field_name, m.field_value) for m in got.meta_data] == [
        (e["fieldName"], e["fieldValue"]) for e in entries
    ]


# --- files ------------------------------------------------------------------------------


async def test_files_lists_every_recording_over_pages_of_50(cc: ContactCenter, sb: Sandbox) -> None:
    truth = sb.truth.recordings("files")
    assert len(truth) > 50  # the listing spans two pages
    before = sb.faults.requests.get(FILES_JSON, 0)
    files = [f async for f in cc.recordings.files(prefetch=1)]
    assert len(files) == len(truth)
    for got, wire in zip(files, truth, strict=True):
        assert_same_file(got, wire)
    assert sb.faults.requests[FILES_JSON] - before == 2


async def test_xml_gives_the_same_files_as_json(cc: ContactCenter) -> None:
    as_json = [f async for f in cc.recordings.files()]
    as_xml = [f async for f in cc.recordings.files(format="xml")]
    assert as_xml == as_json


async def test_call_type_is_read_from_the_channel(cc: ContactCenter) -> None:
    files = [f async for f in cc.recordings.files()]
    kinds = {f.call_type for f in files}
    assert kinds == {
        RecordingCallType.QUEUED,
        RecordingCallType.OUTBOUND,
        RecordingCallType.DIRECT_AGENT_ACCESS,
    }
    for f in files:
        if f.call_type is RecordingCallType.OUTBOUND:
            assert f.queue_id == "QUEUE_OUTBOUND"
        if f.call_type is RecordingCallType.QUEUED:
            assert f.queue_id
            assert "~~queue~~phone~~" in f.queue_id


async def test_query_variables_filter_by_exact_field_values(cc: ContactCenter, sb: Sandbox) -> None:
    agent = sb.truth.recordings("files")[0]["agentID"]
    by_agent = [f async for f in cc.recordings.files(filters={"agent_id": agent})]
    assert names(by_agent) == truth_names(sb, lambda f: f["agentID"] == agent)
    outbound = [f async for f in cc.recordings.files(filters={"channel": "#virtual_outbound#"})]
    assert outbound
    assert names(outbound) == truth_names(sb, lambda f: f["channel"] == "#virtual_outbound#")
    sample = sb.truth.recordings("files")[3]
    seconds = dt.timedelta(seconds=int(sample["duration"]))
    by_duration = [
        f
        async for f in cc.recordings.files(
            filters={"duration": seconds, "agent_id": sample["agentID"]}
        )
    ]
    assert sample["filename"] in names(by_duration)
    assert all(f.duration == seconds for f in by_duration)


async def test_dates_select_the_days_in_the_tenant_zone(cc: ContactCenter, sb: Sandbox) -> None:
    zone = ZoneInfo(sb.tenant.timezone)
    day = dt.date(2024, 6, 1)
    got = [f async for f in cc.recordings.files(dates="2024-06-01")]
    expected = truth_names(sb, lambda f: when(f["startDate"]).astimezone(zone).date() == day)
    assert got
    assert names(got) == expected
    utc_day = [f async for f in cc.recordings.files(dates=day, tz="UTC")]
    assert names(utc_day) == truth_names(
        sb, lambda f: when(f["startDate"]).astimezone(dt.timezone.utc).date() == day
    )


async def test_start_date_matches_within_five_seconds(cc: ContactCenter, sb: Sandbox) -> None:
    wire = sb.truth.recordings("files")[10]
    start = when(wire["startDate"])
    for offset in (-5, -4, 0, 3, 5):
        near = [
            f async for f in cc.recordings.files(start_date=start + dt.timedelta(seconds=offset))
        ]
        assert wire["filename"] in names(near)
        assert all(abs(f.start_date - start).total_seconds() <= 10 for f in near)
    far = [f async for f in cc.recordings.files(start_date=start + dt.timedelta(seconds=6))]
    assert wire["filename"] not in names(far)
    # A naive datetime is wall time in the tenant's zone.
    wall = start.astimezone(ZoneInfo(sb.tenant.timezone)).replace(tzinfo=None)
    assert wire["filename"] in names([f async for f in cc.recordings.files(start_date=wall)])


async def test_finish_date_finds_the_call_of_a_post_call_screen_pop(
    cc: ContactCenter, sb: Sandbox
) -> None:
    wire = sb.truth.recordings("files")[20]
    finished = when(wire["startDate"]) + dt.timedelta(seconds=int(wire["duration"]))
    found = [
        f
        async for f in cc.recordings.files(
            filters={
                "agent_id": wire["agentID"],
                "channel": wire["channel"],
                "phone_number": wire["phoneNumber"],
            },
            finish_date=finished - dt.timedelta(seconds=3),
        )
    ]
    assert names(found) == [wire["filename"]]
    assert found[0].finish_date == finished
    missed = cc.recordings.files(finish_date=finished + dt.timedelta(seconds=6))
    assert wire["filename"] not in names([f async for f in missed])


async def test_start_and_finish_date_together_are_refused_before_sending(
    cc: ContactCenter, sb: Sandbox
) -> None:
    now = dt.datetime(2024, 6, 1, 12, tzinfo=dt.timezone.utc)
    before = sb.faults.total_requests
    with pytest.raises(InvalidArgumentError, match="dates="):
        cc.recordings.files(start_date=now, finish_date=now)
    assert sb.faults.total_requests == before


async def test_the_server_uses_only_start_date_when_both_are_sent(
    cc: ContactCenter, sb: Sandbox
) -> None:
    wire = sb.truth.recordings("files")[5]
    start = when(wire["startDate"]).astimezone(dt.timezone.utc)
    stamp = f"{start:%Y-%m-%d %H:%M:%S}Z"
    response = await cc.raw_request(
        "GET",
        FILES_JSON,
        api="recordings",
        params={"start-date": stamp, "finish-date": "2000-01-01"},
    )
    listed = response.json()["recordings"]["file"]
    assert wire["filename"] in [f["filename"] for f in listed]


async def test_metadata_variables_match_case_sensitive_substrings(
    cc: ContactCenter, sb: Sandbox
) -> None:
    def entries(f: dict[str, Any]) -> list[dict[str, str]]:
        return f["metaDatas"]["metaData"] if f["metaDatas"] else []

    got = [
        f
        async for f in cc.recordings.files(
            metadata_field_name="Reason for", metadata_field_value="Sale"
        )
    ]
    expected = truth_names(
        sb,
        lambda f: any(
            "Reason for" in e["fieldName"] and "Sale" in e["fieldValue"] for e in entries(f)
        ),
    )
    assert got
    assert names(got) == expected
    assert [f async for f in cc.recordings.files(metadata_field_value="sale made")] == []
    customer = entries(sb.truth.recordings("files")[0])[0]["fieldValue"]
    fragment = customer[1:-1]
    by_value = [f async for f in cc.recordings.files(metadata_field_value=fragment)]
    assert names(by_value) == truth_names(
        sb, lambda f: any(fragment in e["fieldValue"] for e in entries(f))
    )


async def test_limit_first_page_and_csv(cc: ContactCenter, sb: Sandbox) -> None:
    truth = truth_names(sb)
    assert names([f async for f in cc.recordings.files(limit=7)]) == truth[:7]
    assert names(await cc.recordings.files().first_page()) == truth[:50]
    rows = 0
    async for page in cc.recordings.files().csv_pages():
        lines = page.decode().strip().splitlines()
        assert lines[0].startswith("startDate,agentID,phoneNumber,channel")
        rows += len(lines) - 1
    assert rows == len(truth)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"filters": {"agent": "bill"}}, "unknown filter agent="),
        ({"agent": "bill"}, "unexpected keyword argument 'agent'"),
        ({"filters": {"wrap_up_codes": "x"}}, "unknown filter"),
        ({"filters": {"agent_id": 1.5}}, "string or an integer"),
        ({"start_date": "2024-06-01"}, "date or datetime"),
        ({"metadata_field_name": ""}, "non-empty"),
        ({"dates": "yesterday"}, "unrecognised date"),
        ({"tz": "Mars/Olympus"}, "unknown time zone"),
        ({"format": "csv"}, "csv_pages"),
    ],
)
async def test_bad_listing_arguments_are_refused(
    cc: ContactCenter, arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        cc.recordings.files(**arguments)


async def test_delete_file_removes_it_from_the_listing(sb: Sandbox) -> None:
    first, second = sb.truth.recordings("files")[:2]
    async with sb.client() as cc:
        files = [f async for f in cc.recordings.files()]
        await cc.recordings.delete_file(first["filename"])
        await cc.recordings.delete_file(files[1].filename.removesuffix(".wav"))
        left = [f async for f in cc.recordings.files()]
        with pytest.raises(NotFoundError, match="already deleted"):
            await cc.recordings.delete_file(files[0])
    assert sb.recordings.deleted_files == [first["filename"], second["filename"]]
    assert names(left) == truth_names(sb) == names(files)[2:]


@pytest.mark.parametrize(
    "filename", ["", "/S20240531/R1.wav", "S20240531/../R1.wav", "S2024//R1", "a?b", 42]
)
async def test_bad_file_names_are_refused(cc: ContactCenter, filename: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="file name as listed"):
        await cc.recordings.delete_file(filename)


# --- transcripts ------------------------------------------------------------------------


async def test_transcripts_list_every_chat_with_its_fields(cc: ContactCenter, sb: Sandbox) -> None:
    truth = sb.truth.recordings("transcripts")
    got = [t async for t in cc.recordings.transcripts()]
    assert [t.interaction_guid for t in got] == [t["interactionGUID"] for t in truth]
    for transcript, wire in zip(got, truth, strict=True):
        assert isinstance(transcript, Transcript)
        assert transcript.agent_id == wire["agentID"]
        assert transcript.agent_name == wire["agentName"]
        assert transcript.contact_name == wire["contactName"]
        assert transcript.channel_name == wire["channelName"]
        assert transcript.start_date == when(wire["startDate"])
        assert transcript.duration == dt.timedelta(seconds=int(wire["duration"]))
        assert transcript.transcript_type is not None
        assert transcript.transcript_type.is_known
    as_xml = [t async for t in cc.recordings.transcripts(format="xml")]
    assert as_xml == got


async def test_transcripts_filter_by_field_and_metadata(cc: ContactCenter, sb: Sandbox) -> None:
    truth = sb.truth.recordings("transcripts")
    agent = truth[0]["agentID"]
    by_agent = [t async for t in cc.recordings.transcripts(filters={"agent_id": agent})]
    assert [t.interaction_guid for t in by_agent] == [
        t["interactionGUID"] for t in truth if t["agentID"] == agent
    ]
    contact = truth[1]["contactName"]
    by_meta = [
        t
        async for t in cc.recordings.transcripts(
            metadata_field_name="Customer", metadata_field_value=contact
        )
    ]
    assert [t.contact_name for t in by_meta] == [
        t["contactName"] for t in truth if t["contactName"] == contact
    ]
    with pytest.raises(InvalidArgumentError, match="unknown filter channel="):
        cc.recordings.transcripts(filters={"channel": "x"})


@pytest.mark.parametrize("format", ["json", "xml"])
async def test_one_transcript_has_its_messages(cc: ContactCenter, sb: Sandbox, format: Any) -> None:
    wire = sb.truth.recordings("transcripts")[2]
    guid = wire["interactionGUID"]
    detail = await cc.recordings.transcript(guid, format=format)
    assert detail.interaction_guid == guid
    assert detail.contact_id == wire["contactID"]
    messages = sb.truth.recordings("transcripts", guid)
    assert [(m.message_time, m.message_from, m.original_message) for m in detail.messages] == [
        (when(m["messageTime"]), MessageSender(m["messageFrom"]), m["originalMessage"])
        for m in messages
    ]
    assert [m.translated_language for m in detail.messages] == [
        m["translatedLanguage"] or None for m in messages
    ]


async def test_unknown_transcript_is_not_found(cc: ContactCenter) -> None:
    with pytest.raises(NotFoundError, match="no chat transcript for interaction"):
        await cc.recordings.transcript("int-0-0-chat-01-nobody")
    with pytest.raises(InvalidArgumentError):
        await cc.recordings.transcript("a/b")


async def test_delete_transcript_leaves_a_dummy_message_and_204_is_not_found(
    sb: Sandbox,
) -> None:
    guid = sb.truth.recordings("transcripts")[0]["interactionGUID"]
    async with sb.client() as cc:
        await cc.recordings.delete_transcript(guid)
        detail = await cc.recordings.transcript(guid)
        with pytest.raises(NotFoundError, match="int-0-0-chat-01-nobody"):  # the 204
            await cc.recordings.delete_transcript("int-0-0-chat-01-nobody")
        still = [t.interaction_guid async for t in cc.recordings.transcripts()]
    assert [m.original_message for m in detail.messages] == [DELETED_MESSAGE]
    assert guid in still  # the interaction continues to exist
    assert sb.recordings.cleared_transcripts == [guid]


# --- documented statuses ----------------------------------------------------------------


async def test_wrong_or_missing_data_token_is_401(sb: Sandbox) -> None:
    async with sb.client(data_token="0" * 32) as cc:
        with pytest.raises(AuthenticationError):
            await cc.recordings.files().first_page()
        with pytest.raises(AuthenticationError):
            await cc.recordings.delete_transcript("int-x")


async def test_a_query_variable_the_server_does_not_know_is_400(cc: ContactCenter) -> None:
    with pytest.raises(BadRequestError):
        await cc.raw_request("GET", FILES_JSON, api="recordings", params={"agentId": "x"})


async def test_no_csv_for_one_transcript_is_400(cc: ContactCenter, sb: Sandbox) -> None:
    guid = sb.truth.recordings("transcripts")[0]["interactionGUID"]
    with pytest.raises(BadRequestError):
        await cc.raw_request("GET", f"/api/recordings/transcripts/{guid}.csv", api="recordings")


@pytest.mark.parametrize(("status", "error"), [(500, InternalServerError), (503, ServerBusyError)])
async def test_server_errors_are_retried_then_raised(
    cc: ContactCenter, sb: Sandbox, status: int, error: type[Exception]
) -> None:
    sb.faults.status("/api/recordings/*", status)
    with pytest.raises(error):
        await cc.recordings.files().first_page()


async def test_a_busy_server_is_retried_until_it_answers(cc: ContactCenter, sb: Sandbox) -> None:
    sb.faults.status("/api/recordings/transcripts.json", 503, count=2)
    got = await cc.recordings.transcripts().first_page()
    assert [t.interaction_guid for t in got] == [
        t["interactionGUID"] for t in sb.truth.recordings("transcripts")
    ][:50]


async def test_a_malformed_body_is_a_decode_error(cc: ContactCenter, sb: Sandbox) -> None:
    sb.faults.malformed("/api/recordings/files.json")
    with pytest.raises(DecodeError):
        await cc.recordings.files().first_page()
