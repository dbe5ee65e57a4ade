from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Document, DocumentKind, Role
from accounts.services.documents import document_replace, document_upload, download_name
from tests.factories import MembershipFactory

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
WINDOWS_EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
LINUX_EXECUTABLE = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


# The vault's messages are asserted in English, the source language: these actors read English.
@pytest.fixture
def board_a(board_a):
    return reads_english(board_a)


@pytest.fixture
def member_a(member_a):
    return reads_english(member_a)


@pytest.fixture
def board_b(board_b):
    return reads_english(board_b)


def reads_english(user):
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    return user


def a_file(name="Satzung 2021.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def post_upload(client, organisation, **data):
    data = {"kind": DocumentKind.STATUTES, "title": "Satzung", "issue_date": "", "file": a_file(), **data}
    return client.post(reverse("accounts:upload_document", args=[organisation.pk]), data)


def make_document(organisation, actor, *, kind=DocumentKind.STATUTES, content=PDF, name="Satzung.pdf", **fields):
    return document_upload(
        organisation=organisation, actor=actor, kind=kind, uploaded_file=a_file(name, content), **fields
    )


def private_location():
    return Path(settings.STORAGES["private"]["OPTIONS"]["location"]).resolve()


def stored_files():
    return {path for path in private_location().rglob("*") if path.is_file()}


def download_url(document):
    return reverse("accounts:download_document", args=[document.pk])


def test_board_member_uploads_a_pdf_that_is_stored_privately_under_a_random_name(board_a_client, board_a, org_a):
    response = post_upload(board_a_client, org_a)
    assert response.url == reverse("accounts:documents", args=[org_a.pk])
    document = Document.objects.get()
    assert (document.organisation, document.kind, document.title, document.uploaded_by) == (
        org_a, DocumentKind.STATUTES, "Satzung", board_a
    )  # fmt: skip
    assert (document.original_name, document.content_type, document.size) == ("Satzung 2021.pdf", "application/pdf", len(PDF))
    path = Path(document.file.path).resolve()
    assert path.read_bytes() == PDF
    assert path.is_relative_to(private_location())
    for public in (Path(settings.STATIC_ROOT), Path(settings.BASE_DIR) / "static"):
        assert not path.is_relative_to(public.resolve())
    assert "satzung" not in document.file.name.lower() and "pdf" not in document.file.name.lower()
    assert "." not in path.name


@pytest.mark.parametrize(
    ("name", "content", "browser_type", "stored_type"),
    [
        ("Registerauszug.PNG", PNG, "application/octet-stream", "image/png"),
        ("Foto vom Bescheid.jpeg", JPEG, "image/png", "image/jpeg"),
    ],
)
def test_png_and_jpeg_are_accepted_and_typed_by_their_content(board_a_client, org_a, name, content, browser_type, stored_type):
    response = post_upload(board_a_client, org_a, file=a_file(name, content, browser_type))
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.content_type, document.original_name) == (stored_type, name)
    assert Path(document.file.path).read_bytes() == content


def test_file_over_the_size_limit_is_refused_with_its_size_and_the_limit(board_a_client, org_a):
    before = stored_files()
    too_large = b"%PDF-" + b"\x00" * (settings.DOCUMENT_MAX_BYTES + 1 - 5)
    response = post_upload(board_a_client, org_a, file=a_file("Scan.pdf", too_large))
    assert response.status_code == 200
    assert "“Scan.pdf” is 10.1 MB, but a document can be at most 10 MB." in response.text
    assert response.context["form"].has_error("file", code="file_too_large")
    assert not Document.objects.exists()
    assert stored_files() == before


