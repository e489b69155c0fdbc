"""`eightbyeight`: the command-line program (needs the `cli` extra: click and rich).

eightbyeight demo
eightbyeight export stats all-interactions --dates today-30d,today --out calls.jsonl
eightbyeight stream --subscription-id crm-sync --out events.jsonl
"""

from . import _demo, _export, _realtime, _report, _sandbox, _stream
from ._main import main, program

__all__ = ["main", "program"]
del (
    _demo,
    _export,
    _realtime,
    _report,
    _sandbox,
    _stream,
)  # imported to register its commands on `program`
