"""The document vault: uploading documents and replacing them with a new version (the old one is kept).

A file is accepted by its content, not by its name: the first bytes must be those of a PDF, PNG or
JPEG file, and it must not exceed `settings.DOCUMENT_MAX_BYTES`. It is stored in the private storage
under a random name (`document_upload_to`); the name the person chose is kept only, cleaned, as the
name offered when downloading.
"""

import math
import re
import unicodedata
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ..models import Document, DocumentKind
from . import ensure_board

# (first bytes, content type, file name extensions): the only files the vault accepts.
FILE_TYPES = (
    (b"%PDF-", "application/pdf", ("pdf",)),
    (b"\x89PNG\r\n\x1a\n", "image/png", ("png",)),
    (b"\xff\xd8\xff", "image/jpeg", ("jpg", "jpeg")),
)
MAGIC_LENGTH = max(len(magic) for magic, _type, _extensions in FILE_TYPES)
MEGABYTE = 1024 * 1024
DOWNLOAD_NAME_MAX_LENGTH = 150
# Characters that are not allowed in file names on common systems, or could break the header.
UNSAFE_IN_NAME = re.compile(r'[/\\:*?"<>|]+')


def document_upload(*, organisation, actor, kind, uploaded_file, title="", issue_date=None):
    """Put a new document of `kind` into the organisation's vault and return it.

    Raises PermissionDenied unless `actor` is on the organisation's board, and ValidationError (keyed
    by "file", "kind" or "issue_date") for a file that is not a PDF, PNG or JPEG by its content, a file
    larger than DOCUMENT_MAX_BYTES, an unknown kind, a tax office notice without its issue date, or an
    issue date in the future.
    """
    ensure_board(actor, organisation)
    content_type = _validate(kind=kind, uploaded_file=uploaded_file, issue_date=issue_date)
    document = Document(
        organisation=organisation, kind=kind, title=title.strip(), issue_date=issue_date, uploaded_by=actor,
        original_name=download_name(uploaded_file.name, content_type), content_type=content_type,
        size=uploaded_file.size,
    )  # fmt: skip
    with _file_removed_on_error(document, uploaded_file), transaction.atomic():
        document.save()
    return document


def document_replace(*, document, actor, uploaded_file, issue_date=None, title=None):
    """Store a new version of `document` and return it; the old version and its file stay, pointing to it.

    The new version has the same kind. `title=None` keeps the old title; the issue date belongs to the
    file, so it is not carried over. Raises PermissionDenied unless `actor` is on the organisation's
    board, ValidationError for the same reasons as `document_upload`, and ValidationError if the
    document has already been replaced (somebody else may have done it a moment ago).
    """
    ensure_board(actor, document.organisation)
    content_type = _validate(kind=document.kind, uploaded_file=uploaded_file, issue_date=issue_date)
    new_version = Document(
        organisation=document.organisation, kind=document.kind, issue_date=issue_date, uploaded_by=actor,
        title=document.title if title is None else title.strip(),
        original_name=download_name(uploaded_file.name, content_type), content_type=content_type,
        size=uploaded_file.size,
    )  # fmt: skip
    with _file_removed_on_error(new_version, uploaded_file), transaction.atomic():
        old_version = Document.objects.select_for_update().get(pk=document.pk)
        if old_version.replaced_by_id is not None:
            raise ValidationError(
                _("This document has already been replaced by a newer version. Please replace the current "
                  "version from the list of documents.")
            )  # fmt: skip
        new_version.save()
        old_version.replaced_by = new_version
        old_version.save(update_fields=["replaced_by"])
    document.replaced_by = new_version
    return new_version


