"""deploy/nginx/tds.conf: `nginx -t` accepts it; a real nginx in front of `tds api` acts as documented."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.process_load import service_env
from tests.pgcluster import free_port

SITE = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "tds.conf"
NGINX = shutil.which("nginx") or next(iter(Path("/usr/sbin").glob("nginx")), None)
OPENSSL = shutil.which("openssl")
SELF_SIGNED = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"]
CLIENT_IP = "127.0.0.2"  # loopback, but not the proxy's own address: the app must see this one
OUTSIDER_IP = "127.0.0.3"  # not in the staff network of the live test
needs_nginx = pytest.mark.skipif(
    NGINX is None or OPENSSL is None,
    reason="nginx or openssl is not installed (apt-get install nginx openssl to run these checks)",
)

MAIN_CONF = """daemon off;
master_process off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/tds.conf;
}}
"""


def _site_for_test(tmp: Path, upstream: int, http: int, https: int, *, staff: str | None = None) -> str:
    """The shipped site with only host-specific values swapped: certificate, log paths, ports, and
    (with `staff`) the documented edit that limits /dashboard and /admin to one network."""
    text = SITE.read_text()
    swaps = {
        "/etc/letsencrypt/live/tds.example.com/fullchain.pem": f"{tmp}/cert.pem",
        "/etc/letsencrypt/live/tds.example.com/privkey.pem": f"{tmp}/key.pem",
        "/var/log/nginx/": f"{tmp}/",
        "127.0.0.1:8000": f"127.0.0.1:{upstream}",
        "listen [::]:443 ssl http2;": "",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https} ssl http2;",
        "listen 80;": f"listen 127.0.0.1:{http};",
    }
    if staff is not None:
        swaps["    default 1;"] = f"    default 0;\n    {staff} 1;"
    for old, new in swaps.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def _configure(tmp: Path, upstream: int, http: int, https: int, *, staff: str | None = None) -> Path:
    subprocess.run(
        [str(OPENSSL), *SELF_SIGNED, "-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    (tmp / "tds.conf").write_text(_site_for_test(tmp, upstream, http, https, staff=staff))
    main = tmp / "nginx.conf"
    main.write_text(MAIN_CONF.format(tmp=tmp))
    return main


def _location(prefix: str) -> list[str]:
    """The directives of the site's `location <prefix>` block, comments and blank lines left out."""
    found = re.search(rf"\n    location {re.escape(prefix)} {{\n(.*?)\n    }}\n", SITE.read_text(), re.S)
    assert found is not None, prefix
    lines = (line.split("#", 1)[0].strip() for line in found.group(1).splitlines())
    return [line for line in lines if line]


def test_earlier_webhook_urls_get_the_webhook_cap_and_rate_limit() -> None:
    """`/api/tds/webhooks/` (the earlier integration's URLs) has exactly the directives of `/webhooks/`."""
    webhooks = _location("/webhooks/")
    assert "client_max_body_size 1m;" in webhooks
    assert "limit_req zone=tds_webhooks burst=500 nodelay;" in webhooks
    assert _location("/api/tds/webhooks/") == webhooks


@needs_nginx
def test_nginx_accepts_the_site(tmp_path: Path) -> None:
    """`nginx -t` finds the site valid (TLS, limits, geo, locations) with only host values swapped."""
    main = _configure(tmp_path, 8000, free_port(), free_port())
    result = subprocess.run([str(NGINX), "-t", "-c", str(main)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


@pytest.fixture
def api(db_url: str) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    port = free_port()
    env = service_env(db_url, port, TDS_API__TRUSTED_PROXIES='["127.0.0.1"]')
    proc = subprocess.Popen([sys.executable, "-m", "tds", "api"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(lambda: httpx.get(f"http://127.0.0.1:{port}/ready", timeout=1).status_code == 200)
        yield port, proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=30)


@pytest.fixture
def nginx(tmp_path: Path, api: tuple[int, subprocess.Popen[str]]) -> Iterator[tuple[int, Path]]:
    https = free_port()
    main = _configure(tmp_path, api[0], free_port(), https, staff=f"{CLIENT_IP}/32")
    proc = subprocess.Popen([str(NGINX), "-c", str(main)], stderr=subprocess.PIPE)
    try:
        _wait_for(lambda: _client().get(f"https://127.0.0.1:{https}/health").status_code == 200)
        yield https, tmp_path
    finally:
        proc.kill()
        proc.wait(timeout=30)


def _client(address: str = CLIENT_IP) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address, verify=False), timeout=10)


def _wait_for(check: Callable[[], bool], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("did not come up in time")


@needs_nginx
@pytest.mark.slow
def test_nginx_caps_webhook_bodies_keeps_health_out_of_the_log_and_passes_the_client_ip(
    nginx: tuple[int, Path], api: tuple[int, subprocess.Popen[str]]
) -> None:
    """413 from nginx over the cap, on the native and the earlier webhook URLs; /health unlogged, other
    requests logged; the app sees the client IP on both kinds of webhook URL."""
    https, logs = nginx
    base = f"https://127.0.0.1:{https}"
    with _client() as client:
        for path in ("/webhooks/zoho/item", "/api/tds/webhooks/products"):
            too_big = client.post(f"{base}{path}", content=b"x" * (1024 * 1024 + 1))
            assert too_big.status_code == 413, path
            assert too_big.headers["server"].startswith("nginx")
        assert client.get(f"{base}/health").status_code == 200
        refused = client.post(f"{base}/webhooks/zoho/item", json={"item": {"item_id": "1"}})
        assert refused.status_code == 401  # no token: refused by the app, which logs the client
        wrong_key = client.post(
            f"{base}/api/tds/webhooks/orders",
            json={"entity_id": "1", "data": {}},
            headers={"X-Webhook-Key": "not-the-key"},
        )
        assert wrong_key.status_code == 401  # proxied to the app's one intake, which refuses it
        assert client.get(f"http://127.0.0.1:{https}/").status_code == 400  # plain HTTP on the TLS port
    access_log = (logs / "tds.access.log").read_text()
    assert "/webhooks/zoho/item" in access_log
    assert "/api/tds/webhooks/orders" in access_log
    assert "/health" not in access_log
    proc = api[1]
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert f"webhook for item from {CLIENT_IP} refused" in stderr
    assert f"webhook for salesorder from {CLIENT_IP} refused" in stderr


@needs_nginx
@pytest.mark.slow
def test_dashboard_and_admin_can_be_limited_to_a_staff_network(nginx: tuple[int, Path]) -> None:
    """With the geo default set to 0, only the listed network reaches /admin and /dashboard."""
    base = f"https://127.0.0.1:{nginx[0]}"
    with _client(OUTSIDER_IP) as outsider, _client() as staff:
        assert outsider.get(f"{base}/admin/queue/stats").status_code == 403
        assert outsider.get(f"{base}/dashboard").status_code == 403
        assert outsider.get(f"{base}/health").status_code == 200
        assert staff.get(f"{base}/admin/queue/stats").status_code == 401  # reaches the app: no API key
