"""Uploads are judged by their bytes: an allowed name never lets a disallowed file in."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reviews.models import SharedWork
from reviews.services import MAX_UPLOAD_BYTES
from reviews.uploads import sniff

from .conftest import office_bytes, zip_bytes

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"

ALLOWED = [
    ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj", "application/pdf"),
    ("map.png", PNG, "image/png"),
    ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
    ("loop.gif", b"GIF89a\x01\x00\x01\x00", "image/gif"),
    ("pic.webp", b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
    (
        "notes.docx",
        office_bytes("word/document.xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "sheet.xlsx",
        office_bytes("xl/workbook.xml"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "deck.pptx",
        office_bytes("ppt/presentation.xml"),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("notes.odt", zip_bytes({"mimetype": ODT_MIMETYPE}), "application/vnd.oasis.opendocument.text"),
    (
        "sheet.ods",
        zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
        "application/vnd.oasis.opendocument.spreadsheet",
    ),
    (
        "deck.odp",
        zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.presentation"}),
        "application/vnd.oasis.opendocument.presentation",
    ),
    ("notes.md", "# Loops\n\nWe mapped — together.".encode(), "text/markdown; charset=utf-8"),
    ("notes.txt", b"Plain words.\n", "text/plain; charset=utf-8"),
]

# Each has a name we would accept; its content is something we must not.
REFUSED = [
    ("page.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
    ("notes.md", b"<html><body>hi</body></html>"),
    ("map.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>'),
    ("map.txt", b'<svg onload="alert(1)"></svg>'),
    ("report.docx", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),
    ("tool.txt", b"\x7fELF\x02\x01\x01\x00"),
    ("notes.txt", b"caf\xe9 latin-1 is not UTF-8"),
    ("notes.docx", zip_bytes({"readme.txt": b"just a zip"})),
    ("macro.docx", office_bytes("word/document.xml", extra={"word/vbaProject.bin": b"\x00"})),
    ("odd.odt", zip_bytes({"mimetype": b"application/x-shockwave-flash"})),
    ("big.odt", zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text" + b" " * 500})),
    ("broken.docx", b"PK\x03\x04 not really a zip"),
    ("empty.pdf", b""),
]


@pytest.mark.parametrize(("name", "content", "expected"), ALLOWED, ids=[n for n, *_ in ALLOWED])
def test_sniff_recognises_allowed_types(name, content, expected):
    sniffed = sniff(SimpleUploadedFile(name, content))

    assert sniffed is not None
    assert sniffed.content_type == expected


@pytest.mark.parametrize(("name", "content"), REFUSED, ids=[n for n, _ in REFUSED])
def test_sniff_refuses_disallowed_content_whatever_the_name(name, content):
    assert sniff(SimpleUploadedFile(name, content)) is None


def share(client, cast, upload, **data):
    client.force_login(cast.author)
    return client.post(
        f"/c/riverside/sessions/{cast.session.pk}/work/new/",
        {"title": "With a file", "file": upload, **data},
    )


@pytest.mark.parametrize(("name", "content", "expected"), ALLOWED, ids=[n for n, *_ in ALLOWED])
def test_allowed_files_are_accepted_and_stored_as_their_sniffed_type(
    client, cast, name, content, expected
):
    # The browser's claimed type is ignored: only the bytes count.
    upload = SimpleUploadedFile(name, content, content_type="application/x-anything")

    response = share(client, cast, upload)

    work = SharedWork.objects.get()
    assert response.status_code == 302
    assert (work.file_type, work.file_name, work.file_size) == (expected, name, len(content))


@pytest.mark.parametrize(("name", "content"), REFUSED, ids=[n for n, _ in REFUSED])
def test_wrong_type_by_content_is_a_polite_field_error(client, cast, name, content):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")

    response = share(client, cast, upload, description="Keep me")

    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    page = response.content.decode()
    assert "We couldn&#x27;t recognise this file" in page or "submitted file is empty" in page
    assert "Keep me" in page
    assert SharedWork.objects.count() == 0


def test_a_file_over_ten_megabytes_is_refused_politely(client, cast):
    upload = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * MAX_UPLOAD_BYTES)

    response = share(client, cast, upload)

    assert response.status_code == 200
    assert "limit is 10 MB" in response.content.decode()
    assert SharedWork.objects.count() == 0


def test_a_file_of_exactly_ten_megabytes_is_accepted(client, cast):
    upload = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (MAX_UPLOAD_BYTES - 5))

    response = share(client, cast, upload)

    assert response.status_code == 302
    assert SharedWork.objects.get().file_size == MAX_UPLOAD_BYTES
