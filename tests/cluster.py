"""Running MetSkin as real processes on loopback, for the scale-out test and the benchmarks."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

METSKIN = [sys.executable, "-m", "metskin"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Cluster:
    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env = env
        self.logs = logs
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen([*METSKIN, *args], env=self.env, stdout=log, stderr=log)
        self.processes[name] = process
        return process

    def start_api(self, name: str) -> str:
        port = free_port()
        self.start(name, "serve", "--port", str(port))
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    return base
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"{name} did not start: {(self.logs / f'{name}.log').read_text()}")

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def graphql(base: str, query: str, token: str | None = None, **variables: object) -> dict:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    body = httpx.post(f"{base}/graphql", json={"query": query, "variables": variables},
                      headers=headers, timeout=30).json()
    assert "errors" not in body, body
    return body["data"]


def upload(base: str, token: str, data: bytes) -> str:
    operations = {"query": "mutation($f: Upload!) { uploadMedia(file: $f) { id } }",
                  "variables": {"f": None}}
    body = httpx.post(
        f"{base}/graphql", headers={"authorization": f"Bearer {token}"}, timeout=60,
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.f"]})},
        files={"0": ("clip.mp4", data, "video/mp4")},
    ).json()
    assert "errors" not in body, body
    return str(body["data"]["uploadMedia"]["id"])
