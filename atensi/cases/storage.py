"""Checking and naming uploaded case attachments before they are stored."""

import hashlib
import secrets
from dataclasses import dataclass

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

# Content type by file signature. The uploader's own claim (name, Content-Type) is not trusted:
# a renamed executable must not be stored as a "receipt".
ALLOWED_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/heic": ".heic",
}
# ISO base media "ftyp" brands used by HEIC/HEIF photos from phones.
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}


def sniff_content_type(head: bytes) -> str | None:
    """Returns the allowed content type that the first bytes of a file show, or None."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "image/heic"
    return None


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str
    stored_name: str  # random, with the extension of the detected type


def check_upload(file) -> CheckedFile | str:
    """Reads an uploaded file once; returns its checked facts, or an error code.

    Error codes: "file_empty", "file_too_large", "file_type".
    """
    size = file.size if file.size is not None else 0
    if size > MAX_ATTACHMENT_BYTES:
        return "file_too_large"
    file.seek(0)
    head = file.read(32)
    if not head:
        return "file_empty"
    content_type = sniff_content_type(head)
    if content_type is None:
        return "file_type"
    digest = hashlib.sha256(head)
    size = len(head)
    for chunk in iter(lambda: file.read(64 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
        if size > MAX_ATTACHMENT_BYTES:
            return "file_too_large"
    file.seek(0)
    return CheckedFile(
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
        stored_name=secrets.token_hex(16) + ALLOWED_TYPES[content_type],
    )
