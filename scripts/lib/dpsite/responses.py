"""The one plain-text response the site's own ASGI guards send (a refusal or a redirect) before a
request reaches Datasette. It carries a policy that lets the browser load and run nothing, so a
refusal that quotes nothing today stays inert if it ever does."""

from __future__ import annotations

INERT = (
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
)


async def send_text(send, status: int, text: str, headers: tuple[tuple[bytes, bytes], ...] = ()) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), *INERT, *headers],
        }
    )
    await send({"type": "http.response.body", "body": text.encode("utf-8")})
