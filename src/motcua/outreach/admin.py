"""Admin of the outreach app: the editable lists of forms and topics.

Plans, activities and reports change only through the services (pages and
API), so they are not editable here.
"""

from django.contrib import admin

from motcua.outreach.models import Channel, Topic


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin[Channel]):
    list_display = ("name", "code", "order", "active")
    list_editable = ("order", "active")


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin[Topic]):
    list_display = ("name", "code", "order", "active")
    list_editable = ("order", "active")
