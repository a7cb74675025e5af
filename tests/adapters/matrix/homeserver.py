"""A real Synapse (from PyPI) on 127.0.0.1 for the Matrix tests.

SQLite, no federation, no key servers, relaxed rate limits, bcrypt_rounds 4.
Users are registered with the shared-secret admin API.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import yaml

SECRET = "stodbot-test-shared-secret"
SKIP_REASON = (
    None
    if importlib.util.find_spec("synapse") is not None
    else "matrix-synapse is not installed (pip install -e '.[dev]' installs it)"
)

_RELAXED = {"per_second": 10000, "burst_count": 100000}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Homeserver:
    def __init__(self, root: Path, rate_limited: bool = False) -> None:
        self.root = root
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server_name = "localhost"
        self.rate_limited = rate_limited
        self._proc: subprocess.Popen[bytes] | None = None
        self._shm_db: Path | None = None

    def _config(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / "homeserver.yaml"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "synapse.app.homeserver",
                "--generate-config",
                "--server-name",
                self.server_name,
                "--config-path",
                str(path),
                "--data-directory",
                str(self.root),
                "--report-stats=no",
            ],
            check=True,
            capture_output=True,
            cwd=self.root,
        )
        cfg: dict[str, Any] = yaml.safe_load(path.read_text())
        cfg.update(
            {
                "listeners": [
                    {
                        "port": self.port,
                        "bind_addresses": ["127.0.0.1"],
                        "type": "http",
                        "tls": False,
                        "x_forwarded": False,
                        "resources": [{"names": ["client"], "compress": False}],
                    }
                ],
                "database": {"name": "sqlite3", "args": {"database": str(self._db_path())}},
                "federation_domain_whitelist": [],
                "trusted_key_servers": [],
                "suppress_key_server_warning": True,
                "report_stats": False,
                "enable_registration": False,
                "registration_shared_secret": SECRET,
                "bcrypt_rounds": 4,
                "media_store_path": str(self.root / "media"),
                "presence": {"enabled": False},
                "url_preview_enabled": False,
                "log_config": str(self._log_config()),
            }
        )
        for key in (
            "rc_message",
            "rc_registration",
            "rc_joins",
            "rc_invites",
            "rc_3pid_validation",
            "rc_admin_redaction",
            "rc_room_creation",
            "rc_key_requests",
        ):
            cfg[key] = (
                dict(_RELAXED) if key != "rc_joins" else {"local": _RELAXED, "remote": _RELAXED}
            )
        cfg["rc_invites"] = {"per_room": _RELAXED, "per_user": _RELAXED, "per_issuer": _RELAXED}
        cfg["rc_login"] = {"address": _RELAXED, "account": _RELAXED, "failed_attempts": _RELAXED}
        if self.rate_limited:  # the message limit back on, to exercise 429
            cfg["rc_message"] = {"per_second": 0.5, "burst_count": 2}
        path.write_text(yaml.safe_dump(cfg))
        return path

    def _db_path(self) -> Path:
        """The homeserver's SQLite file on tmpfs where there is one: a test server needs
        no durability, and fsync on every event dominates its latency otherwise."""
        shm = Path("/dev/shm")
        if shm.is_dir() and os.access(shm, os.W_OK):
            self._shm_db = shm / f"stodbot-synapse-{self.port}-{os.getpid()}.db"
            return self._shm_db
        return self.root / "homeserver.db"

    def _log_config(self) -> Path:
        path = self.root / "log.yaml"
        path.write_text(
            yaml.safe_dump(
                {
                    "version": 1,
                    "formatters": {
                        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
                    },
                    "handlers": {
                        "file": {
                            "class": "logging.FileHandler",
                            "formatter": "plain",
                            "filename": str(self.root / "homeserver.log"),
                        }
                    },
                    "root": {"level": "WARNING", "handlers": ["file"]},
                    "disable_existing_loggers": False,
                }
            )
        )
        return path

    def start(self, timeout: float = 60) -> None:
        config = self._config()
        env = {**os.environ, "SYNAPSE_ASYNC_IO_REACTOR": "0"}
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "synapse.app.homeserver", "-c", str(config)],
            cwd=self.root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.root / "stderr.log", "wb"),  # noqa: SIM115
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(
                    "Synapse exited: " + (self.root / "stderr.log").read_text()[-2000:]
                )
            try:
                with urllib.request.urlopen(f"{self.url}/_matrix/client/versions", timeout=1):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise RuntimeError("Synapse did not answer in time")

    def stop(self) -> None:
        if self._proc is None:
            return
        self._proc.terminate()
        try:
            self._proc.wait(10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(5)
        self._proc = None
        if self._shm_db is not None:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self._shm_db}{suffix}").unlink(missing_ok=True)

    def register(
        self, username: str, password: str = "secret-pw", admin: bool = False
    ) -> tuple[str, str]:
        """Register a user with the shared-secret API; return (user id, access token)."""
        endpoint = f"{self.url}/_synapse/admin/v1/register"
        with urllib.request.urlopen(endpoint, timeout=10) as resp:
            nonce = json.load(resp)["nonce"]
        mac = hmac.new(SECRET.encode(), digestmod=hashlib.sha1)
        mac.update(
            b"\x00".join(
                p.encode() for p in (nonce, username, password, "admin" if admin else "notadmin")
            )
        )
        body = json.dumps(
            {
                "nonce": nonce,
                "username": username,
                "password": password,
                "admin": admin,
                "mac": mac.hexdigest(),
            }
        ).encode()
        req = urllib.request.Request(endpoint, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            data = json.load(resp)
        return data["user_id"], data["access_token"]
