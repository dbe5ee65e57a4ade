from django.contrib import admin

from .models import TransitionLog


@admin.register(TransitionLog)
class TransitionLogAdmin(admin.ModelAdmin):
    """The audit trail: the services write it, nobody edits it."""

    list_display = ("created_at", "content_type", "object_id", "transition", "source", "target", "actor")
    list_filter = ("content_type", "transition", "created_at")
    search_fields = ("message",)
    list_select_related = ("content_type", "actor")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- comments (issue 11) ---
from django.utils.translation import gettext_lazy as _  # noqa: E402

from .models import Comment  # noqa: E402


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """Comments and internal notes as written: the admin only shows them."""

    list_display = ("created_at", "content_type", "object_id", "author", "internal", "short_body")
    list_filter = ("internal", "content_type", "created_at")
    search_fields = ("body", "author__email", "author__name")
    list_select_related = ("content_type", "author")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("comment"))
    def short_body(self, comment):
        return comment.body if len(comment.body) <= 80 else comment.body[:79] + "…"
