from django.db import migrations

# The knowledge-payment categories of DESIGN.md. Managers can rename, reorder or add
# more in the admin; this only creates the ones that do not exist yet.
CATEGORIES = [
    ("account-login", "Account & login", "账号与登录"),
    ("payment", "Payment", "支付"),
    ("refund", "Refund", "退款"),
    ("course-access", "Course access & playback", "课程访问与播放"),
    ("course-content", "Course content", "课程内容"),
    ("certificate-invoice", "Certificate & invoice", "证书与发票"),
    ("membership", "Membership", "会员"),
    ("complaint", "Complaint", "投诉"),
    ("other", "Other", "其他"),
]


def categories_create(apps, schema_editor):
    Category = apps.get_model("tickets", "Category")
    for position, (slug, name_en, name_zh) in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            slug=slug, defaults={"name_en": name_en, "name_zh_hans": name_zh, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_category")]

    operations = [migrations.RunPython(categories_create, migrations.RunPython.noop)]
