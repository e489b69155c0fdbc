"""`cc.external_ivr`: the External IVR API (`/SC/externalIvrAction.php`).

An IVR script can relay a call to an external IVR; that IVR then tells the contact center
where to route the call once it hangs up. The only action available is `wForwardACD` (to a
queue; `wForwardAgent` is documented as "not yet available"). `extIvrData` carries
`[name|value]` pairs for the agent's transaction panel, 500 characters at most. The request is
the document's sample URL: a GET with every parameter, `tenant=`/`token=` too, in the query
(its VoiceXML example posts them all in a form body instead; a mix of the two is undocumented).

The document lists no response codes; the SDK maps statuses like every API (400 bad request,
401 credentials, 404 unknown call).
"""

from __future__ import annotations

from typing_extensions import Unpack

from .._config import ApiFamily
from .._endpoints import Action, CallOptions
from .._errors import documented_statuses
from .._http import HttpPipeline
from .._userdata import Pairs, encode_limited
from .._validate import digits
from ._identify import one_identifier

# A routing action: even as a GET it must not be repeated.
FORWARD = Action(ApiFamily.EXTERNAL_IVR, "GET", "/SC/externalIvrAction.php", idempotent=False)
FORWARD_TO_QUEUE = "wForwardACD"
EXT_IVR_DATA_LIMIT = 500


class ExternalIvr:
    """The External IVR API."""

    def __init__(self, pipeline: HttpPipeline) -> None:
        self._pipeline = pipeline

    async def forward_to_queue(
        self,
        *,
        sip_id: str,
        queue_id: str | int,
        ext_ivr_data: Pairs | None = None,
        **call: Unpack[CallOptions],
    ) -> None:
        """Route the call with SIP Call-ID `sip_id` to queue `queue_id` (`wForwardACD`)
        when the external IVR ends it, with `ext_ivr_data` for the agent's panel."""
        _, sip_call = one_identifier(sip_id=sip_id)
        params = {
            "sip_id": sip_call,
            "action": FORWARD_TO_QUEUE,
            "param": digits("queue_id", queue_id),
        }
        if ext_ivr_data is not None:
            params["extIvrData"] = encode_limited(
                ext_ivr_data, parameter="ext_ivr_data", limit=EXT_IVR_DATA_LIMIT
            )
        options = FORWARD.request(params=params, **call)
        with documented_statuses(
            not_found=f"no call with sip_id={sip_call!r} in the external IVR (it may have ended)",
            bad_request=f"the external IVR action was refused (is queue {params['param']} valid?)",
        ):
            await self._pipeline.request(options)
