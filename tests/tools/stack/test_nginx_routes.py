"""Debian's nginx with the production template routes only what the public needs, and keeps
``?token=`` out of its access log (issue 13, finding 8). The upstreams are small real HTTP
servers that answer with the path they were asked for."""

from __future__ import annotations

import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tools.stack.cluster import Layout, StackError, nginx_binary, render_nginx_conf

PORT = 6520
LAYOUT = Layout(PORT, instances=1, action_servers=1)


class Echo(BaseHTTPRequestHandler):
    """Answers every request with ``upstream <path>``."""

    def _answer(self) -> None:
        body = f"upstream {self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, *_: object) -> None:
        return


@pytest.fixture(scope="module")
def nginx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """nginx on :data:`PORT` in front of an echo server on the Rasa port; yields its work dir."""
    try:
        binary = nginx_binary()
    except StackError:
        pytest.skip("Debian's nginx is not installed (.ci/run installs it)")
    work = tmp_path_factory.mktemp("nginx")
    (work / "tmp").mkdir()
    upstream = ThreadingHTTPServer(("127.0.0.1", LAYOUT.rasa_ports[0]), Echo)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    conf = work / "nginx.conf"
    conf.write_text(render_nginx_conf(LAYOUT, work), encoding="utf-8")
    process = subprocess.Popen(
        [binary, "-p", str(work), "-c", str(conf), "-e", str(work / "nginx-error.log"),
         "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while get("/")[0] != 200:
            assert process.poll() is None, (work / "nginx-error.log").read_text()
            assert time.monotonic() < deadline, "nginx did not come up"
            time.sleep(0.2)
        yield work
    finally:
        process.terminate()
        process.wait(timeout=20)
        upstream.shutdown()
        upstream.server_close()


def get(path: str, method: str = "GET") -> tuple[int, str]:
    request = urllib.request.Request(f"{LAYOUT.public_url}{path}", method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except (urllib.error.URLError, OSError):
        return 0, ""


@pytest.mark.parametrize(
    "path",
    [
        "/webhooks/rest/webhook",
        "/socket.io/?EIO=4&transport=polling",
        "/widget/widget.js",
        "/widget/demo",
        "/console",
        "/console/login",
        "/console/static/console.js",
        "/api/me",
        "/api/complaints/C-ABC234/claim",
        "/studio",
        "/studio/api/intents",
    ],
)
def test_what_the_public_needs_is_routed(nginx: Path, path: str) -> None:
    method = "POST" if "webhook" in path or "claim" in path else "GET"
    assert get(path, method) == (200, f"upstream {path}")


@pytest.mark.parametrize(
    "path",
    [
        "/model",
        "/model/parse",
        "/conversations/victim/tracker?token=secret",
        "/conversations/victim/trigger_intent",
        "/status",
        "/version",
        "/domain",
        "/webhooks/rest/",
        "/webhooks/socketio/",
        "/consolex",
        "/studiox/api",
        "/api",
    ],
)
def test_rasas_http_api_is_not_reachable(nginx: Path, path: str) -> None:
    status, body = get(path, "POST" if path.startswith("/model") else "GET")
    assert status == 404
    assert "upstream" not in body


def test_tokens_in_query_strings_stay_out_of_the_access_log(nginx: Path) -> None:
    assert get("/api/me?token=s3cr3t-query-token")[0] == 200
    assert get("/conversations/x/tracker?token=s3cr3t-query-token")[0] == 404
    log = nginx / "nginx-access.log"
    deadline = time.monotonic() + 5
    while "/api/me" not in (log.read_text() if log.exists() else ""):
        assert time.monotonic() < deadline, "nothing logged"
        time.sleep(0.1)
    text = log.read_text()
    assert '"GET /api/me HTTP/1.1" 200' in text
    assert "s3cr3t-query-token" not in text
    assert "token=" not in text
