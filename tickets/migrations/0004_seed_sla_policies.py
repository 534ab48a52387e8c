from django.db import migrations

# Support hours of a typical knowledge-payment platform: every day 09:00-21:00 Beijing time.
WEEKLY = {str(day): [["09:00", "21:00"]] for day in range(7)}
# (priority, first response minutes, resolution minutes, within support hours)
POLICIES = [
    ("urgent", 30, 4 * 60, False),
    ("high", 60, 8 * 60, True),
    ("normal", 4 * 60, 24 * 60, True),
    ("low", 8 * 60, 72 * 60, True),
]


def policies_create(apps, schema_editor):
    BusinessHours = apps.get_model("tickets", "BusinessHours")
    SLAPolicy = apps.get_model("tickets", "SLAPolicy")
    hours, _ = BusinessHours.objects.get_or_create(
        name="Support hours", defaults={"timezone": "Asia/Shanghai", "weekly": WEEKLY, "holidays": []}
    )
    for priority, first, resolution, in_hours in POLICIES:
        SLAPolicy.objects.get_or_create(
            priority=priority,
            defaults={
                "first_response_minutes": first,
                "resolution_minutes": resolution,
                "business_hours": hours if in_hours else None,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("tickets", "0003_ticket_lifecycle")]

    operations = [migrations.RunPython(policies_create, migrations.RunPython.noop)]
