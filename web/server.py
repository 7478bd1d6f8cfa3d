"""Running the app under uvicorn, in one process or several.

With several worker processes, uvicorn binds the listening socket itself and leaves its
protocol number at 0; asyncio sets ``TCP_NODELAY`` only on accepted connections that report
``IPPROTO_TCP``, so Nagle's algorithm stays on and every request after the first on a kept-alive
connection waits about 40 ms for the client's delayed ACK (uvicorn issue #3149, open as of
uvicorn 0.54). Here the bound socket is wrapped again with its protocol stated before the
workers take it, so the connections they accept answer at once.
"""

from __future__ import annotations

import contextlib
import socket


def tcp_listener(sock: socket.socket) -> socket.socket:
    """The same listening socket, saying it is TCP (so that accepted connections do too)."""
    if sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.proto == socket.IPPROTO_TCP:
        return sock
    return socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())


def run(app: str, host: str, port: int, workers: int) -> None:
    """Serve the ASGI app factory ``app`` ("module:function") until interrupted."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    if workers == 1:  # asyncio binds the listener itself, with its protocol: nothing to fix
        uvicorn.run(app, factory=True, host=host, port=port, log_level="warning")
        return
    config = uvicorn.Config(
        app, factory=True, host=host, port=port, workers=workers, log_level="warning"
    )
    sock = tcp_listener(config.bind_socket())
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C stops the workers: a clean exit
        Multiprocess(config, sockets=[sock]).run()
