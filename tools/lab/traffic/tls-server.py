#!/usr/bin/python3
# The lab's HTTPS server, a hard negative for the BitTorrent tests: TLS looks random after its
# handshake, as MSE/PE does. `tls-server.py --address A --port P --dir D --cert C --key K` serves
# the files of D over HTTPS (python's ssl, TLS 1.2/1.3) and prints {"event":"ready","port":P}.
import argparse
import functools
import http.server
import json
import signal
import ssl
import sys

p = argparse.ArgumentParser()
p.add_argument('--address', required=True)
p.add_argument('--port', type=int, required=True)
p.add_argument('--dir', required=True)
p.add_argument('--cert', required=True)
p.add_argument('--key', required=True)
a = p.parse_args()


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


handler = functools.partial(Quiet, directory=a.dir)
server = http.server.ThreadingHTTPServer((a.address, a.port), handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(a.cert, a.key)
server.socket = ctx.wrap_socket(server.socket, server_side=True)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
sys.stdout.write(json.dumps({'event': 'ready', 'port': a.port}) + '\n')
sys.stdout.flush()
server.serve_forever()
