from django.urls import path

from .views import advisor, documents, members, organisations, pages

app_name = "accounts"

urlpatterns = [
    path("start/", organisations.home, name="home"),
    path("start/choose/", organisations.onboarding, name="onboarding"),
    path("register/", organisations.register, name="register"),
    path("register/founding/", organisations.register, {"founding": True}, name="register_founding"),
    path("orgs/<int:org>/", organisations.dashboard, name="dashboard"),
    path("orgs/<int:org>/profile/", organisations.profile_edit, name="profile_edit"),
    path("orgs/<int:org>/profile/confirm/", organisations.profile_confirm, name="profile_confirm"),
    path("orgs/<int:org>/profile/history/", organisations.profile_history, name="profile_history"),
    # members and invitations
    path("orgs/<int:org>/members/", members.member_list, name="members"),
    path("orgs/<int:org>/members/invite/", members.invite, name="invite"),
    path("orgs/<int:org>/members/<int:membership>/role/", members.change_role, name="change_role"),
    path("orgs/<int:org>/members/<int:membership>/remove/", members.remove, name="remove_member"),
    path("orgs/<int:org>/leave/", members.leave, name="leave"),
    path("invitations/<str:token>/", members.accept_invitation, name="accept_invitation"),
    # document vault
    path("orgs/<int:org>/documents/", documents.document_list, name="documents"),
    path("orgs/<int:org>/documents/upload/", documents.upload, name="upload_document"),
    path("orgs/<int:org>/documents/<int:document>/replace/", documents.replace, name="replace_document"),
    path("documents/<int:document>/download/", documents.download, name="download_document"),
    # the KI advisor
    path("advisor/organisations/", advisor.organisation_list, name="advisor_organisations"),
    path("advisor/organisations/<int:org>/", advisor.organisation_detail, name="advisor_organisation"),
    path("advisor/organisations/<int:org>/verify/", advisor.verify, name="verify"),
    path("advisor/organisations/<int:org>/decline/", advisor.decline, name="decline"),
    path("advisor/organisations/<int:org>/state/<slug:action>/", advisor.change_state, name="change_state"),
    path("advisor/ki-office/", advisor.ki_office_edit, name="ki_office"),
    # public pages
    path("directory/", pages.directory, name="directory"),
    path("directory/<int:org>/", pages.directory_detail, name="directory_detail"),
    path("pages/<slug:slug>/", pages.content_page, name="content_page"),
    path("i18n/setlang/", pages.set_language, name="set_language"),
]
