#!/usr/bin/env python3
"""webhook_server.py — a loopback webhook receiver for tests/e2e/notify_webhook.sh,
monitor.sh and worker_notify.sh.

    webhook_server.py DIR SECRET_FILE...

Listens on 127.0.0.1 (a free port; and a second one with TLS when
DIR/cert.pem and DIR/key.pem exist), writes DIR/ports.json once ready
({"http": P, "https": P or null, "refused": P}, where "refused" is a port
bound but not listening, so a connection there is refused), and records
every request as one line of DIR/log.ndjson with its body in DIR/body.N.

Each delivery is verified here, independently of vigil, with Python's hmac:
for every secret file given (the key is its bytes, or the base64 after
"whsec_" as Standard Webhooks serialises secrets), "github" is the index of
the secret whose HMAC-SHA256 of the body matches X-Vigil-Signature-256
("sha256=<hex>", GitHub's form), "standard" the index of the one whose
HMAC-SHA256 of "id.timestamp.body" matches a "v1,<base64>" entry of
webhook-signature (Standard Webhooks 1.0.0); null when none matches.
"t" is the arrival time on this server's monotonic clock.

What each path answers (a per-path count of requests decides "first"):
    /ok, /ok/ANYTHING   200
    /flaky/N            500 to the first N requests, then 200
    /status/CODE        CODE, always
    /once/CODE          CODE to the first request, then 200
    /redirect           302 to /ok/redirected on this server
    /retry-after/VALUE  503 with "Retry-After: VALUE" (URL-decoded) first,
                        then 200; VALUE "date+N" is the HTTP-date N s ahead
    /hang               reads the request and never answers
    /hold/NAME          waits until DIR/NAME.go exists, answers 200, then
                        creates DIR/NAME.answered (a test acts between the
                        request's arrival and its answer)

Stops when DIR/stop appears, or after 120 s whatever happens.
"""
import base64
import email.utils
import hashlib
import hmac
import json
import os
import socket
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LIFETIME = 120
DIR = sys.argv[1]
KEYS = []
for path in sys.argv[2:]:
    raw = open(path, "rb").read()
    KEYS.append(base64.b64decode(raw[6:], validate=True) if raw.startswith(b"whsec_") else raw)

lock = threading.Lock()
counts = {}
seq = [0]
stopping = threading.Event()


def github_match(body, header):
    for i, key in enumerate(KEYS):
        want = "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()
        if header is not None and hmac.compare_digest(want, header):
            return i
    return None


def standard_match(body, msg_id, timestamp, header):
    if header is None or msg_id is None or timestamp is None:
        return None
    signed = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    for i, key in enumerate(KEYS):
        want = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        for entry in header.split(" "):
            version, _, sig = entry.partition(",")
            if version == "v1" and hmac.compare_digest(want, sig):
                return i
    return None


class Handler(BaseHTTPRequestHandler):
    server_version = "webhook-test"

    def log_message(self, *args):
        pass

    def answer(self, code, headers=()):
        self.send_response(code)
        for name, value in headers:
            self.send_header(name, value)
        text = b"answer %d from the test receiver" % code
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def do_POST(self):
        arrived = time.monotonic()
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        h = {k.lower(): v for k, v in self.headers.items()}
        with lock:
            n = seq[0]
            seq[0] += 1
            counts[self.path] = counts.get(self.path, 0) + 1
            nth = counts[self.path]
            with open(os.path.join(DIR, "body.%d" % n), "wb") as f:
                f.write(body)
            record = {
                "n": n, "path": self.path, "method": self.command, "t": arrived,
                "scheme": "https" if isinstance(self.connection, ssl.SSLSocket) else "http",
                "headers": h, "length": len(body),
                "github": github_match(body, h.get("x-vigil-signature-256")),
                "standard": standard_match(body, h.get("webhook-id"), h.get("webhook-timestamp"),
                                           h.get("webhook-signature")),
            }
            with open(os.path.join(DIR, "log.ndjson"), "a") as f:
                f.write(json.dumps(record, sort_keys=True) + "\n")
        parts = self.path.strip("/").split("/", 1)
        kind, arg = parts[0], parts[1] if len(parts) > 1 else ""
        if kind == "ok":
            self.answer(200)
        elif kind == "flaky":
            self.answer(500 if nth <= int(arg) else 200)
        elif kind == "status":
            self.answer(int(arg))
        elif kind == "once":
            self.answer(int(arg) if nth == 1 else 200)
        elif kind == "redirect":
            self.answer(302, [("Location", "http://127.0.0.1:%d/ok/redirected" % self.server.server_port)])
        elif kind == "retry-after":
            value = urllib.parse.unquote(arg)
            if value.startswith("date+"):
                value = email.utils.formatdate(time.time() + int(value[5:]), usegmt=True)
            self.answer(503 if nth == 1 else 200, [("Retry-After", value)] if nth == 1 else [])
        elif kind == "hang":
            stopping.wait(LIFETIME)
        elif kind == "hold":
            while not os.path.exists(os.path.join(DIR, arg + ".go")) and not stopping.wait(0.05):
                pass
            self.answer(200)
            open(os.path.join(DIR, arg + ".answered"), "w").close()
        else:
            self.answer(400)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that rejects the certificate, or gives up on /hang


def serve(httpd):
    threading.Thread(target=httpd.serve_forever, daemon=True).start()


http = Server(("127.0.0.1", 0), Handler)
serve(http)
https_port = None
cert, key = os.path.join(DIR, "cert.pem"), os.path.join(DIR, "key.pem")
if os.path.exists(cert) and os.path.exists(key):
    tls = Server(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    tls.socket = context.wrap_socket(tls.socket, server_side=True)
    serve(tls)
    https_port = tls.server_port
refused = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
refused.bind(("127.0.0.1", 0))
ports = {"http": http.server_port, "https": https_port, "refused": refused.getsockname()[1]}
with open(os.path.join(DIR, "ports.json.tmp"), "w") as f:
    json.dump(ports, f)
os.rename(os.path.join(DIR, "ports.json.tmp"), os.path.join(DIR, "ports.json"))

deadline = time.monotonic() + LIFETIME
while not os.path.exists(os.path.join(DIR, "stop")) and time.monotonic() < deadline:
    time.sleep(0.05)
stopping.set()
