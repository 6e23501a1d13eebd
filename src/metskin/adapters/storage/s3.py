"""Objects in S3 (or any S3 API), encrypted on the client before they leave the process."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from metskin.adapters.storage.crypto import KeyRing
from metskin.adapters.storage.local import check_name
from metskin.domain.analysis.ports import ObjectMissing


class S3Storage:
    def __init__(
        self,
        bucket: str,
        keys: KeyRing,
        *,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
    ) -> None:
        self.bucket = bucket
        self._prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self._keys = keys
        self._client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            config=Config(retries={"max_attempts": 3, "mode": "standard"}),
        )

    def _key(self, name: str) -> str:
        return self._prefix + check_name(name)

    def put(self, name: str, data: bytes, content_type: str) -> str:
        self._client.put_object(
            Bucket=self.bucket,
            Key=self._key(name),
            Body=self._keys.encrypt(name, data),
            ContentType="application/octet-stream",
            Metadata={"plain-content-type": content_type, "key-id": self._keys.active_key_id},
        )
        return self._keys.active_key_id

    def get(self, name: str) -> bytes:
        try:
            response = self._client.get_object(Bucket=self.bucket, Key=self._key(name))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise ObjectMissing(name) from error
            raise
        return self._keys.decrypt(name, response["Body"].read())

    def delete(self, name: str) -> None:
        self._client.delete_object(Bucket=self.bucket, Key=self._key(name))

    def exists(self, name: str) -> bool:
        try:
            self._client.head_object(Bucket=self.bucket, Key=self._key(name))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return False
            raise
        return True