def test_file_of_exactly_the_size_limit_is_accepted(board_a, org_a, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    document = make_document(org_a, board_a, content=PDF.ljust(1024, b"\n"))
    assert document.size == 1024
    with pytest.raises(ValidationError) as raised:
        make_document(org_a, board_a, content=PDF.ljust(1025, b"\n"))
    assert [error.code for error in raised.value.error_dict["file"]] == ["file_too_large"]


@pytest.mark.parametrize(
    ("name", "content", "browser_type"),
    [
        ("report.pdf", WINDOWS_EXECUTABLE, "application/pdf"),
        ("report.pdf", LINUX_EXECUTABLE, "application/pdf"),
        ("photo.png", HTML, "image/png"),
    ],
)
def test_file_that_is_not_pdf_jpeg_or_png_inside_is_refused_whatever_its_name(
    board_a_client, org_a, name, content, browser_type
):
    before = stored_files()
    response = post_upload(board_a_client, org_a, file=a_file(name, content, browser_type))
    assert response.status_code == 200
    assert f"“{name}” is not a PDF, JPEG or PNG file." in response.text
    assert response.context["form"].has_error("file", code="file_type")
    assert not Document.objects.exists()
    assert stored_files() == before


def test_refused_upload_keeps_kind_and_title_and_asks_to_choose_the_file_again(board_a_client, org_a):
    response = post_upload(
        board_a_client, org_a, kind=DocumentKind.REGISTER_EXTRACT, title="Auszug März 2024", file=a_file("photo.png", HTML)
    )  # fmt: skip
    assert 'value="Auszug März 2024"' in response.text
    assert '<option value="register_extract" selected>' in response.text
    assert "Please choose the file again" in response.text
    assert 'enctype="multipart/form-data"' in response.text


def test_tax_office_notice_needs_its_issue_date(board_a_client, board_a, org_a):
    response = post_upload(board_a_client, org_a, kind=DocumentKind.TAX_NOTICE, title="Freistellungsbescheid")
    assert response.status_code == 200
    assert response.context["form"].has_error("issue_date", code="issue_date_required")
    assert "Please enter the date of the tax office notice" in response.text
    assert not Document.objects.exists()
    with pytest.raises(ValidationError) as raised:
        make_document(org_a, board_a, kind=DocumentKind.TAX_NOTICE)
    assert list(raised.value.error_dict) == ["issue_date"]


def test_issue_date_in_the_future_is_refused(board_a_client, org_a):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = post_upload(board_a_client, org_a, kind=DocumentKind.TAX_NOTICE, issue_date=tomorrow.isoformat())
    assert response.context["form"].has_error("issue_date", code="issue_date_in_future")
    assert not Document.objects.exists()


def test_member_cannot_upload_or_replace_but_can_list_and_download(member_a_client, member_a, board_a, org_a):
    document = make_document(org_a, board_a)
    assert member_a_client.get(reverse("accounts:upload_document", args=[org_a.pk])).status_code == 403
    assert post_upload(member_a_client, org_a).status_code == 403
    replace_url = reverse("accounts:replace_document", args=[org_a.pk, document.pk])
    assert member_a_client.post(replace_url, {"file": a_file(), "title": "x"}).status_code == 403
    assert Document.objects.count() == 1
    with pytest.raises(PermissionDenied):
        make_document(org_a, member_a)

    listing = member_a_client.get(reverse("accounts:documents", args=[org_a.pk]))
    assert download_url(document) in listing.text
    assert reverse("accounts:upload_document", args=[org_a.pk]) not in listing.text
    assert replace_url not in listing.text
    response = member_a_client.get(download_url(document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_download_is_an_attachment_with_the_original_name_and_the_detected_type(board_a_client, board_a, org_a):
    document = make_document(org_a, board_a, name="Satzung 2021.pdf")
    response = board_a_client.get(download_url(document))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Satzung 2021.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF


def test_advisor_can_download_documents_of_any_organisation(advisor_client, board_a, org_a, board_b, org_b):
    for document in (make_document(org_a, board_a), make_document(org_b, board_b, content=PNG, name="b.png")):
        response = advisor_client.get(download_url(document))
        assert response.status_code == 200
        assert response["Content-Type"] == document.content_type


def test_member_of_other_organisation_gets_404_for_the_vault(board_b_client, board_a, org_a, org_b):
    document = make_document(org_a, board_a)
    replace_url = reverse("accounts:replace_document", args=[org_a.pk, document.pk])
    assert board_b_client.get(reverse("accounts:documents", args=[org_a.pk])).status_code == 404
    assert board_b_client.get(reverse("accounts:upload_document", args=[org_a.pk])).status_code == 404
    assert post_upload(board_b_client, org_a).status_code == 404
    assert board_b_client.get(replace_url).status_code == 404
    assert board_b_client.post(replace_url, {"file": a_file(), "title": "x"}).status_code == 404
    # Their own organisation in the address does not open another organisation's document either.
    own_org_url = reverse("accounts:replace_document", args=[org_b.pk, document.pk])
    assert board_b_client.post(own_org_url, {"file": a_file(), "title": "x"}).status_code == 404
    assert board_b_client.get(download_url(document)).status_code == 404
    assert list(Document.objects.all()) == [document]
    assert Document.objects.get().replaced_by is None


def test_replacing_through_another_organisation_of_the_same_board_member_gets_404(board_a_client, board_a, org_a, org_b):
    MembershipFactory(user=board_a, organisation=org_b, role=Role.CHAIR)
    document = make_document(org_a, board_a)
    url = reverse("accounts:replace_document", args=[org_b.pk, document.pk])
    assert board_a_client.get(url).status_code == 404
    assert board_a_client.post(url, {"file": a_file(), "title": "x"}).status_code == 404
    assert Document.objects.count() == 1


def test_anonymous_visitor_is_sent_to_login_and_never_gets_the_file(client, board_a, org_a):
    document = make_document(org_a, board_a)
    response = client.get(download_url(document))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not getattr(response, "streaming", False)
    assert client.get(reverse("accounts:documents", args=[org_a.pk])).status_code == 302


def test_replacing_a_document_keeps_the_old_version_and_lists_it(board_a_client, board_a, org_a):
    old = make_document(org_a, board_a, kind=DocumentKind.TAX_NOTICE, name="Bescheid 2019.pdf", title="Freistellungsbescheid",
                        issue_date=timezone.localdate() - timedelta(days=4 * 365))  # fmt: skip
    url = reverse("accounts:replace_document", args=[org_a.pk, old.pk])
    assert board_a_client.get(url).context["form"].initial["title"] == "Freistellungsbescheid"
    new_pdf = PDF.replace(b"Catalog", b"Catalog /Version 2")
    issued = timezone.localdate() - timedelta(days=30)
    response = board_a_client.post(url, {"file": a_file("Bescheid 2024.pdf", new_pdf), "title": "Freistellungsbescheid", "issue_date": issued.isoformat()})
    assert response.url == reverse("accounts:documents", args=[org_a.pk])

    old.refresh_from_db()
    new = Document.objects.get(replaced_by__isnull=True)
    assert Document.objects.count() == 2
    assert old.replaced_by == new
    assert (new.kind, new.title, new.issue_date, new.original_name) == (DocumentKind.TAX_NOTICE, "Freistellungsbescheid", issued, "Bescheid 2024.pdf")
    assert Path(old.file.path).read_bytes() == PDF
    assert Path(new.file.path).read_bytes() == new_pdf

    listing = board_a_client.get(reverse("accounts:documents", args=[org_a.pk])).text
    assert "1 older version of “Freistellungsbescheid”" in listing
    assert "Bescheid 2019.pdf" in listing
    assert download_url(old) in listing and download_url(new) in listing
    assert "Stale: older than 3 years" not in listing
    assert board_a_client.get(download_url(old)).status_code == 200


def test_an_already_replaced_version_cannot_be_replaced_again(board_a_client, board_a, org_a):
    old = make_document(org_a, board_a)
    document_replace(document=old, actor=board_a, uploaded_file=a_file())
    response = board_a_client.post(
        reverse("accounts:replace_document", args=[org_a.pk, old.pk]), {"file": a_file(), "title": ""}
    )
    assert response.status_code == 200
    assert "has already been replaced by a newer version" in response.text
    assert Document.objects.count() == 2


def test_wrong_file_for_a_replacement_changes_nothing(board_a_client, board_a, org_a):
    old = make_document(org_a, board_a)
    response = board_a_client.post(
        reverse("accounts:replace_document", args=[org_a.pk, old.pk]), {"file": a_file("neu.pdf", WINDOWS_EXECUTABLE), "title": ""}
    )
    assert response.context["form"].has_error("file", code="file_type")
    assert Document.objects.get().replaced_by is None


def test_stale_tax_office_notice_is_marked_in_the_list(board_a_client, board_a, org_a):
    make_document(org_a, board_a, kind=DocumentKind.TAX_NOTICE, title="Bescheid alt",
                  issue_date=timezone.localdate() - timedelta(days=4 * 365))  # fmt: skip
    make_document(org_a, board_a, kind=DocumentKind.STATUTES, title="Satzung von 1990",
                  issue_date=timezone.localdate() - timedelta(days=30 * 365))  # fmt: skip
    listing = board_a_client.get(reverse("accounts:documents", args=[org_a.pk])).text
    assert listing.count("Stale: older than 3 years") == 1
    assert "“Bescheid alt” is older than three years" in listing


def test_list_groups_current_documents_by_kind_with_accessible_download_links(board_a_client, board_a, org_a):
    make_document(org_a, board_a, kind=DocumentKind.OTHER, title="Mitgliederliste")
    make_document(org_a, board_a, kind=DocumentKind.STATUTES, title="Satzung")
    listing = board_a_client.get(reverse("accounts:documents", args=[org_a.pk])).text
    assert listing.index("Statutes (Satzung)</h2>") < listing.index("Other</h2>")
    assert "<span class=\"kern-sr-only\"> Satzung</span>" in listing
    assert reverse("accounts:upload_document", args=[org_a.pk]) in listing


def test_document_list_needs_the_same_number_of_queries_for_3_and_30_documents(board_a_client, board_a, org_a):
    issued = timezone.localdate() - timedelta(days=100)

    def add_documents(count):
        for number in range(count):
            kind = DocumentKind.values[number % len(DocumentKind.values)]
            document = make_document(org_a, board_a, kind=kind, title=f"Dokument {number}", issue_date=issued)
            if number % 3 == 0:
                document_replace(document=document, actor=board_a, uploaded_file=a_file())

    url = reverse("accounts:documents", args=[org_a.pk])
    add_documents(3)
    with CaptureQueriesContext(connection) as few:
        assert board_a_client.get(url).status_code == 200
    add_documents(27)
    with CaptureQueriesContext(connection) as many:
        assert board_a_client.get(url).text.count("older version of") == 10
    assert len(many) == len(few)


@pytest.mark.parametrize(
    ("chosen", "content_type", "offered"),
    [
        ("C:\\Users\\Vorstand\\Satzung.pdf", "application/pdf", "Satzung.pdf"),
        ("../../etc/passwd", "application/pdf", "passwd.pdf"),
        ("Bescheid\u202efdp.exe", "application/pdf", "Bescheidfdp.exe.pdf"),
        ('a"b<c>.png', "image/png", "a_b_c_.png"),
        ("Foto.png", "image/jpeg", "Foto.png.jpg"),
        ("Überweisung\r\n.JPG", "image/jpeg", "Überweisung.JPG"),
        ("...", "application/pdf", "document.pdf"),
    ],
)
def test_download_name_is_the_chosen_name_made_safe(chosen, content_type, offered):
    with translation.override("en"):
        assert download_name(chosen, content_type) == offered
