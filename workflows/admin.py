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
