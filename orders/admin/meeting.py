"""Order meetings in the Django admin: read-only, since every change goes through the meeting's services
(edits checked against capacity and against what the editor saw; lock and unlock with a reason)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from orders.admin.planning import _ReadOnly
from orders.models import MeetingCellEdit, MeetingDecision, MeetingWeek


class MeetingDecisionInline(_ReadOnly, admin.TabularInline):
    model = MeetingDecision
    extra = 0
    fields = ["created_at", "decided_by", "text", "reason", "item", "plan_week"]
    readonly_fields = fields


@admin.register(MeetingWeek)
class MeetingWeekAdmin(_ReadOnly, SimpleHistoryAdmin):
    list_display = ["week", "status", "schedule", "locked_by", "locked_at", "status_reason"]
    list_filter = ["status"]
    date_hierarchy = "week"
    list_select_related = ["schedule", "locked_by"]
    inlines = [MeetingDecisionInline]


@admin.register(MeetingCellEdit)
class MeetingCellEditAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["edited_at", "meeting", "item", "plan_week", "old_quantity", "new_quantity", "edited_by", "source"]
    list_filter = ["source", "meeting"]
    search_fields = ["item__sku", "comment", "edited_by__username"]
    list_select_related = ["meeting", "item", "edited_by"]


@admin.register(MeetingDecision)
class MeetingDecisionAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "meeting", "text", "item", "plan_week", "decided_by"]
    list_filter = ["meeting"]
    search_fields = ["text", "reason", "item__sku"]
    list_select_related = ["meeting", "item", "decided_by"]
