"""Several Rasa servers and action servers behind nginx, on one PostgreSQL and one Redis.

``python -m tools.stack up --instances 2 --action-servers 2 --port 8080`` (see README,
"Production") starts, on this machine:

* ``--action-servers`` rasa_sdk action servers, ports ``port+60``, ``port+61``, ...;
* ``--instances`` Rasa servers (``bot.ops.rasa_main run``: ``rasa run`` with the action
  fallback), ports ``port+10``, ``port+11``, ..., all with the same ``endpoints.yml``: the
  PostgreSQL tracker store, the Redis lock store, the RabbitMQ broker, and the actions at
  nginx's internal port ``port+1``;
* Debian's nginx (``deploy/nginx.conf``) on ``port``: socket.io sticky by client address
  with websocket upgrade, everything else to any instance.

The same layout on several machines is the same processes with the addresses filled in by
hand; this module is also what the fault tests and the soak test drive.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from bot.runner import (
    PROJECT_ROOT,
    actions_server_command,
    child_env,
    rasa_server_command,
    write_endpoints,
)
from bot.settings import Settings, load_settings

NGINX_TEMPLATE = PROJECT_ROOT / "deploy" / "nginx.conf"
NGINX_BINARIES = ("/usr/sbin/nginx", "nginx")
START_TIMEOUT = 240.0


class StackError(RuntimeError):
    """A part of the stack did not start (its log file says why)."""


@dataclass(frozen=True)
class Layout:
    """Which ports everything listens on, derived from the public port."""

    port: int
    instances: int = 2
    action_servers: int = 2
    host: str = "127.0.0.1"

    @property
    def actions_proxy_port(self) -> int:
        return self.port + 1

    @property
    def rasa_ports(self) -> list[int]:
        return [self.port + 10 + index for index in range(self.instances)]

    @property
    def action_ports(self) -> list[int]:
        return [self.port + 60 + index for index in range(self.action_servers)]

    @property
    def public_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def rasa_url(self, index: int) -> str:
        return f"http://{self.host}:{self.rasa_ports[index]}"


def render_nginx_conf(layout: Layout, work_dir: Path, template: Path = NGINX_TEMPLATE) -> str:
    """``deploy/nginx.conf`` with this layout's addresses filled in."""

    def servers(ports: list[int]) -> str:
        return "\n        ".join(
            f"server {layout.host}:{port} max_fails=1 fail_timeout=3s;" for port in ports
        )

    text = template.read_text(encoding="utf-8")
    for field, value in {
        "work_dir": str(work_dir),
        "listen": f"{layout.host}:{layout.port}",
        "actions_listen": f"{layout.host}:{layout.actions_proxy_port}",
        "rasa_servers": servers(layout.rasa_ports),
        "action_servers": servers(layout.action_ports),
    }.items():
        text = text.replace("{{" + field + "}}", value)
    return text


def nginx_binary() -> str:
    for candidate in NGINX_BINARIES:
        found = shutil.which(candidate)
        if found:
            return found
    raise StackError("nginx is not installed (Debian: apt-get install nginx-light)")


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except (urllib.error.URLError, OSError):
        return False


