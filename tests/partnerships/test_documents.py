"""Signed documents: checked by content, stored under their SHA-256, served to
signed-in readers as an attachment."""

import hashlib
import io
import zipfile
from pathlib import Path

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from partnerships import documents
from partnerships.models import Agreement, DocumentDownload
from tests.factories import AgreementFactory, PartnershipFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db


def pdf_bytes(change=None) -> bytes:
    """A one-page PDF, changed by `change(pdf)` before it is saved."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    if change is not None:
        change(pdf)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


TINY_PDF = pdf_bytes()


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, content in entries.items():
            package.writestr(name, content)
    return buffer.getvalue()


def content_types(main_type: str = documents.DOCX_MAIN_TYPE) -> bytes:
    return (
        '<?xml version="1.0"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main_type}"/>'
        "</Types>"
    ).encode()


def minimal_docx(**more: bytes) -> bytes:
    return zipped(
        {
            "[Content_Types].xml": content_types(),
            "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
            "word/document.xml": b'<?xml version="1.0"?><w:document/>',
        }
        | more
    )


MANIFEST = b"""<?xml version="1.0"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">
 <manifest:file-entry manifest:full-path="/"
   manifest:media-type="application/vnd.oasis.opendocument.text"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""


def minimal_odt(**more: bytes) -> bytes:
    return zipped(
        {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "content.xml": b'<?xml version="1.0"?><office:document-content/>',
            "META-INF/manifest.xml": MANIFEST,
        }
        | more
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
        content = b"%PDF-" + bytes(documents.max_document_size())
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


# --- hostile uploads -----------------------------------------------------------------


def javascript_in_names_tree(pdf):
    script = pdf.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    )
    pdf.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("run"), script]))
    )


def javascript_on_open(pdf):
    pdf.Root.OpenAction = pikepdf.Dictionary(
        S=pikepdf.Name.JavaScript, JS=pikepdf.String("this.exportDataObject({cName: 'x'})")
    )


def launch_in_an_annotation(pdf):
    pdf.pages[0].Annots = pdf.make_indirect(
        pikepdf.Array(
            [
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Annot,
                    Subtype=pikepdf.Name.Link,
                    Rect=pikepdf.Array([0, 0, 600, 800]),
                    A=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe")),
                )
            ]
        )
    )


def embedded_file(pdf):
    pdf.attachments["invoice.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00 a program")


