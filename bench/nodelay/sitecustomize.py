"""Work around uvicorn's lost TCP_NODELAY under --workers N, for `bench/run.py --tcp-nodelay`.

With more than one worker, uvicorn binds the listening socket itself with ``proto`` 0; accepted
connections inherit it and asyncio then skips TCP_NODELAY (it checks ``proto == IPPROTO_TCP``),
so each keep-alive response written as headers + body waits ~40 ms for the client's delayed ACK
(upstream: Kludex/uvicorn issue 3149). bench/run.py puts this folder on PYTHONPATH of both
servers, so Python imports this module at start-up in every process, and asyncio sets
TCP_NODELAY on every TCP connection whatever its ``proto``. It changes nothing else.
"""

import socket
from asyncio import base_events


def _set_nodelay(sock: socket.socket) -> None:
    if sock.family in {socket.AF_INET, socket.AF_INET6} and sock.type == socket.SOCK_STREAM:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


base_events._set_nodelay = _set_nodelay  # type: ignore[attr-defined]
