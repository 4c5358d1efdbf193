"""feeds/server.py — the loopback server of the `vigil db update` tests
(db_update.sh, db_nvd.sh, db_safety.sh, db_age.sh).

    server.py ROOT PORTFILE LOGFILE [--stall FILE] [--nvd DIR] [--nvd-page N]
                   [--tls CERT KEY] [--redirect PREFIX TARGET]...

ROOT is served as a static mirror: ETag and Last-Modified from the file,
304 answers to a matching If-None-Match (or, without one, If-Modified-Since).
The path named in the --stall FILE gets half its body, then nothing until
that file is removed.  --nvd DIR answers /nvd/rest/json/cves/2.0 as the NVD
CVE API 2.0 does, from every NVD document and "cve" record file below DIR
(read again at each request; a CVE found twice is its copy with the newest
lastModified): startIndex/resultsPerPage paging (at most --nvd-page results
per page, default 150), lastModStartDate/lastModEndDate filtering.  --tls
serves https.  --redirect answers 302 to TARGET + the rest of the path for
every path that starts with PREFIX.  Each request is logged as a line
path, If-None-Match, If-Modified-Since, status, query, apiKey (tabs; "-"
when absent).  The port is written to PORTFILE once listening.
"""
import datetime
import email.utils
import http.server
import json
import os
import ssl
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nvd_ref import newest_copies, when  # noqa: E402


def parse_args(argv):
    opts = {"root": argv[0], "portfile": argv[1], "log": argv[2], "stall": None, "nvd": None,
            "nvd_page": 150, "tls": None, "redirects": []}
    rest = argv[3:]
    while rest:
        flag = rest.pop(0)
        if flag == "--stall":
            opts["stall"] = rest.pop(0)
        elif flag == "--nvd":
            opts["nvd"] = rest.pop(0)
        elif flag == "--nvd-page":
            opts["nvd_page"] = int(rest.pop(0))
        elif flag == "--tls":
            opts["tls"] = (rest.pop(0), rest.pop(0))
        elif flag == "--redirect":
            opts["redirects"].append((rest.pop(0), rest.pop(0)))
        else:
            sys.exit("server.py: unknown option " + flag)
    return opts


OPTS = parse_args(sys.argv[1:])


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log(self, path, status, query=""):
        with open(OPTS["log"], "a") as f:
            f.write("%s\t%s\t%s\t%d\t%s\t%s\n" % (
                path, self.headers.get("If-None-Match", "-"), self.headers.get("If-Modified-Since", "-"),
                status, query or "-", self.headers.get("apiKey", "-")))

    def answer(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        parts = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(parts.path)
        for prefix, target in OPTS["redirects"]:
            if path.startswith(prefix):
                self.log(path, 302, parts.query)
                return self.answer(302, headers=[("Location", target + path[len(prefix):])])
        if OPTS["nvd"] and path == "/nvd/rest/json/cves/2.0":
            return self.nvd(parts.query)
        fs = os.path.join(OPTS["root"], path.lstrip("/"))
        if ".." in path.split("/") or not os.path.isfile(fs):
            self.log(path, 404)
            return self.answer(404)
        st = os.stat(fs)
        etag = '"%x-%x"' % (st.st_mtime_ns, st.st_size)
        lm = email.utils.formatdate(st.st_mtime, usegmt=True)
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if (inm is not None and inm == etag) or (inm is None and ims == lm):
            self.log(path, 304)
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        body = open(fs, "rb").read()
        stall = OPTS["stall"] and os.path.exists(OPTS["stall"]) and open(OPTS["stall"]).read().strip() == path
        self.log(path, 200 if not stall else 999)
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", lm)
        self.end_headers()
        if stall:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            while os.path.exists(OPTS["stall"]):
                time.sleep(0.1)
            self.wfile.write(body[len(body) // 2:])
            return
        self.wfile.write(body)

    def nvd(self, query):
        q = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        records = newest_copies(OPTS["nvd"])
        if "lastModStartDate" in q or "lastModEndDate" in q:
            lo, hi = when(q["lastModStartDate"]), when(q["lastModEndDate"])
            if hi - lo > datetime.timedelta(days=120):
                self.log("/nvd/rest/json/cves/2.0", 404, query)
                return self.answer(404)
            records = [r for r in records if lo <= when(r["lastModified"]) <= hi]
        start = int(q.get("startIndex", "0"))
        per_page = min(int(q.get("resultsPerPage", "2000")), OPTS["nvd_page"])
        page = records[start:start + per_page]
        body = json.dumps({"resultsPerPage": len(page), "startIndex": start, "totalResults": len(records),
                           "format": "NVD_CVE", "version": "2.0",
                           "timestamp": datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
                           .isoformat(timespec="milliseconds"),
                           "vulnerabilities": [{"cve": r} for r in page]}).encode()
        self.log("/nvd/rest/json/cves/2.0", 200, query)
        self.answer(200, body, [("Content-Type", "application/json")])

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
if OPTS["tls"]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*OPTS["tls"])
    server.socket = context.wrap_socket(server.socket, server_side=True)
with open(OPTS["portfile"] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(OPTS["portfile"] + ".tmp", OPTS["portfile"])
server.serve_forever()
