"""The SAPI reader behind `cc.streaming`: the connection (`_connection`: HTTP stream, framing,
stalls), the subscription loop (`_subscription`), delivery tracking and checkpoints."""
