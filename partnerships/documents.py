"""Signed agreement documents: what an upload is, judged by its content, and
how it is stored.

A file's name and the browser's Content-Type are the uploader's word; only the
bytes are checked. A PDF starts with `%PDF-` and must open in a real parser
(pikepdf, i.e. qpdf) without JavaScript, launch actions or attached files.
DOCX and ODT are ZIP packages told apart by the entries inside them; they are
read from the ZIP's central directory and a few small XML entries, never
unpacked, and refused when they carry macros or other programs, say inside
that they are another kind of document, or would unpack to far more than
they weigh (a zip bomb).

Each refusal is a ValidationError with its own message and code, logged in
one line by `agreement_document_attach` before anything is stored.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import unicodedata
import zipfile
import zlib
from enum import StrEnum
from xml.etree import ElementTree

import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_noop

from core.versioning import claim

from .models import Agreement, DocumentDownload

logger = logging.getLogger(__name__)

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
DOCX_MAIN_PART = "/word/document.xml"
DOCX_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

# A signed agreement unpacks to a few megabytes; its XML compresses about ten
# to one. Far beyond either is a package built to exhaust whoever opens it.
MAX_UNPACKED_SIZE = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM = 1024 * 1024  # tiny entries may compress very well harmlessly
MAX_ENTRIES = 10_000
MAX_XML_ENTRY_SIZE = 1024 * 1024  # [Content_Types].xml and manifest.xml are a few kB


class DocumentKind(StrEnum):
    PDF = "application/pdf"
    DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ODT = "application/vnd.oasis.opendocument.text"

    @property
    def extension(self) -> str:
        return f".{self.name.lower()}"


REFUSED = gettext_noop(
    "Upload the signed agreement as a PDF, DOCX or ODT document; this file is none of these."
)
PDF_UNREADABLE = gettext_noop(
    "This file starts like a PDF but cannot be read as one: it is damaged or not really a "
    "PDF. Save or print it as PDF again and upload that."
)
PDF_ENCRYPTED = gettext_noop(
    "This PDF is protected with a password, so it cannot be checked. Upload a copy without one."
)
PDF_JAVASCRIPT = gettext_noop(
    "This PDF contains JavaScript, which Accord does not keep. Print it to a new PDF "
    "(or scan the signed paper) and upload that."
)
PDF_LAUNCH = gettext_noop(
    "This PDF contains an action that starts another program, which Accord does not keep. "
    "Print it to a new PDF and upload that."
)
PDF_EMBEDDED_FILE = gettext_noop(
    "This PDF has other files attached inside it, which Accord does not keep. Upload the "
    "agreement without attachments (each annex as its own PDF)."
)
MACROS = gettext_noop(
    "This document contains macros or embedded programs, which Accord does not keep. Save "
    "it as a plain DOCX or ODT document and upload that."
)
DECLARED_TYPE = gettext_noop(
    "This document says inside it that it is another kind of file (macro-enabled, a "
    "template or not a text document). Save it as a plain DOCX or ODT document and upload that."
)
ZIP_BOMB = gettext_noop(
    "This document would unpack to far more than it weighs (over 100 MB, or compressed more "
    "than a hundred to one); Accord does not open it."
)


def max_document_size() -> int:
    return settings.ACCORD_MAX_UPLOAD_SIZE


def max_document_size_label() -> str:
    return f"{settings.ACCORD_MAX_UPLOAD_MB} MB"


def document_kind(file) -> DocumentKind | None:
    """What the content of `file` claims to be, or None if it is none of the
    kinds we keep. A claim only: `check_upload` then looks inside.

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
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError, zlib.error):
        return None
    finally:
        file.seek(0)
    return None


def refuse(message: str, code: str):
    # The refusals above are marked for translation, and read in the uploader's language here.
    raise ValidationError(gettext(message), code=code)


# --- PDF -------------------------------------------------------------------------------

# Dictionary keys and name values that make a PDF do something when opened or
# clicked, or carry another file. qpdf decodes #xx escapes in names, so
# /J#61vaScript is seen as /JavaScript.
PDF_SCRIPT_KEYS = {"/JS", "/JavaScript"}
PDF_SCRIPT_NAMES = {"/JavaScript"}
PDF_LAUNCH_NAMES = {"/Launch"}
PDF_EMBEDDED_KEYS = {"/EmbeddedFiles", "/EmbeddedFile", "/EF"}
PDF_EMBEDDED_NAMES = {"/EmbeddedFile", "/FileAttachment"}


