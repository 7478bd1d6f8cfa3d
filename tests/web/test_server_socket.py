"""web/server.py: the listener that several workers share makes the connections they accept
send at once (TCP_NODELAY), as a single process's listener does."""

from __future__ import annotations

import asyncio
import socket

import uvicorn

from web.server import tcp_listener


def _nodelay_of_an_accepted_connection(listener: socket.socket) -> int:
    """Accept one connection on ``listener`` with asyncio, as a uvicorn worker does, and read
    TCP_NODELAY off the accepted socket."""

    async def main() -> int:
        loop = asyncio.get_running_loop()
        seen: asyncio.Future[int] = loop.create_future()

        class Report(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                sock = transport.get_extra_info("socket")
                seen.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await loop.create_server(Report, sock=listener)
        _, writer = await asyncio.open_connection(*listener.getsockname()[:2])
        try:
            return await asyncio.wait_for(seen, 10)
        finally:
            writer.close()
            await writer.wait_closed()
            server.close()
            await server.wait_closed()

    return asyncio.run(main())


def test_connections_accepted_by_several_workers_send_at_once():
    config = uvicorn.Config("web.app:app_from_environment", host="127.0.0.1", port=0, workers=2)
    listener = tcp_listener(config.bind_socket())  # what `serve --workers 2` hands its workers
    assert listener.proto == socket.IPPROTO_TCP
    assert _nodelay_of_an_accepted_connection(listener) != 0


def test_a_listener_that_says_it_is_tcp_is_kept_as_it_is():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    with sock:
        assert tcp_listener(sock) is sock
