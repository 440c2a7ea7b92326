"""Product image download: one file per distinct image (by SHA-256), one link per item."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)

_SIGNATURES = ((b"\x89PNG", "png"), (b"\xff\xd8", "jpg"), (b"GIF8", "gif"), (b"RIFF", "webp"))


class ImageReader(Protocol):
    async def get_item_image(self, item_id: str) -> bytes | None: ...


def extension_of(content: bytes) -> str:
    for magic, ext in _SIGNATURES:
        if content.startswith(magic):
            return ext
    return "bin"


class ImageStore:
    """Keeps `blobs/<sha256>.<ext>` once per distinct image and `items/<item_id>` pointing at it.

    `items/<item_id>.version` holds the Zoho image document id last stored, so an unchanged image is
    not downloaded again.
    """

    def __init__(self, directory: Path) -> None:
        self.blobs = directory / "blobs"
        self.items = directory / "items"
        self.blobs.mkdir(parents=True, exist_ok=True)
        self.items.mkdir(parents=True, exist_ok=True)

    def is_current(self, item_id: str, version: str) -> bool:
        marker = self.items / f"{item_id}.version"
        return marker.exists() and marker.read_text() == version and (self.items / item_id).exists()

    def save(self, item_id: str, version: str, content: bytes) -> Path:
        digest = hashlib.sha256(content).hexdigest()
        blob = self.blobs / f"{digest}.{extension_of(content)}"
        if not blob.exists():
            tmp = blob.with_suffix(".tmp")
            tmp.write_bytes(content)
            os.replace(tmp, blob)
        link = self.items / item_id
        tmp_link = self.items / f".{item_id}.tmp"
        tmp_link.unlink(missing_ok=True)
        tmp_link.symlink_to(os.path.relpath(blob, self.items))
        os.replace(tmp_link, link)
        (self.items / f"{item_id}.version").write_text(version)
        return blob


class ImageSync:
    """Downloads the images of pulled items that have one and whose image changed."""

    def __init__(self, client: ImageReader, store: ImageStore, concurrency: int = 2) -> None:
        self.client = client
        self.store = store
        self.gate = asyncio.Semaphore(concurrency)
        self.downloaded = 0

    async def after_page(self, entity: str, records: Sequence[dict[str, Any]]) -> None:
        if entity != "item":
            return
        wanted = [(str(r["item_id"]), _version(r)) for r in records if _version(r)]
        todo = [(item_id, v) for item_id, v in wanted if not self.store.is_current(item_id, v)]
        await asyncio.gather(*(self._one(item_id, v) for item_id, v in todo))

    async def _one(self, item_id: str, version: str) -> None:
        async with self.gate:
            try:
                content = await self.client.get_item_image(item_id)
            except Exception as exc:  # an image is never worth failing the sync run for
                log.warning("image of item %s not downloaded: %s", item_id, exc)
                return
        if content:
            await asyncio.to_thread(self.store.save, item_id, version, content)
            self.downloaded += 1


def _version(record: dict[str, Any]) -> str:
    return str(record.get("image_document_id") or record.get("image_name") or "")
