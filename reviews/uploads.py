"""What a shared file really is, judged by its bytes rather than its name.

A file called "notes.pdf" may be an HTML page or a program; served back from our domain
it could run script in a member's browser. So the type we store (and later serve the file
as) is the one sniffed here, and anything we cannot recognise as an allowed type is
refused: no SVG (it carries script), no HTML, no executables, no macro-enabled Office files.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# How much of a text file decides whether it is really markup in disguise.
MARKUP_HEAD = 2048
MIMETYPE_MAX_BYTES = 200
MARKUP_STARTS = (b"<?xml", b"<!doctype", b"<html", b"<head", b"<body", b"<svg", b"<script")

OOXML = {
    "word/document.xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word document",
    ),
    "xl/workbook.xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel spreadsheet",
    ),
    "ppt/presentation.xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "PowerPoint presentation",
    ),
}
OPENDOCUMENT = {
    "application/vnd.oasis.opendocument.text": "OpenDocument text",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument spreadsheet",
    "application/vnd.oasis.opendocument.presentation": "OpenDocument presentation",
}
# Browsers may show these inline; everything else is downloaded as an attachment.
INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"}

ALLOWED_DESCRIPTION = _(
    "PDF, images (PNG, JPEG, GIF, WebP), Word, Excel or PowerPoint files, "
    "OpenDocument files, and Markdown or plain text"
)


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    label: str


def _read_all(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _sniff_zip(upload) -> Sniffed | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return None  # Macros: a program wearing a document's clothes.
            if "mimetype" in names:
                # A real one is a few dozen bytes; never inflate a large (or bomb) entry.
                if archive.getinfo("mimetype").file_size > MIMETYPE_MAX_BYTES:
                    return None
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                label = OPENDOCUMENT.get(declared)
                return Sniffed(declared, label) if label else None
            if "[Content_Types].xml" in names:
                for part, (content_type, label) in OOXML.items():
                    if part in names:
                        return Sniffed(content_type, label)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, RuntimeError):
        return None
    finally:
        upload.seek(0)
    return None


def _sniff_text(data: bytes, name: str) -> Sniffed | None:
    if b"\x00" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    head = data[:MARKUP_HEAD].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(MARKUP_STARTS) or b"<svg" in head or b"<script" in head:
        return None
    # The name only chooses between two equally harmless text types.
    if name.lower().endswith((".md", ".markdown")):
        return Sniffed("text/markdown; charset=utf-8", "Markdown")
    return Sniffed("text/plain; charset=utf-8", "plain text")


def sniff(upload) -> Sniffed | None:
    """The allowed type `upload` really is, or None if it is not one we accept."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head:
        return None
    if head.startswith(b"%PDF-"):
        return Sniffed("application/pdf", "PDF")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image/png", "PNG image")
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image/jpeg", "JPEG image")
    if head.startswith((b"GIF87a", b"GIF89a")):
        return Sniffed("image/gif", "GIF image")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("image/webp", "WebP image")
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(upload)
    return _sniff_text(_read_all(upload), getattr(upload, "name", "") or "")


def is_inline(content_type: str) -> bool:
    return content_type in INLINE_TYPES
