"""The one plain-text response the site's own ASGI guards send (a refusal or a redirect) before a
request reaches Datasette."""
from __future__ import annotations


async def send_text(send, status: int, text: str, headers: tuple[tuple[bytes, bytes], ...] = ()) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), *headers]})
    await send({"type": "http.response.body", "body": text.encode("utf-8")})
