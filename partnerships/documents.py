"""Signed agreement documents: what an upload is, judged by its content, and
how it is stored.

A file's name and the browser's Content-Type are the uploader's word; only the
bytes are checked. A PDF starts with `%PDF-`; DOCX and ODT are ZIP packages
told apart by the entries inside them.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
import zipfile
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction

from .models import Agreement, DocumentDownload

MAX_DOCUMENT_SIZE = 20 * 1024 * 1024
MAX_DOCUMENT_SIZE_LABEL = "20 MB"

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


class DocumentKind(StrEnum):
    PDF = "application/pdf"
    DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ODT = "application/vnd.oasis.opendocument.text"


REFUSED = "Upload the signed agreement as a PDF, DOCX or ODT document; this file is none of these."


def document_kind(file) -> DocumentKind | None:
    """What the content of `file` is, or None if it is none of the kinds we keep.

    Leaves the file positioned at its start.
    """
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return DocumentKind.PDF
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(file) as package:
            names = set(package.namelist())
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                return DocumentKind.DOCX
            if "mimetype" in names:
                # The entry is a few dozen bytes; reading a little more than the
                # expected value is enough to tell, whatever the entry claims.
                with package.open("mimetype") as entry:
                    if entry.read(len(ODT_MIMETYPE) + 1).strip() == ODT_MIMETYPE:
                        return DocumentKind.ODT
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError):
        return None
    finally:
        file.seek(0)
    return None


def check_upload(upload) -> DocumentKind:
    """Refuse an upload that is too big or not a PDF, DOCX or ODT document."""
    if upload.size > MAX_DOCUMENT_SIZE:
        raise ValidationError(
            f"The document is too big: at most {MAX_DOCUMENT_SIZE_LABEL} (this file is "
            f"{upload.size / (1024 * 1024):.1f} MB)."
        )
    kind = document_kind(upload)
    if kind is None:
        raise ValidationError(REFUSED)
    return kind


def clean_name(name: str) -> str:
    """The uploader's file name as shown and offered on download: no folders, no
    control characters, at most 255 characters with its extension kept."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C" and c not in '"')
    name = name.strip(" .") or "document"
    if len(name) > 255:
        stem, extension = os.path.splitext(name)
        extension = extension[:20]
        name = stem[: 255 - len(extension)] + extension
    return name


def sha256_of(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


@transaction.atomic
def agreement_document_attach(*, agreement: Agreement, upload) -> Agreement:
    """Store the signed document of an agreement under a name made of its SHA-256.

    The previous file stays on disk and in the agreement's history: replacing a
    signed document is recorded, not erased.
    """
    check_upload(upload)
    sha256 = sha256_of(upload)
    agreement.document_sha256 = sha256
    agreement.document_size = upload.size
    agreement.document_name = clean_name(upload.name)
    storage = agreement.document.storage
    path = agreement.document.field.generate_filename(agreement, upload.name)
    if storage.exists(path):
        # Same bytes, same name: the file is already there.
        agreement.document.name = path
    else:
        agreement.document.save(upload.name, File(upload), save=False)
    agreement.full_clean()
    agreement.save()
    return agreement


def document_download_record(*, agreement: Agreement, user) -> DocumentDownload:
    """Log that `user` is being given the signed document of `agreement`."""
    download = DocumentDownload(agreement=agreement, user=user, sha256=agreement.document_sha256)
    download.full_clean()
    download.save()
    return download
