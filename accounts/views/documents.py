from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from ..forms import DocumentReplaceForm, DocumentUploadForm
from ..models import DocumentKind
from ..selectors import get_document_for_user, get_membership_for_user
from ..services.documents import document_replace, document_upload


@login_required
def document_list(request, org):
    membership = get_membership_for_user(request.user, org)
    groups = _documents_by_kind(membership.organisation)
    return render(request, "accounts/documents.html", {"membership": membership, "organisation": membership.organisation, "groups": groups})


@login_required
def upload(request, org):
    membership = get_membership_for_user(request.user, org, board=True)
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = document_upload(
                organisation=membership.organisation, actor=request.user, kind=data["kind"], uploaded_file=data["file"],
                title=data["title"], issue_date=data["issue_date"],
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("“%(document)s” has been added to the documents.") % {"document": document})
            return redirect("accounts:documents", org=membership.organisation_id)
    return render(request, "accounts/document_form.html", {"form": form, "membership": membership, "organisation": membership.organisation})


@login_required
def replace(request, org, document):
    membership = get_membership_for_user(request.user, org, board=True)
    document = get_document_for_user(request.user, document)
    if document.organisation_id != membership.organisation_id:
        raise Http404
    form = DocumentReplaceForm(request.POST or None, request.FILES or None, document=document)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new_version = document_replace(
                document=document, actor=request.user, uploaded_file=data["file"], issue_date=data["issue_date"],
                title=data["title"],
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The new version of “%(document)s” has been saved; the old one is kept.") % {"document": new_version})
            return redirect("accounts:documents", org=membership.organisation_id)
    return render(request, "accounts/document_form.html", {"form": form, "membership": membership, "organisation": membership.organisation, "document": document})


@never_cache
@login_required
def download(request, document):
    document = get_document_for_user(request.user, document)
    response = FileResponse(document.file.open("rb"), as_attachment=True, filename=document.original_name, content_type=document.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _documents_by_kind(organisation):
    """[(kind label, current documents)] in the order of DocumentKind, each with `older_versions`, newest
    first. One query: versions form chains (old.replaced_by = newer), followed here in memory."""
    documents = list(organisation.documents.select_related("uploaded_by").order_by("-uploaded_at", "-pk"))
    by_pk = {document.pk: document for document in documents}
    for document in documents:
        document.older_versions = []
    for document in documents:
        newest = document
        while newest.replaced_by_id is not None:
            newest = by_pk[newest.replaced_by_id]
        if newest is not document:
            newest.older_versions.append(document)
    position = {kind: index for index, kind in enumerate(DocumentKind.values)}
    current = sorted((d for d in documents if d.replaced_by_id is None), key=lambda d: position.get(d.kind, len(position)))
    groups = [list(group) for _kind, group in groupby(current, key=lambda d: d.kind)]
    return [(group[0].get_kind_display(), group) for group in groups]
