"""Production mode: hardened settings pass Django's deploy checks and gunicorn serves the app."""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "CELERY_BROKER_URL"}}
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,tempo.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_SETTINGS_MODULE="erp.settings",
        **extra,
    )
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    result = _manage(_production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = _production_env(tmp_path)
    del env["SECRET_KEY"]
    result = _manage(env, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        return opener.open(request, timeout=5)
    except urllib.error.HTTPError as error:
        return error


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def gunicorn_server(tmp_path):
    env = _production_env(tmp_path, USE_X_FORWARDED_PROTO="1")
    for args in (("migrate", "--noinput"), ("collectstatic", "--noinput")):
        result = _manage(env, *args)
        assert result.returncode == 0, result.stderr
    port = _free_port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "erp.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if _get(f"{base}/healthz").status == 200:
                    break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not answer /healthz within 30 s")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_gunicorn_serves_the_app_with_static_files_and_security_headers(gunicorn_server):
    health = _get(f"{gunicorn_server}/healthz")
    assert health.status == 200
    assert b'"database": "ok"' in health.read()

    plain = _get(f"{gunicorn_server}/login/")
    assert plain.status == 301 and plain.headers["Location"].startswith("https://")

    https = {"X-Forwarded-Proto": "https"}
    login = _get(f"{gunicorn_server}/login/", https)
    assert login.status == 200
    assert login.headers["X-Frame-Options"] == "DENY"
    assert login.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in login.headers["Strict-Transport-Security"]
    html = login.read().decode()
    css_url = html.split('rel="stylesheet" href="')[1].split('"')[0]
    assert css_url.startswith("/static/erp/tempo.") and css_url != "/static/erp/tempo.css"  # hashed name
    assert _get(f"{gunicorn_server}{css_url}", https).status == 200


@pytest.mark.parametrize(
    ("url", "expected"),
    [("postgres://postgres@127.0.0.1:5432/tempo", "True"), ("sqlite:///prod.sqlite3", "None")],
)
def test_server_side_binding_is_set_only_for_postgresql(tmp_path, url, expected):
    env = _production_env(tmp_path, DATABASE_SERVER_SIDE_BINDING="1")
    env["DATABASE_URL"] = url
    options = "settings.DATABASES['default'].get('OPTIONS', {})"
    code = f"from django.conf import settings; print({options}.get('server_side_binding'))"
    result = _manage(env, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected  # shell may print its auto-imports first