class ProductionStack:
    """The processes of one multi-instance production set-up, started and stopped together."""

    def __init__(
        self, layout: Layout, model: Path, work_dir: Path, env: dict[str, str] | None = None
    ) -> None:
        self.layout = layout
        self.model = model
        self.work_dir = work_dir
        base = child_env()
        base.update(env or {})
        base["BOT_HOST"] = layout.host
        # The client's address comes from nginx (rate limits, logs).
        base.setdefault("SANIC_REAL_IP_HEADER", "x-real-ip")
        base.setdefault("SANIC_PROXIES_COUNT", "1")
        # This layout has its own action servers behind nginx: ask for them explicitly (the
        # default runs the actions in the Rasa process).
        base.setdefault("BOT_ACTIONS", "server")
        base["BOT_ACTION_ENDPOINT_URL"] = (
            f"http://{layout.host}:{layout.actions_proxy_port}/webhook"
        )
        base.setdefault("BOT_ACTIONS_HOST", layout.host)
        #: Parsed now, so that an unsafe production configuration refuses to start at all.
        self.settings: Settings = load_settings(base)
        if self.settings.actions_token:
            # Rasa reads it from its environment (endpoints.yml names the variable only).
            base["BOT_ACTIONS_TOKEN"] = self.settings.actions_token
        self.env = base
        self.rasa: list[subprocess.Popen[bytes] | None] = [None] * layout.instances
        self.actions: list[subprocess.Popen[bytes] | None] = [None] * layout.action_servers
        self.nginx: subprocess.Popen[bytes] | None = None
        self._logs: list[IO[bytes]] = []

    # -- paths --

    @property
    def endpoints_file(self) -> Path:
        return self.work_dir / "endpoints.yml"

    def log_file(self, name: str) -> Path:
        return self.work_dir / "logs" / f"{name}.log"

    def _log(self, name: str) -> IO[bytes]:
        path = self.log_file(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("ab")
        self._logs.append(handle)
        return handle

    # -- processes --

    def _spawn(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = self._log(name)
        return subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )

    def start_actions(self, index: int) -> None:
        port = self.layout.action_ports[index]
        command = actions_server_command(port)
        self.actions[index] = self._spawn(f"actions-{index}", command, self.env)

    def start_rasa(self, index: int) -> None:
        env = dict(self.env, BOT_RASA_PORT=str(self.layout.rasa_ports[index]))
        settings = load_settings(env)
        command = rasa_server_command(settings, self.model, self.endpoints_file)
        self.rasa[index] = self._spawn(f"rasa-{index}", command, env)

    def start_nginx(self) -> None:
        (self.work_dir / "tmp").mkdir(parents=True, exist_ok=True)
        conf = self.work_dir / "nginx.conf"
        conf.write_text(render_nginx_conf(self.layout, self.work_dir), encoding="utf-8")
        command = [
            nginx_binary(), "-p", str(self.work_dir), "-c", str(conf),
            "-e", str(self.work_dir / "nginx-error.log"), "-g", "daemon off;",
        ]
        self.nginx = self._spawn("nginx", command, self.env)

    def wait_rasa(self, index: int, timeout: float = START_TIMEOUT) -> None:
        self._wait(f"{self.layout.rasa_url(index)}/", self.rasa[index], f"rasa-{index}", timeout)

    def wait_actions(self, index: int, timeout: float = START_TIMEOUT) -> None:
        port = self.layout.action_ports[index]
        url = f"http://{self.layout.host}:{port}/health"
        self._wait(url, self.actions[index], f"actions-{index}", timeout)

    def _wait(
        self, url: str, process: subprocess.Popen[bytes] | None, name: str, timeout: float
    ) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process is None or process.poll() is not None:
                raise StackError(f"{name} exited; see {self.log_file(name)}")
            if _up(url):
                return
            time.sleep(0.5)
        raise StackError(f"{name} did not answer {url} within {timeout:.0f} s")

    def start(self) -> ProductionStack:
        """Migrate, then start the action servers, the Rasa servers and nginx."""
        from bot.store import migrate

        self.work_dir.mkdir(parents=True, exist_ok=True)
        migrate(self.settings.database_url)
        write_endpoints(self.settings, self.endpoints_file)
        try:
            for index in range(self.layout.action_servers):
                self.start_actions(index)
            for index in range(self.layout.instances):
                self.start_rasa(index)
            self.start_nginx()
            for index in range(self.layout.action_servers):
                self.wait_actions(index)
            for index in range(self.layout.instances):
                self.wait_rasa(index)
            self._wait(f"{self.layout.public_url}/", self.nginx, "nginx", 30)
        except BaseException:
            self.stop()
            raise
        return self

    @staticmethod
    def _end(process: subprocess.Popen[bytes] | None, sig: int = signal.SIGTERM) -> None:
        if process is None or process.poll() is not None:
            return
        process.send_signal(sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stop_rasa(self, index: int, kill: bool = False) -> None:
        self._end(self.rasa[index], signal.SIGKILL if kill else signal.SIGTERM)

    def stop_actions(self, index: int, kill: bool = False) -> None:
        self._end(self.actions[index], signal.SIGKILL if kill else signal.SIGTERM)

    def restart_rasa(self, index: int, kill: bool = False) -> None:
        self.stop_rasa(index, kill)
        self.start_rasa(index)
        self.wait_rasa(index)

    def restart_actions(self, index: int, kill: bool = True) -> None:
        self.stop_actions(index, kill)
        self.start_actions(index)
        self.wait_actions(index)

    def stop(self) -> None:
        self._end(self.nginx, signal.SIGQUIT)
        for process in [*self.rasa, *self.actions]:
            if process is not None and process.poll() is None:
                process.terminate()
        for process in [*self.rasa, *self.actions]:
            self._end(process)
        for handle in self._logs:
            handle.close()
        self._logs.clear()

    def __enter__(self) -> ProductionStack:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def alive(self) -> bool:
        return all(
            process is not None and process.poll() is None
            for process in [*self.rasa, *self.actions, self.nginx]
        )

