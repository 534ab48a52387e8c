from django.db import migrations

# Starter canned responses in both languages; managers edit or add more in the admin.
# (key, category slug, zh title, zh body, en title, en body)
CANNED = [
    (
        "greeting",
        None,
        "问候",
        "{customer_name} 您好，我是客服{agent_name}，很高兴为您服务。关于工单 {reference}，",
        "Greeting",
        "Hello {customer_name}, this is {agent_name} from support. About your ticket {reference}: ",
    ),
    (
        "video-playback",
        "course-access",
        "视频无法播放排查",
        "{customer_name} 您好，关于《{course}》无法播放：请先把 App 升级到最新版本，在「我的-设置」中清除缓存，"
        "再切换一次网络（Wi-Fi/4G）后重试。如果仍然不行，请告诉我们手机型号、系统版本和出现问题的小节，我们会尽快排查。",
        "Video will not play",
        "Hello {customer_name}, about {course} not playing: please update the app, clear the cache under "
        "Me > Settings, switch networks (Wi-Fi/mobile) and try again. If it still fails, tell us your device, "
        "OS version and the lesson, and we will look into it right away.",
    ),
    (
        "refund-policy",
        "refund",
        "退款规则说明",
        "{customer_name} 您好，订单 {order}（{course}）的退款规则：购买 7 天内且学习进度不超过 30% 可全额退款；"
        "超过期限或进度的申请会由二线同事人工审核，审核结果会在 1-3 个工作日内通知您，款项原路退回。",
        "Refund policy",
        "Hello {customer_name}, the refund rules for order {order} ({course}): within 7 days of purchase and "
        "under 30% progress, you get a full refund; other requests are reviewed by our tier-2 team within "
        "1-3 business days. Refunds go back to the original payment method.",
    ),
    (
        "invoice",
        "certificate-invoice",
        "开具发票",
        "{customer_name} 您好，订单 {order} 可以开具电子发票。请回复发票抬头、税号和接收邮箱，我们会在 3 个工作日内开具并发送。",
        "Invoice",
        "Hello {customer_name}, we can issue an e-invoice for order {order}. Please reply with the company "
        "name, tax ID and the email address to send it to; it will arrive within 3 business days.",
    ),
    (
        "login-phone-change",
        "account-login",
        "更换手机号后无法登录",
        "{customer_name} 您好，为确认账号归属，请提供：1）原手机号；2）任意一个订单号或已购课程名称；3）新手机号。"
        "核实后我们会为您更换绑定手机号，已购课程不受影响。",
        "Cannot sign in after changing phone number",
        "Hello {customer_name}, to confirm the account is yours please send: 1) your old phone number, "
        "2) an order number or a course you bought, 3) your new number. Once verified we will move the "
        "account over; your courses are kept.",
    ),
    (
        "closing",
        None,
        "结束语",
        "问题已经处理好了，如果还有其他疑问，直接回复本工单即可。祝您学习愉快！——{agent_name}",
        "Closing",
        "That should sort it out. If anything else comes up, just reply to this ticket. Happy learning! "
        "— {agent_name}",
    ),
]


def canned_create(apps, schema_editor):
    CannedResponse = apps.get_model("tickets", "CannedResponse")
    Category = apps.get_model("tickets", "Category")
    for key, slug, zh_title, zh_body, en_title, en_body in CANNED:
        category = Category.objects.filter(slug=slug).first() if slug else None
        for language, title, body in (("zh-hans", zh_title, zh_body), ("en", en_title, en_body)):
            CannedResponse.objects.get_or_create(
                key=key, language=language, defaults={"title": title, "body": body, "category": category}
            )


class Migration(migrations.Migration):
    dependencies = [("tickets", "0004_seed_sla_policies")]

    operations = [migrations.RunPython(canned_create, migrations.RunPython.noop)]
