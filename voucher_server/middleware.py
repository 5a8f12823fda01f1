"""Pure ASGI middleware (cheaper per request than Starlette's BaseHTTPMiddleware)."""

from __future__ import annotations

from typing import Any

from .http_errors import error_response

MAX_HEADER_BYTES = 8 * 1024  # all names and values together; a till sends a few hundred bytes


def replay_body(body: bytes, receive: Any) -> Any:
    """An ASGI ``receive`` that gives the body already read, whole, then whatever ``receive`` gives next."""
    sent = False

    async def replay() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # type: ignore[no-any-return]

    return replay


class RequestLimits:
    """Headers over MAX_HEADER_BYTES get 431, bodies over the limit 413, before the app reads them."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if sum(len(name) + len(value) for name, value in scope.get("headers", ())) > MAX_HEADER_BYTES:
            await error_response(431, "headers_too_large")(scope, receive, send)
            return
        if self._declared_too_big(scope):
            await error_response(413, "payload_too_large")(scope, receive, send)
            return
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > self.limit:
                await error_response(413, "payload_too_large")(scope, receive, send)
                return
        await self.app(scope, replay_body(b"".join(chunks), receive), send)

    def _declared_too_big(self, scope: Any) -> bool:
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    return int(value) > self.limit
                except ValueError:
                    return True
        return False