def _pdf_dictionary_problem(dictionary) -> tuple[str, str] | None:
    keys = set(dictionary.keys())
    names = {str(v) for v in dictionary.values() if isinstance(v, pikepdf.Name)}
    if keys & PDF_SCRIPT_KEYS or names & PDF_SCRIPT_NAMES:
        return PDF_JAVASCRIPT, "pdf_javascript"
    if names & PDF_LAUNCH_NAMES:
        return PDF_LAUNCH, "pdf_launch"
    if keys & PDF_EMBEDDED_KEYS or names & PDF_EMBEDDED_NAMES:
        return PDF_EMBEDDED_FILE, "pdf_embedded_file"
    return None


def _pdf_object_problem(obj) -> tuple[str, str] | None:
    """The first problem in `obj` or the direct objects inside it. Indirect
    ones are left to the caller, which visits every object of the file once."""
    pending = [obj]
    while pending:
        current = pending.pop()
        if isinstance(current, pikepdf.Stream):
            current = current.stream_dict
        if isinstance(current, pikepdf.Dictionary):
            if problem := _pdf_dictionary_problem(current):
                return problem
            children = current.values()
        elif isinstance(current, pikepdf.Array):
            children = list(current)
        else:
            continue
        # Numbers and booleans come back as Python values; only containers nest.
        pending.extend(
            child
            for child in children
            if isinstance(child, pikepdf.Dictionary | pikepdf.Array) and not child.is_indirect
        )
    return None


def check_pdf(file) -> None:
    """Refuse a PDF that does not parse, is encrypted, or carries JavaScript
    (document actions, annotations, the names tree), launch actions or
    embedded files, wherever in the file: every object is looked at, used
    or not."""
    file.seek(0)
    try:
        with pikepdf.open(file) as pdf:
            if len(pdf.pages) == 0:
                refuse(PDF_UNREADABLE, "pdf_unreadable")
            for obj in [pdf.trailer, *pdf.objects]:
                if problem := _pdf_object_problem(obj):
                    refuse(*problem)
    except ValidationError:
        raise
    except pikepdf.PasswordError:
        refuse(PDF_ENCRYPTED, "pdf_encrypted")
    except Exception:  # noqa: BLE001 (whatever the parser chokes on, we cannot vouch for)
        refuse(PDF_UNREADABLE, "pdf_unreadable")
    finally:
        file.seek(0)


# --- DOCX and ODT ----------------------------------------------------------------------

MACRO_ENTRY = re.compile(
    r"(^|/)vbaProject\.bin$|(^|/)vbaData\.xml$|\.bin$|^Basic/|^Scripts/", re.IGNORECASE
)


def _read_small_xml(package: zipfile.ZipFile, name: str) -> ElementTree.Element:
    """An XML entry of a few kB, parsed without DTDs (no entity expansion)."""
    info = package.getinfo(name)
    if info.file_size > MAX_XML_ENTRY_SIZE:
        refuse(ZIP_BOMB, "zip_bomb")
    with package.open(info) as entry:
        data = entry.read(MAX_XML_ENTRY_SIZE + 1)
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        refuse(DECLARED_TYPE, "declared_type")
    return ElementTree.fromstring(data)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _check_docx_types(package: zipfile.ZipFile) -> None:
    """[Content_Types].xml must declare the main part a plain document: not
    macro-enabled (docm), not a template (dotx/dotm), no VBA part at all."""
    types = _read_small_xml(package, "[Content_Types].xml")
    declared = {}
    for element in types:
        content_type = element.get("ContentType", "")
        if "macroenabled" in content_type.lower() or "vbaproject" in content_type.lower():
            refuse(DECLARED_TYPE, "declared_type")
        if _local(element.tag) == "Override":
            declared[element.get("PartName", "")] = content_type
    if declared.get(DOCX_MAIN_PART) != DOCX_MAIN_TYPE:
        refuse(DECLARED_TYPE, "declared_type")


def _check_odt_manifest(package: zipfile.ZipFile) -> None:
    """The manifest's entry for the package itself ("/") must agree with the
    mimetype entry; a manifest that lists scripts means macros."""
    if "META-INF/manifest.xml" not in package.namelist():
        return  # optional in ODF 1.0/1.1 packages; the mimetype entry already agreed
    manifest = _read_small_xml(package, "META-INF/manifest.xml")
    for entry in manifest:
        path = next((v for k, v in entry.attrib.items() if _local(k) == "full-path"), "")
        media_type = next((v for k, v in entry.attrib.items() if _local(k) == "media-type"), "")
        if path == "/" and media_type != ODT_MIMETYPE.decode():
            refuse(DECLARED_TYPE, "declared_type")
        if MACRO_ENTRY.search(path) or "script" in media_type.lower():
            refuse(MACROS, "macros")


