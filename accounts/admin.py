"""The Django admin for KI staff: find and correct data. State changes never happen here.

An organisation's `state` is a protected FSM field, changed only through accounts.services.organisations
(which log the transition and tell the board), so the admin shows it read-only. History rows (profile
changes) and file metadata are records of what happened: the admin only shows them.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import ContentPage, Document, Invitation, KIOffice, Membership, Organisation, ProfileChange, User
from .services.organisations import organisation_update_profile


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what happened: visible to staff, never added, edited or deleted by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email", "name")
        field_classes = {}


class UserChangeAdminForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"
        field_classes = {}


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    fields = ("organisation", "role", "joined_at")
    readonly_fields = ("joined_at",)
    autocomplete_fields = ("organisation",)
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """People log in with their e-mail address; there is no username."""

    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("name", "preferred_language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "name", "usable_password", "password1", "password2")}),
    )
    list_display = ("email", "name", "preferred_language", "is_staff", "is_active", "last_login")
    list_filter = ("is_staff", "is_active", "is_superuser", "preferred_language")
    search_fields = ("email", "name")
    ordering = ("email",)
    readonly_fields = ("last_login", "date_joined")
    inlines = [MembershipInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj else []  # memberships are added once the person exists


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "state", "legal_form", "district", "verified_at", "profile_confirmed_at")
    list_filter = ("state", "legal_form", "district", "is_charitable", "verified_at", "profile_confirmed_at")
    search_fields = ("name", "short_name", "register_number", "email", "contact_name")
    date_hierarchy = "created_at"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # `state` changes only through the services (verify, decline, …); the lifecycle fields they set go with it.
    readonly_fields = (
        "state", "verified_at", "verification_note", "profile_confirmed_at", "publication_consent_at",
        "profile_version", "created_at", "advisor_page",
    )  # fmt: skip
    fieldsets = (
        (None, {"fields": ("state", "advisor_page", "verified_at", "verification_note", "created_at")}),
        (_("Identity"), {"fields": ("name", "short_name", "legal_form", "register_number", "register_court",
                                     "founding_year", "is_charitable", "charitable_notice_date",
                                     "umbrella_memberships")}),
        (_("Profile"), {"fields": ("description", "focus_areas", "target_groups", "offers", "languages")}),
        (_("Location"), {"fields": ("district", "quarter", "address", "meeting_times")}),
        (_("Contact"), {"fields": ("contact_role", "contact_name", "contact_name_consent", "email", "phone",
                                    "website", "social_media")}),
        (_("Administration"), {"fields": ("member_count", "public_fields", "publication_consent_at",
                                           "profile_confirmed_at", "profile_version")}),
    )  # fmt: skip

    def save_model(self, request, obj, form, change):
        # Corrections go through the profile service, so they appear in the change history; only what the
        # form changed is written, never the lifecycle fields as they were read when the page was opened.
        if not change:
            obj.save()
        elif form.changed_data:
            organisation_update_profile(
                organisation=obj, actor=request.user, based_on_version=obj.profile_version,
                data={name: form.cleaned_data[name] for name in form.changed_data},
            )  # fmt: skip

    @admin.display(description=_("page in the portal"))
    def advisor_page(self, organisation):
        if organisation.pk is None:
            return "–"
        url = reverse("accounts:advisor_organisation", args=[organisation.pk])
        return format_html('<a href="{}">{}</a>', url, _("verify, decline and see the history in the portal"))


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "joined_at")
    list_filter = ("role",)
    search_fields = ("user__email", "user__name", "organisation__name", "organisation__short_name")
    list_select_related = ("user", "organisation")
    autocomplete_fields = ("user", "organisation")
    readonly_fields = ("joined_at",)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    # The token is the invitation's secret: it is never shown.
    list_display = ("email", "organisation", "role", "invited_by", "created_at", "expires_at", "accepted_at")
    list_filter = ("role", "created_at", "accepted_at")
    search_fields = ("email", "organisation__name")
    list_select_related = ("organisation", "invited_by")
    fields = ("organisation", "email", "role", "invited_by", "created_at", "expires_at", "accepted_at", "accepted_by")
    readonly_fields = ("invited_by", "created_at", "accepted_at", "accepted_by")
    autocomplete_fields = ("organisation",)


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """Title, kind and issue date may be corrected; the file and its metadata stay as uploaded."""

    list_display = ("__str__", "organisation", "kind", "issue_date", "original_name", "size", "uploaded_at")
    list_filter = ("kind", "uploaded_at")
    search_fields = ("title", "original_name", "organisation__name")
    list_select_related = ("organisation",)
    # The private storage has no URL: files are downloaded through the permission-checked view.
    fields = ("organisation", "kind", "title", "issue_date", "download", "original_name", "content_type", "size",
              "uploaded_by", "uploaded_at", "replaced_by")  # fmt: skip
    readonly_fields = ("organisation", "download", "original_name", "content_type", "size", "uploaded_by",
                       "uploaded_at", "replaced_by")  # fmt: skip

    def has_add_permission(self, request):
        return False  # uploads go through the vault, which checks type and size

    @admin.display(description=_("file"))
    def download(self, document):
        return format_html(
            '<a href="{}">{}</a>', reverse("accounts:download_document", args=[document.pk]), document.original_name
        )


@admin.register(ProfileChange)
class ProfileChangeAdmin(ReadOnlyAdmin):
    list_display = ("changed_at", "organisation", "field_name", "old_value", "new_value", "actor")
    list_filter = ("field_name", "changed_at")
    search_fields = ("organisation__name", "old_value", "new_value", "actor__email")
    list_select_related = ("organisation", "actor")


@admin.register(KIOffice)
class KIOfficeAdmin(admin.ModelAdmin):
    list_display = ("office", "name", "phone", "email", "updated_at")
    readonly_fields = ("updated_at",)

    def has_add_permission(self, request):
        return not KIOffice.objects.exists()  # there is one row


@admin.register(ContentPage)
class ContentPageAdmin(admin.ModelAdmin):
    list_display = ("slug", "title_de", "title_en", "updated_at")
    search_fields = ("slug", "title_de", "title_en", "body_de", "body_en")
    readonly_fields = ("updated_at",)
    prepopulated_fields = {"slug": ("title_en",)}