def zip_bomb(total: int) -> bytes:
    """A DOCX whose one extra entry is `total` bytes of zeros, deflated to ~0.1%."""
    buffer = io.BytesIO(minimal_docx())
    chunk = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as package,
        package.open("word/media/filler.xml", "w") as entry,
    ):
        for _ in range(total // len(chunk)):
            entry.write(chunk)
    return buffer.getvalue()


HOSTILE = {
    "pdf-javascript-names-tree": (
        "mou.pdf",
        lambda: pdf_bytes(javascript_in_names_tree),
        documents.PDF_JAVASCRIPT,
    ),
    "pdf-openaction-javascript": (
        "mou.pdf",
        lambda: pdf_bytes(javascript_on_open),
        documents.PDF_JAVASCRIPT,
    ),
    "pdf-launch-action": (
        "mou.pdf",
        lambda: pdf_bytes(launch_in_an_annotation),
        documents.PDF_LAUNCH,
    ),
    "pdf-embedded-file": ("mou.pdf", lambda: pdf_bytes(embedded_file), documents.PDF_EMBEDDED_FILE),
    "pdf-that-is-html": (
        "mou.pdf",
        lambda: b"%PDF-1.7\n<html><body><script>fetch('/admin/')</script></body></html>\n",
        documents.PDF_UNREADABLE,
    ),
    "docx-with-vbaproject": (
        "mou.docx",
        lambda: minimal_docx(**{"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 OLE macros"}),
        documents.MACROS,
    ),
    "docx-declared-macro-enabled": (
        "mou.docx",
        lambda: minimal_docx(
            **{
                "[Content_Types].xml": content_types(
                    "application/vnd.ms-word.document.macroEnabled.main+xml"
                )
            }
        ),
        documents.DECLARED_TYPE,
    ),
    "odt-with-basic-macros": (
        "mou.odt",
        lambda: minimal_odt(
            **{
                "Basic/script-lc.xml": b'<?xml version="1.0"?><library:libraries/>',
                "Basic/Standard/Module1.xml": b"<script:module>Sub Main: Shell()</script:module>",
            }
        ),
        documents.MACROS,
    ),
    "zip-bomb-over-100-mb": ("mou.docx", lambda: zip_bomb(150 * 1024 * 1024), documents.ZIP_BOMB),
    "zip-bomb-by-ratio": ("mou.docx", lambda: zip_bomb(20 * 1024 * 1024), documents.ZIP_BOMB),
}


def stored_files(media_root) -> list[Path]:
    return [path for path in Path(media_root).rglob("*") if path.is_file()]


class TestHostileUploads:
    """Each refused for its own reason, with its message next to the field, one
    line in the log, and nothing stored: no file, the row as it was."""

    @pytest.mark.parametrize("case", HOSTILE)
    def test_it_is_refused_and_nothing_is_stored(
        self, client, alice, agreement, media_root, caplog, case
    ):
        name, build, message = HOSTILE[case]
        before = (
            Agreement.objects.filter(pk=agreement.pk).values().get(),
            agreement.history.count(),
        )
        client.force_login(alice)

        with caplog.at_level("WARNING", logger="partnerships.documents"):
            response = upload(client, agreement, name, build())

        assert response.status_code == 400
        assert document_errors(response) == [message]
        assert message in response.content.decode()
        [line] = [r.getMessage() for r in caplog.records if r.name == "partnerships.documents"]
        assert f"agreement {agreement.pk}: document refused" in line
        assert stored_files(media_root) == []
        after = (
            Agreement.objects.filter(pk=agreement.pk).values().get(),
            agreement.history.count(),
        )
        assert after == before

    def test_a_javascript_name_hidden_by_escapes_is_still_found(self):
        escaped = pdf_bytes(javascript_on_open).replace(b"/JavaScript", b"/J#61vaScript")
        assert b"/J#61vaScript" in escaped

        with pytest.raises(ValidationError) as refused:
            documents.check_upload(SimpleUploadedFile("mou.pdf", escaped))
        assert refused.value.code == "pdf_javascript"

    def test_a_body_over_the_limit_is_answered_413_before_it_is_read(
        self, client, alice, agreement, media_root
    ):
        class Unreadable(io.RawIOBase):
            def read(self, *args):
                raise AssertionError("the body was read")

        client.force_login(alice)
        response = client.generic(
            "POST",
            reverse("partnerships:agreement_document", args=[agreement.pk]),
            content_type="multipart/form-data; boundary=xyz",
            CONTENT_LENGTH=str(150 * 1024 * 1024),
            **{"wsgi.input": Unreadable()},
        )

        assert response.status_code == 413
        assert b"at most 20 MB" in response.content
        assert stored_files(media_root) == []
        agreement.refresh_from_db()
        assert not agreement.document


class TestDetectedExtension:
    def test_a_pdf_uploaded_as_exe_is_stored_and_downloaded_as_pdf(self, client, alice, agreement):
        client.force_login(alice)
        upload(client, agreement, "report.exe", TINY_PDF, "application/x-msdownload")
        agreement.refresh_from_db()
        assert agreement.document_name == "report.pdf"

        response = client.get(reverse("partnerships:agreement_document", args=[agreement.pk]))
        assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
        assert response["Content-Type"] == "application/pdf"
        response.close()

    def test_a_name_stored_before_is_served_with_the_detected_extension(
        self, client, alice, agreement
    ):
        client.force_login(alice)
        upload(client, agreement, "mou.pdf", TINY_PDF)
        Agreement.objects.filter(pk=agreement.pk).update(document_name="mou.html")

        response = client.get(reverse("partnerships:agreement_document", args=[agreement.pk]))
        assert response["Content-Disposition"] == 'attachment; filename="mou.pdf"'
        response.close()

    @pytest.mark.parametrize(
        "name, kind, expected",
        [
            ("report.exe", documents.DocumentKind.PDF, "report.pdf"),
            ("MoU.PDF", documents.DocumentKind.PDF, "MoU.pdf"),
            ("Agreement v1.2", documents.DocumentKind.DOCX, "Agreement v1.2.docx"),
            ("contract.odt.exe", documents.DocumentKind.ODT, "contract.odt.odt"),
            (".exe", documents.DocumentKind.PDF, "exe.pdf"),
        ],
    )
    def test_the_name_takes_the_detected_extension(self, name, kind, expected):
        assert documents.clean_name(name, kind) == expected


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

    def test_each_download_is_logged_with_who_and_the_sha256(self, client, alice, bob, agreement):
        client.force_login(alice)
        upload(client, agreement, "Signed MoU.pdf", TINY_PDF)
        client.force_login(bob)
        response = client.get(reverse("partnerships:agreement_document", args=[agreement.pk]))

        (download,) = DocumentDownload.objects.all()
        assert (download.agreement, download.user) == (agreement, bob)
        assert download.sha256 == hashlib.sha256(TINY_PDF).hexdigest()
        assert download.downloaded_at is not None
        response.close()  # (closes the database connection too: last)

    @pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.REVIEWER, Role.ADMINISTRATOR])
    def test_everyone_who_reads_the_agreement_may_download_it(self, client, alice, agreement, role):
        client.force_login(alice)
        upload(client, agreement, "Signed MoU.pdf", TINY_PDF)
        reader = user_with_role("reader", role)
        client.force_login(reader)
        response = client.get(reverse("partnerships:agreement_document", args=[agreement.pk]))
        assert response.status_code == 200
        assert DocumentDownload.objects.get().user == reader
        response.close()

    def test_a_refused_download_logs_nothing(self, client, alice, agreement):
        client.force_login(alice)
        upload(client, agreement, "Signed MoU.pdf", TINY_PDF)
        client.force_login(UserFactory(username="nora"))
        response = client.get(reverse("partnerships:agreement_document", args=[agreement.pk]))
        assert response.status_code == 403
        assert not DocumentDownload.objects.exists()

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
