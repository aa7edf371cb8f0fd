#!/usr/bin/env python3
"""A TCP relay that throttles client->server bytes, to keep uploads in flight on loopback.

Usage: slow-relay.py TARGET_HOST:PORT BYTES_PER_SEC PORT_FILE

Listens on 127.0.0.1:0, writes the chosen port to PORT_FILE once listening, and forwards
every connection to TARGET; bytes from the client are paced at BYTES_PER_SEC per connection
(0 = unthrottled), bytes back to the client are not. Runs until killed. Stdlib only.

Every 0.1 s it rewrites PORT_FILE.active with the number of open connections that have
relayed more than 64 KiB towards TARGET: with clients that use one connection per request
(containers/image does), that is the number of blob uploads whose body is half-way through.
"""

import asyncio
import os
import sys


BIG = 64 * 1024
active = {}  # connection id -> bytes relayed towards the target, while open


async def pipe(reader, writer, rate, conn=None):
    try:
        while True:
            data = await reader.read(8192 if rate else 65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
            if conn is not None:
                active[conn] = active.get(conn, 0) + len(data)
            if rate:
                await asyncio.sleep(len(data) / rate)
    except (ConnectionError, OSError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def main():
    host, _, port = sys.argv[1].rpartition(":")
    rate = int(sys.argv[2])
    port_file = sys.argv[3]

    async def handle(cr, cw):
        try:
            sr, sw = await asyncio.open_connection(host, int(port))
        except OSError:
            cw.close()
            return
        conn = object()
        active[conn] = 0
        try:
            await asyncio.gather(pipe(cr, sw, rate, conn), pipe(sr, cw, 0))
        finally:
            active.pop(conn, None)

    async def report():
        path = port_file + ".active"
        while True:
            with open(path + ".tmp", "w") as f:
                f.write("%d\n" % sum(1 for n in active.values() if n > BIG))
            os.replace(path + ".tmp", path)
            await asyncio.sleep(0.1)

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.sockets[0].getsockname()[1])
    os.replace(tmp, port_file)
    asyncio.ensure_future(report())
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