def check_package(file, kind: DocumentKind) -> None:
    """Refuse a DOCX or ODT that would unpack to too much, carries macros or
    binary (OLE) parts, or says inside it that it is something else.

    Sizes come from the central directory: nothing is unpacked to judge them.
    """
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as package:
            entries = package.infolist()
            if len(entries) > MAX_ENTRIES:
                refuse(ZIP_BOMB, "zip_bomb")
            if sum(info.file_size for info in entries) > MAX_UNPACKED_SIZE:
                refuse(ZIP_BOMB, "zip_bomb")
            for info in entries:
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > RATIO_CHECKED_FROM and ratio > MAX_COMPRESSION_RATIO:
                    refuse(ZIP_BOMB, "zip_bomb")
            if any(MACRO_ENTRY.search(info.filename) for info in entries):
                refuse(MACROS, "macros")
            if kind == DocumentKind.DOCX:
                _check_docx_types(package)
            else:
                _check_odt_manifest(package)
    except ValidationError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        KeyError,
        RuntimeError,  # encrypted entries
        NotImplementedError,  # unknown compression
        EOFError,
        ValueError,
        zlib.error,
        ElementTree.ParseError,
    ):
        refuse(REFUSED, "not_a_document")
    finally:
        file.seek(0)


# --- the upload ------------------------------------------------------------------------


def check_upload(upload) -> DocumentKind:
    """What the upload is, once it has passed every check; ValidationError if not."""
    if upload.size > max_document_size():
        refuse(
            gettext("The document is too big: at most %(most)s (this file is %(size)s MB).")
            % {
                "most": max_document_size_label(),
                "size": number_format(upload.size / (1024 * 1024), 1),
            },
            "too_big",
        )
    kind = document_kind(upload)
    if kind is None:
        refuse(REFUSED, "not_a_document")
    if kind == DocumentKind.PDF:
        check_pdf(upload)
    else:
        check_package(upload, kind)
    return kind


# A trailing ".xyz" that looks like a file type (letters first): "report.exe",
# "MoU.pdf"; not the ".2" of "Agreement v1.2".
EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,7}$")


def clean_name(name: str, kind: DocumentKind | None = None) -> str:
    """The uploader's file name as shown and offered on download: no folders, no
    control characters, at most 255 characters, and the extension of what the
    file really is (`report.exe` that is a PDF is `report.pdf`)."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C" and c not in '"')
    name = name.strip(" .") or "document"
    extension = os.path.splitext(name)[1] if EXTENSION.search(name) else ""
    if kind is not None:
        name = name.removesuffix(extension).rstrip(" .") or "document"
        extension = kind.extension
        name += extension
    if len(name) > 255:
        extension = extension[:20]
        name = name.removesuffix(extension)[: 255 - len(extension)] + extension
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
    signed document is recorded, not erased. A refused upload stores nothing.
    """
    try:
        kind = check_upload(upload)
    except ValidationError as error:
        logger.warning(
            "agreement %s: document refused (%s): %r, %d bytes",
            agreement.pk,
            error.code,
            clean_name(upload.name),
            upload.size,
        )
        raise
    # Locked and moved to its next version: an edit form opened before the
    # upload is refused rather than saving over it, and this save writes only
    # the document's fields, never older values of the others.
    claim(agreement)
    sha256 = sha256_of(upload)
    agreement.document_sha256 = sha256
    agreement.document_size = upload.size
    agreement.document_name = clean_name(upload.name, kind)
    storage = agreement.document.storage
    path = agreement.document.field.generate_filename(agreement, upload.name)
    if storage.exists(path):
        # Same bytes, same name: the file is already there.
        agreement.document.name = path
    else:
        agreement.document.save(upload.name, File(upload), save=False)
    agreement.full_clean()
    agreement.save(
        update_fields=[
            "document",
            "document_sha256",
            "document_size",
            "document_name",
            "version",
            "updated_at",
        ]
    )
    return agreement


def document_download_record(*, agreement: Agreement, user) -> DocumentDownload:
    """Log that `user` is being given the signed document of `agreement`."""
    download = DocumentDownload(agreement=agreement, user=user, sha256=agreement.document_sha256)
    download.full_clean()
    download.save()
    return download
