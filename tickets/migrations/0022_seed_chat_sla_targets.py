from django.db import migrations

# Live chat targets per priority, in seconds: (first response, resolution). A learner waiting
# in the widget expects a person within a minute; a chat is settled within minutes.
CHAT_TARGETS = {
    "urgent": (30, 10 * 60),
    "high": (45, 15 * 60),
    "normal": (60, 15 * 60),
    "low": (120, 30 * 60),
}


def chat_targets_seed(apps, schema_editor):
    SLAPolicy = apps.get_model("tickets", "SLAPolicy")
    for priority, (first, resolution) in CHAT_TARGETS.items():
        # Only policies without chat targets: an administrator's own values stay.
        SLAPolicy.objects.filter(
            priority=priority, chat_first_response_seconds__isnull=True, chat_resolution_seconds__isnull=True
        ).update(chat_first_response_seconds=first, chat_resolution_seconds=resolution)


def chat_targets_clear(apps, schema_editor):
    SLAPolicy = apps.get_model("tickets", "SLAPolicy")
    SLAPolicy.objects.update(chat_first_response_seconds=None, chat_resolution_seconds=None)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0021_sla_chat_targets")]

    operations = [migrations.RunPython(chat_targets_seed, chat_targets_clear)]
