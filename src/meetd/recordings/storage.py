"""Copying a recording's files to the bucket its `storage_config` names (contract A11).

`aws` and `digitalocean` buckets speak S3 and are written with boto3: at the endpoint
`host` gives (any S3-compatible server), else AWS's (or DigitalOcean's for the region).
meetd cannot write to `azure`, `gcs` or `sftp` storage; such a recording keeps its files
on meetd only (docs/recordings.md). A failed upload is an error with a reason that names
no credential; the caller records it on the recording.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

log = logging.getLogger("meetd.recordings")
S3_TYPES = ("aws", "digitalocean")


class UploadFailed(Exception):
    """Why the files could not be written to the bucket (safe to show)."""


def key_of(config: Mapping[str, Any], name: str) -> str:
    """The object key of a file: the config's `path` as a folder, then the file's name."""
    folder = (config.get("path") or "").strip("/")
    return f"{folder}/{name}" if folder else name


def upload(
    config: Mapping[str, Any],
    credentials: Mapping[str, str],
    files: list[tuple[str, str, bytes]],
) -> None:
    """Write each (name, media type, content) to the bucket; UploadFailed if any fails."""
    # Imported here, not at the top: boto3 costs every process start 0.25 s, and few upload.
    import boto3
    from botocore.client import Config
    from botocore.exceptions import BotoCoreError, ClientError

    kind = config.get("type")
    if kind not in S3_TYPES:
        log.warning("storage_config type %s cannot be written by meetd; files kept here", kind)
        return
    bucket = config.get("bucket")
    if not bucket:
        raise UploadFailed("storage_config.bucket is not set")
    client = boto3.client(
        "s3",
        endpoint_url=_endpoint(config),
        region_name=config.get("region") or None,
        aws_access_key_id=credentials.get("access_key"),
        aws_secret_access_key=credentials.get("secret"),
        # Bounded, so that an unreachable bucket fails a recording in seconds, not minutes:
        # the copy runs in the transaction that marks the recording UPLOADED.
        config=Config(
            connect_timeout=3,
            read_timeout=10,
            retries={"max_attempts": 2, "mode": "standard"},
            s3={"addressing_style": "path"},
        ),
    )
    try:
        for name, media_type, content in files:
            client.put_object(
                Bucket=bucket, Key=key_of(config, name), Body=content, ContentType=media_type
            )
    except ClientError as error:
        detail = error.response.get("Error", {})
        code, message = detail.get("Code", "error"), detail.get("Message", "")
        raise UploadFailed(
            _scrub(f"upload to bucket {bucket} refused: {code} {message}".strip(), credentials)
        ) from None
    except BotoCoreError as error:
        raise UploadFailed(
            _scrub(f"upload to bucket {bucket} failed: {error}", credentials)
        ) from None
    finally:
        client.close()


def _endpoint(config: Mapping[str, Any]) -> str | None:
    host = config.get("host")
    if not host:
        if config.get("type") == "digitalocean" and config.get("region"):
            return f"https://{config['region']}.digitaloceanspaces.com"
        return None
    if "://" not in host:
        host = f"https://{host}"
    port = config.get("port")
    return f"{host}:{port}" if port and host.count(":") < 2 else host


def _scrub(message: str, credentials: Mapping[str, str]) -> str:
    """No credential in a message, even one an error echoed back."""
    for value in credentials.values():
        if value:
            message = message.replace(value, "[hidden]")
    return message[:1000]
