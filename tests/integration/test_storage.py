"""Encrypted storage: local files and S3 over real HTTP (moto server on loopback)."""

from __future__ import annotations

import base64
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from metskin.adapters.storage.crypto import DecryptionFailed, KeyRing
from metskin.adapters.storage.local import LocalEncryptedStorage
from metskin.adapters.storage.s3 import S3Storage
from metskin.domain.analysis.ports import MediaStorage, ObjectMissing

SECRET = b"face photo bytes " * 64


def ring(*ids: str, active: str | None = None) -> KeyRing:
    keys = {key_id: base64.b64encode(os.urandom(32)).decode() for key_id in ids}
    return KeyRing.from_settings(keys, active or ids[-1], "unused")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def s3_client(endpoint: str) -> Any:
    """A plain boto3 client on the test server (to look behind the storage)."""
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def make_s3(endpoint: str, keys: KeyRing, bucket: str = "metskin-test") -> S3Storage:
    client = s3_client(endpoint)
    existing = [b["Name"] for b in client.list_buckets().get("Buckets", [])]
    if bucket not in existing:
        client.create_bucket(Bucket=bucket)
    return S3Storage(
        bucket,
        keys,
        prefix="env1",
        endpoint_url=endpoint,
        access_key_id="test",
        secret_access_key="test",
    )


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> MediaStorage:
    keys = ring("k1")
    if request.param == "local":
        return LocalEncryptedStorage(tmp_path, keys)
    return make_s3(request.getfixturevalue("s3_endpoint"), keys)


def test_round_trip_and_delete(storage: MediaStorage) -> None:
    key_id = storage.put("uploads/ab/x/original.jpg", SECRET, "image/jpeg")
    assert key_id == "k1"
    assert storage.exists("uploads/ab/x/original.jpg")
    assert storage.get("uploads/ab/x/original.jpg") == SECRET
    storage.delete("uploads/ab/x/original.jpg")
    assert not storage.exists("uploads/ab/x/original.jpg")
    with pytest.raises(ObjectMissing):
        storage.get("uploads/ab/x/original.jpg")


@pytest.mark.parametrize("name", ["../etc/passwd", "/abs/path", "a/../../b", ""])
def test_unsafe_names_are_refused(storage: MediaStorage, name: str) -> None:
    with pytest.raises(ValueError):
        storage.put(name, b"x", "image/jpeg")


def test_local_files_are_ciphertext_and_tampering_is_detected(tmp_path: Path) -> None:
    storage = LocalEncryptedStorage(tmp_path, ring("k1"))
    storage.put("a/photo.jpg", SECRET, "image/jpeg")
    on_disk = (tmp_path / "a/photo.jpg").read_bytes()
    assert b"face photo" not in on_disk and on_disk.startswith(b"MSK1")
    tampered = bytearray(on_disk)
    tampered[-1] ^= 1
    (tmp_path / "a/photo.jpg").write_bytes(bytes(tampered))
    with pytest.raises(DecryptionFailed):
        storage.get("a/photo.jpg")


def test_a_blob_moved_under_another_name_does_not_decrypt(tmp_path: Path) -> None:
    storage = LocalEncryptedStorage(tmp_path, ring("k1"))
    storage.put("a/one.jpg", SECRET, "image/jpeg")
    (tmp_path / "a/two.jpg").write_bytes((tmp_path / "a/one.jpg").read_bytes())
    with pytest.raises(DecryptionFailed):
        storage.get("a/two.jpg")


def test_keys_rotate_without_rewriting_old_objects(tmp_path: Path) -> None:
    old_key = base64.b64encode(os.urandom(32)).decode()
    new_key = base64.b64encode(os.urandom(32)).decode()
    before = LocalEncryptedStorage(tmp_path, KeyRing.from_settings({"k1": old_key}, "k1", ""))
    before.put("old.jpg", b"old", "image/jpeg")
    after = LocalEncryptedStorage(
        tmp_path, KeyRing.from_settings({"k1": old_key, "k2": new_key}, "k2", "")
    )
    assert after.put("new.jpg", b"new", "image/jpeg") == "k2"
    assert after.get("old.jpg") == b"old" and after.get("new.jpg") == b"new"
    assert KeyRing.key_id_of((tmp_path / "old.jpg").read_bytes()) == "k1"
    retired = LocalEncryptedStorage(tmp_path, KeyRing.from_settings({"k2": new_key}, "k2", ""))
    with pytest.raises(DecryptionFailed, match="not configured"):
        retired.get("old.jpg")


def test_s3_objects_are_encrypted_before_upload(s3_endpoint: str) -> None:
    storage = make_s3(s3_endpoint, ring("k1"), bucket="metskin-raw")
    storage.put("uploads/cd/y/original.jpg", SECRET, "image/jpeg")
    client = s3_client(s3_endpoint)
    raw = client.get_object(Bucket="metskin-raw", Key="env1/uploads/cd/y/original.jpg")
    body = raw["Body"].read()
    assert b"face photo" not in body and body.startswith(b"MSK1")
    assert raw["Metadata"]["key-id"] == "k1"
