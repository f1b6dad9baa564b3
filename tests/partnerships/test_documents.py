"""Signed documents: checked by content, stored under their SHA-256, served to
signed-in readers as an attachment."""

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from partnerships import documents
from tests.factories import AgreementFactory, PartnershipFactory, user_with_role

pytestmark = pytest.mark.django_db

TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, content in entries.items():
            package.writestr(name, content)
    return buffer.getvalue()


def minimal_docx() -> bytes:
    return zipped(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
            "word/document.xml": b'<?xml version="1.0"?><w:document/>',
        }
    )


def minimal_odt() -> bytes:
    return zipped(
        {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "content.xml": b'<?xml version="1.0"?><office:document-content/>',
            "META-INF/manifest.xml": b'<?xml version="1.0"?><manifest:manifest/>',
        }
    )


def minimal_xlsx() -> bytes:
    return zipped(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "xl/workbook.xml": b'<?xml version="1.0"?><workbook/>',
        }
    )


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def agreement(alice):
    return AgreementFactory(partnership=PartnershipFactory(owner=alice), title="Exchange MoU")


def upload(client, agreement, name, content, content_type="application/pdf"):
    return client.post(
        reverse("partnerships:agreement_document", args=[agreement.pk]),
        {"document": SimpleUploadedFile(name, content, content_type=content_type)},
    )


def document_errors(response):
    return response.context["document_form"].errors.get("document", [])


class TestUpload:
    def test_it_stores_a_pdf_under_its_sha256(self, client, alice, agreement, media_root):
        client.force_login(alice)
        response = upload(client, agreement, "../../Signed MoU.pdf", TINY_PDF)

        assert response.status_code == 302
        agreement.refresh_from_db()
        sha = hashlib.sha256(TINY_PDF).hexdigest()
        assert agreement.document_sha256 == sha
        assert agreement.document_size == len(TINY_PDF)
        assert agreement.document_name == "Signed MoU.pdf"
        assert agreement.document.name == f"agreements/{sha[:2]}/{sha}"
        assert (Path(media_root) / "agreements" / sha[:2] / sha).read_bytes() == TINY_PDF

    def test_it_accepts_a_docx(self, client, alice, agreement):
        client.force_login(alice)
        content = minimal_docx()
        response = upload(client, agreement, "mou.docx", content, "application/octet-stream")

        assert response.status_code == 302
        agreement.refresh_from_db()
        assert agreement.document_sha256 == hashlib.sha256(content).hexdigest()

    def test_it_accepts_an_odt(self, client, alice, agreement):
        client.force_login(alice)
        response = upload(client, agreement, "mou.odt", minimal_odt())

        assert response.status_code == 302
        agreement.refresh_from_db()
        assert agreement.document_name == "mou.odt"

    def test_it_keeps_the_previous_document_in_the_history(self, client, alice, agreement):
        client.force_login(alice)
        upload(client, agreement, "first.pdf", TINY_PDF)
        upload(client, agreement, "second.odt", minimal_odt())

        agreement.refresh_from_db()
        assert agreement.document_name == "second.odt"
        names = list(agreement.history.values_list("document_name", flat=True))
        assert "first.pdf" in names

    @pytest.mark.parametrize(
        "name, content",
        [
            ("mou.pdf", b"This is only text pretending to be a PDF."),
            ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00 a program"),
            ("mou.docx", zipped({"readme.txt": b"hello"})),
            ("budget.docx", minimal_xlsx()),
            ("mou.odt", zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})),
            ("broken.docx", b"PK\x03\x04 but not a zip"),
        ],
    )
    def test_it_refuses_what_is_not_pdf_docx_or_odt(self, client, alice, agreement, name, content):
        client.force_login(alice)
        response = upload(client, agreement, name, content)

        assert response.status_code == 400
        assert document_errors(response) == [documents.REFUSED]
        agreement.refresh_from_db()
        assert not agreement.document

    def test_it_refuses_a_document_over_20_mb(self, client, alice, agreement):
        client.force_login(alice)
        content = b"%PDF-" + bytes(documents.MAX_DOCUMENT_SIZE)
        response = upload(client, agreement, "huge.pdf", content)
        del content

        assert response.status_code == 400
        [message] = document_errors(response)
        assert "at most 20 MB" in message
        agreement.refresh_from_db()
        assert not agreement.document

    @pytest.mark.parametrize("role", [Role.MANAGER, Role.EXECUTIVE, Role.REVIEWER])
    def test_a_non_editor_cannot_upload(self, client, agreement, role):
        client.force_login(user_with_role("charlie", role))
        response = upload(client, agreement, "mou.pdf", TINY_PDF)

        assert response.status_code == 403
        agreement.refresh_from_db()
        assert not agreement.document


class TestCheck:
    def test_it_tells_the_kind_by_content_only(self):
        def kind(content):
            return documents.document_kind(io.BytesIO(content))

        assert kind(TINY_PDF) == documents.DocumentKind.PDF
        assert kind(minimal_docx()) == documents.DocumentKind.DOCX
        assert kind(minimal_odt()) == documents.DocumentKind.ODT
        assert kind(minimal_xlsx()) is None
        assert kind(b"") is None

    def test_it_cleans_the_file_name(self):
        assert documents.clean_name("C:\\Users\\me\\MoU.pdf") == "MoU.pdf"
        assert documents.clean_name('a"b\x00c.pdf') == "abc.pdf"
        assert documents.clean_name("..") == "document"
        long = documents.clean_name("x" * 300 + ".pdf")
        assert len(long) == 255
        assert long.endswith(".pdf")


class TestDownload:
    def test_a_signed_in_executive_downloads_it_as_an_attachment(
        self, client, alice, erin, agreement
    ):
        client.force_login(alice)
        upload(client, agreement, "Signed MoU.pdf", TINY_PDF)
        client.force_login(erin)
        response = client.get(reverse("partnerships:agreement_document", args=[agreement.pk]))

        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="Signed MoU.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == TINY_PDF

    def test_a_docx_is_served_with_its_type(self, client, alice, agreement):
        client.force_login(alice)
        upload(client, agreement, "mou.docx", minimal_docx())
        response = client.get(reverse("partnerships:agreement_document", args=[agreement.pk]))
        assert response["Content-Type"] == documents.DocumentKind.DOCX.value
        response.close()

    def test_an_anonymous_visitor_is_sent_to_sign_in(self, client, alice, agreement):
        client.force_login(alice)
        upload(client, agreement, "mou.pdf", TINY_PDF)
        client.logout()
        response = client.get(reverse("partnerships:agreement_document", args=[agreement.pk]))

        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))

    def test_it_is_404_without_a_document(self, client, erin, agreement):
        client.force_login(erin)
        response = client.get(reverse("partnerships:agreement_document", args=[agreement.pk]))
        assert response.status_code == 404

    def test_the_detail_page_shows_name_size_and_sha256(self, client, alice, agreement):
        client.force_login(alice)
        upload(client, agreement, "Signed MoU.pdf", TINY_PDF)
        response = client.get(reverse("partnerships:agreement_detail", args=[agreement.pk]))

        content = response.content.decode()
        assert "Signed MoU.pdf" in content
        assert hashlib.sha256(TINY_PDF).hexdigest() in content
        assert reverse("partnerships:agreement_document", args=[agreement.pk]) in content
