"""The nginx configuration the stack writes is valid for Debian's nginx and routes as meant."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tools.stack.cluster import Layout, nginx_binary, render_nginx_conf


def test_layout_ports_do_not_overlap() -> None:
    layout = Layout(6100, instances=3, action_servers=2)
    ports = [layout.port, layout.actions_proxy_port, *layout.rasa_ports, *layout.action_ports]
    assert len(set(ports)) == len(ports)
    assert layout.rasa_ports == [6110, 6111, 6112]
    assert layout.action_ports == [6160, 6161]


def test_rendered_nginx_conf(tmp_path: Path) -> None:
    text = render_nginx_conf(Layout(6120, instances=2, action_servers=2), tmp_path)
    assert "{{" not in text
    sticky = text.split("upstream rasa_sticky")[1].split("}")[0]
    assert "ip_hash;" in sticky
    assert "server 127.0.0.1:6130" in sticky and "server 127.0.0.1:6131" in sticky
    actions = text.split("upstream action_servers")[1].split("}")[0]
    assert "server 127.0.0.1:6180" in actions and "server 127.0.0.1:6181" in actions
    socket_location = text.split("location /socket.io/")[1].split("}")[0]
    assert "proxy_set_header Upgrade $http_upgrade;" in socket_location
    assert "proxy_set_header Connection $connection_upgrade;" in socket_location
    try:
        binary = nginx_binary()
    except RuntimeError:
        pytest.skip("Debian's nginx is not installed (.ci/run installs it)")
    conf = tmp_path / "nginx.conf"
    conf.write_text(text, encoding="utf-8")
    (tmp_path / "tmp").mkdir()
    result = subprocess.run(
        [binary, "-t", "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "e.log")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