def check_document_file(uploaded_file):
    """Return the content type of a PDF, PNG or JPEG file, detected from its first bytes.

    Raises ValidationError (code "file_too_large" or "file_type") otherwise; the file name and the
    content type the browser sent are not trusted.
    """
    errors = []
    if uploaded_file.size > settings.DOCUMENT_MAX_BYTES:
        errors.append(ValidationError(
            _("“%(name)s” is %(size)s MB, but a document can be at most %(limit)s MB. Please make the file "
              "smaller, for example by scanning with a lower resolution, and choose it again."),
            code="file_too_large",
            params={"name": uploaded_file.name, "size": megabytes(uploaded_file.size, round_up=True),
                    "limit": megabytes(settings.DOCUMENT_MAX_BYTES)},
        ))  # fmt: skip
    content_type = detect_content_type(uploaded_file)
    if content_type is None:
        errors.append(ValidationError(
            _("“%(name)s” is not a PDF, JPEG or PNG file. Only these file types can be uploaded, and "
              "renaming a file does not change its type. Please save or scan the document as PDF, JPEG or "
              "PNG and choose it again."),
            code="file_type",
            params={"name": uploaded_file.name},
        ))  # fmt: skip
    if errors:
        raise ValidationError(errors)
    return content_type


def check_issue_date(*, kind, issue_date):
    """Raise ValidationError if a tax office notice lacks its issue date or an issue date lies ahead."""
    if kind == DocumentKind.TAX_NOTICE and issue_date is None:
        raise ValidationError(
            _("Please enter the date of the tax office notice: it shows until when the notice is valid."),
            code="issue_date_required",
        )
    if issue_date is not None and issue_date > timezone.localdate():
        raise ValidationError(
            _("The issue date lies in the future. Please enter the date printed on the document."),
            code="issue_date_in_future",
        )


def detect_content_type(uploaded_file):
    """The content type its first bytes show, or None if it is not a PDF, PNG or JPEG file."""
    uploaded_file.seek(0)
    head = uploaded_file.read(MAGIC_LENGTH)
    uploaded_file.seek(0)
    for magic, content_type, _extensions in FILE_TYPES:
        if head.startswith(magic):
            return content_type
    return None


def download_name(filename, content_type):
    """The name a download is offered under: the chosen name without paths, control or unsafe characters,
    ending in an extension that fits the content (so the computer opens it with the right program)."""
    name = unicodedata.normalize("NFC", str(filename or "")).replace("\\", "/").rsplit("/", 1)[-1]
    # Category C covers control and invisible formatting characters such as right-to-left overrides,
    # which can make "report‮fdp.exe" look like "reportexe.pdf".
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C")
    name = " ".join(UNSAFE_IN_NAME.sub("_", name).split()).strip(" .")
    extensions = next(extensions for _magic, type_, extensions in FILE_TYPES if type_ == content_type)
    stem, dot, extension = name.rpartition(".")
    if not dot or extension.lower() not in extensions:
        stem, extension = name, extensions[0]
    stem = stem[: DOWNLOAD_NAME_MAX_LENGTH - len(extension) - 1].rstrip(" .") or _("document")
    return f"{stem}.{extension}"


def megabytes(size, *, round_up=False):
    """`size` bytes in MB with at most one decimal, formatted for the current language ("10", "10,1")."""
    tenths = size * 10 / MEGABYTE
    tenths = math.ceil(tenths) if round_up else round(tenths)
    return number_format(tenths / 10, decimal_pos=0 if tenths % 10 == 0 else 1)


def _validate(*, kind, uploaded_file, issue_date):
    """The content type of a valid upload; otherwise ValidationError keyed by the form field concerned."""
    errors = {}
    if kind not in DocumentKind.values:
        errors["kind"] = ValidationError(_("Please choose what kind of document this is."), code="invalid_kind")
    content_type = None
    try:
        content_type = check_document_file(uploaded_file)
    except ValidationError as error:
        errors["file"] = error
    try:
        check_issue_date(kind=kind, issue_date=issue_date)
    except ValidationError as error:
        errors["issue_date"] = error
    if errors:
        raise ValidationError(errors)
    return content_type


@contextmanager
def _file_removed_on_error(document, uploaded_file):
    """Write the uploaded file to the private storage; remove it again if the rows are not saved.

    (Inside an outer transaction that rolls back later the file stays: an orphan under a random name,
    which nobody can reach through the portal.)
    """
    uploaded_file.seek(0)
    # The name passed here is ignored: document_upload_to chooses a random one.
    document.file.save("upload", uploaded_file, save=False)
    try:
        yield
    except BaseException:
        document.file.delete(save=False)
        raise
