"""Click-to-dial URLs (`/AGUI/make_call.php`): the document's examples, every parameter
URL-encoded and read back, the `ctl_userdata` system data rules, and bad input."""

from __future__ import annotations

import urllib.parse
from typing import Any

import pytest

from eightbyeight_async import (
    ConfigurationError,
    ContactCenter,
    InvalidArgumentError,
    make_call_url,
)
from eightbyeight_async._userdata import UserDataToken, decode_pairs

HOST = "https://vcc-na4.8x8.com"


def query_of(url: str) -> dict[str, str]:
    parts = urllib.parse.urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "vcc-na4.8x8.com",
        "/AGUI/make_call.php",
    )
    return dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True, strict_parsing=True))


def test_the_documented_browser_example() -> None:
    url = make_call_url(HOST, prefix=1, phone="6502928880")
    assert url == "https://vcc-na4.8x8.com/AGUI/make_call.php?prefix=1&phone=6502928880"


def test_the_create_task_example_round_trips_through_the_url() -> None:
    userdata = [
        ("ctl_action", "create"),
        ("subject", f"outbound call log ({UserDataToken.TRANSACTION_ID})"),
        ("Transactionid__c", str(UserDataToken.INTERACTION_GUID)),
        ("ObjectType", "Task"),
        ("Description", f"answered at{UserDataToken.EQUAL} {UserDataToken.CALL_ANSWERED_TIME}\n"),
        ("ctl_parentid", "001A"),
        ("ctl_launchopt", "true"),
        ("ctl_launchext", "edit"),
        ("ctl_intType", "sfdc"),
        ("ActivityDate", f"{UserDataToken.YEAR}-{UserDataToken.MONTH}-{UserDataToken.DATE}"),
    ]
    url = make_call_url(
        HOST,
        prefix="",
        phone="(650) 555-1212",
        caller_id=5251990,
        dialplan_id="7",
        queue_id=110,
        ctl_userdata=userdata,
        ext_transaction_data={"extRecordId": "001A", "extRecordType": "Account"},
    )
    assert not set(" []|$") & set(url)  # all URL-encoded
    query = query_of(url)
    assert (query["prefix"], query["phone"]) == ("", "(650) 555-1212")
    assert (query["callerId"], query["dialplan_id"], query["queue_id"]) == ("5251990", "7", "110")
    assert decode_pairs(query["ctl_userdata"]) == userdata
    assert "$interaction_guid$" in query["ctl_userdata"]
    assert decode_pairs(query["extTransactionData"]) == [
        ("extRecordId", "001A"),
        ("extRecordType", "Account"),
    ]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"phone": ""}, "phone"),
        ({"prefix": "+1"}, "prefix must be digits"),
        ({"caller_id": "525-1990"}, "callerId must be digits"),
        ({"queue_id": "q1"}, "queue_id must be digits"),
        ({"ctl_userdata": {"ctl_newRecordId": "x"}}, "ctl_newRecordId is not one"),
        ({"ctl_userdata": {"ctl_action": "delete"}}, "ctl_action supports create"),
        ({"ctl_userdata": {"ctl_launchopt": "yes"}}, "ctl_launchopt supports false, true"),
        ({"ctl_userdata": {"note": "[x]"}}, "no escape"),
    ],
)
def test_bad_input_is_refused_with_what_to_do(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        make_call_url(HOST, **{"phone": "6502928880", **arguments})


def test_only_https_hosts_outside_loopback() -> None:
    with pytest.raises(ConfigurationError, match="https"):
        make_call_url("http://vcc-na4.8x8.com", phone="1")


def test_the_client_builds_urls_for_its_own_host() -> None:
    local = ContactCenter(base_url="http://127.0.0.1:8080")  # loopback may be plain http
    url = local.click_to_dial.make_call_url(phone="6502928880", prefix=1)
    assert url == "http://127.0.0.1:8080/AGUI/make_call.php?prefix=1&phone=6502928880"
    assert ContactCenter(platform="na4").click_to_dial.make_call_url(phone="1").startswith(HOST)
    with pytest.raises(ConfigurationError, match="Contact Center host"):
        ContactCenter().click_to_dial.make_call_url(phone="1")
