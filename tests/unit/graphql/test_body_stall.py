"""A request body that stops arriving is given up (`graphql/limits.py`): a phone whose upload
stalled, or a client gone without closing, held its connection and what had come of the body
for as long as the socket stayed open. Through `metskin serve` before: no answer after 90 s
to a 1 MB upload stopped after 100 KB."""

from __future__ import annotations

import json

import anyio
from starlette.requests import Request
from starlette.types import Message, Receive, Scope, Send

from metskin.graphql.limits import BodySizeLimit

SCOPE: Scope = {
    "type": "http",
    "method": "POST",
    "path": "/graphql",
    "headers": [(b"content-type", b"multipart/form-data; boundary=x")],
}


async def reads_the_body(scope: Scope, receive: Receive, send: Send) -> None:
    """The app: reads the whole body, then answers 200 with its length."""
    body = await Request(scope, receive).body()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(len(body)).encode()})


async def answered(chunks: list[bytes], then_wait: bool) -> list[Message]:
    """What the client is sent for a body of `chunks` (the last one ends it unless
    `then_wait`: then nothing more comes, and the connection stays open)."""
    queue = list(chunks)
    sent: list[Message] = []

    async def receive() -> Message:
        if queue:
            chunk = queue.pop(0)
            more = bool(queue) or then_wait
            return {"type": "http.request", "body": chunk, "more_body": more}
        await anyio.sleep_forever()
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        sent.append(message)

    guard = BodySizeLimit(reads_the_body, max_bytes=10_000_000, idle_seconds=0.2)
    with anyio.fail_after(5):
        await guard(SCOPE, receive, send)
    return sent


async def test_a_body_that_stops_arriving_is_refused_as_stalled() -> None:
    sent = await answered([b"x" * 1000, b"y" * 1000], then_wait=True)
    assert sent[0]["status"] == 408
    error = json.loads(sent[1]["body"])["errors"][0]
    assert error["extensions"]["code"] == "REQUEST_STALLED"
    assert error["message"].startswith("Nothing more of this request arrived for 1 seconds")


async def test_a_whole_body_is_not_timed_while_the_app_works() -> None:
    sent = await answered([b"x" * 1000, b"y" * 1000], then_wait=False)
    assert (sent[0]["status"], sent[1]["body"]) == (200, b"2000")


async def test_a_slow_body_that_keeps_coming_is_read_whole() -> None:
    chunks = [b"z" * 10] * 5
    queue = list(chunks)

    async def receive() -> Message:
        await anyio.sleep(0.1)  # each chunk within the idle time, all of them beyond it
        chunk = queue.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(queue)}

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    guard = BodySizeLimit(reads_the_body, max_bytes=10_000_000, idle_seconds=0.3)
    await guard(SCOPE, receive, send)
    assert (sent[0]["status"], sent[1]["body"]) == (200, b"50")
