from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import OfficialProfile


@admin.register(OfficialProfile)
class OfficialProfileAdmin(SimpleHistoryAdmin):
    list_display = ("user", "member_state")
    list_filter = ("member_state",)
    list_select_related = ("user", "member_state")
    search_fields = ("user__username", "user__email", "member_state__name")
    autocomplete_fields = ("user",)
