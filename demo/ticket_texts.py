"""The texts demo tickets are written from: per category and language, templates of a
subject, first message, agent reply, customer follow-up, final reply and resolution, plus
the notes, reasons and comments that the stories in ``demo.tickets`` pick from.

Placeholders: {name} {email} {course} {order} {amount} {paid_date} {refund}
{refund_date} {expires} {lesson} {phone4} {new_phone4} {device} {teacher} {company}
{tax_id} {txn} {waybill} {code4} {ref} {minor} {n}
"""

# ruff: noqa: E501 - sentences are kept whole, one per line, for translators and reviewers
from dataclasses import dataclass

from accounts.models import CourseKind
from tickets.choices import Channel, Priority

# ---------------------------------------------------------------------------------------
# Texts. Placeholders: {name} {email} {course} {order} {amount} {paid_date} {refund}
# {refund_date} {expires} {lesson} {phone4} {new_phone4} {device} {teacher} {company}
# {tax_id} {txn} {waybill} {code4} {ref} {minor} {n}
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    """One kind of request in one language.

    ``needs`` says which of the customer's orders the ticket is about: None (no order),
    "catalog" (a course they may buy), "order" (any paid order), "pending" (an unpaid
    order), "course" (a paid course, column or live session), "membership", "refundable"
    (opens a refund request), "refunded" (an order refunded before). ``kinds`` narrows the
    course kinds, ``soon`` puts the ticket within days of the payment, ``hold`` lets the
    agent put it on hold (third parties), ``urgent`` raises the priority.
    """

    needs: str | None
    subject: str
    first: str
    reply: str
    follow_up: str
    final: str
    resolution: str
    kinds: tuple[str, ...] = ()
    soon: bool = False
    hold: bool = False
    urgent: bool = False


T = Template
LIVE = (CourseKind.LIVE,)
LEARNING = (CourseKind.COURSE, CourseKind.COLUMN, CourseKind.LIVE)
COLUMN = (CourseKind.COLUMN,)
BOOTCAMP = (CourseKind.COURSE,)

TEMPLATES: dict[tuple[str, str], tuple[Template, ...]] = {
    # ----------------------------------------------------------------- account & login
    ("account-login", "zh-hans"): (
        T(
            None,
            "换了手机号后登录不上账号",
            "我原来的手机号（尾号{phone4}）已经停用了，换了新号码以后用验证码登录，系统说这是一个新用户，"
            "之前买的课都看不到了。请问怎么把账号转到新手机号上？",
            "您好，为了核实账号归属，请提供：1）原手机号；2）最近一笔订单的订单号或购买过的课程名称；"
            "3）新手机号。我们核实后会帮您换绑。",
            "原号码尾号{phone4}，新号码尾号{new_phone4}，之前买过《{course}》。麻烦尽快处理，谢谢！",
            "已核实完毕，您的账号已换绑到新手机号（尾号{new_phone4}）。请退出 App 后用新号码重新登录，"
            "已购课程都在「我的-已购」里。",
            "核实身份后将账号换绑至新手机号",
        ),
        T(
            None,
            "登录收不到短信验证码",
            "登录的时候点获取验证码，等了十几分钟都没收到短信，试了好几次了。手机信号正常，其他 App 的短信都能收到。",
            "您好，请确认手机没有开启短信拦截（部分手机会把验证码归到「通知短信」或骚扰拦截里），也可以试试语音验证码。"
            "如果仍收不到，请告诉我们手机号尾号和手机型号，我们查一下发送记录。",
            "拦截里确实没有，我的手机是{device}，号码尾号{phone4}。",
            "查到是运营商通道对您号码的短信有延迟，我们已切换发送通道，现在再获取一次验证码应该能正常收到。"
            "如果着急，也可以先用微信一键登录。",
            "短信通道延迟，切换发送通道后恢复",
        ),
        T(
            None,
            "账号提示异常登录被锁定",
            "今天打开 App 提示「账号存在异常登录，已被临时锁定」，我没有在别的地方登录过，是不是被盗号了？"
            "里面有好几门课。",
            "您好，系统检测到您的账号在短时间内有多台设备登录，出于安全考虑临时锁定。请问您最近是否在新设备上登录过，"
            "或把账号借给过他人？核实后我们为您解锁。",
            "前两天在公司电脑上登录过一次，家里的{device}也一直在用，没借给别人。",
            "已为您解除锁定，并让其他设备全部下线。请尽快修改密码，并在「设置-账号安全」里开启登录保护。"
            "同一账号最多支持 3 台设备登录。",
            "多设备登录触发风控，核实后解锁并下线其他设备",
        ),
        T(
            None,
            "微信登录后已购课程全没了",
            "我之前一直用手机号登录，今天图方便点了微信登录，结果进去是个空账号，已买的课程都不见了，吓死我了。",
            "您好，别担心，课程都还在原账号里。微信登录时如果微信没有绑定原账号，会自动创建一个新账号。"
            "请问您原账号的手机号尾号是多少？我们帮您把微信绑定到原账号上。",
            "原账号手机号尾号{phone4}，新建的那个空账号可以删掉。",
            "已将您的微信绑定到尾号{phone4}的原账号，并注销了误建的空账号。现在用微信或手机号登录都能看到已购课程了。",
            "微信误建新账号，绑定到原账号并注销空账号",
        ),
        T(
            None,
            "忘记密码，找回时提示邮箱未注册",
            "电脑网页端要用账号密码登录，我忘了密码，点找回密码输入邮箱，提示邮箱未注册。"
            "可我记得注册时填的就是这个邮箱。",
            "您好，网页端也支持手机验证码登录，您可以先试试。若账号是用手机号注册的，可能没有绑定邮箱。"
            "请提供注册手机号尾号，我们帮您查询账号绑定情况。",
            "验证码登录成功了，但我还是想绑定邮箱，以后方便收发票。手机尾号{phone4}。",
            "已查询到您的账号此前未绑定邮箱。您可以在「设置-账号与安全-绑定邮箱」里自行绑定，"
            "绑定后即可用邮箱找回密码。",
            "账号未绑定邮箱，指导验证码登录并绑定邮箱",
        ),
        T(
            None,
            "申请注销账号",
            "我不再使用这个平台了，想注销账号并删除我的个人信息，应该怎么操作？",
            "您好，注销后账号内的已购课程、学习记录和余额都将无法恢复。如确认注销，请在 App「设置-账号与安全-注销账号」"
            "中提交，或回复我们确认，我们将在 15 个工作日内完成处理。",
            "确认注销，已购的课我也不需要了。",
            "已为您提交注销申请，账号将在 15 天冷静期结束后完成注销，期间重新登录即可撤销。感谢您一直以来的支持。",
            "按流程提交账号注销，告知冷静期",
        ),
        T(
            None,
            "平板上一直提示登录已过期",
            "我在 iPad 上听课，几乎每天都提示「登录已过期，请重新登录」，手机上就没有这个问题，很烦。",
            "您好，请问 iPad 上的 App 是从 App Store 下载的最新版本吗？另外是否开启了「低电量模式」或定时清理后台？",
            "是最新版，没开低电量模式，iPad 系统版本 17.{minor}。",
            "排查到 iPad 端登录凭证刷新有问题，已在 5.{minor}.2 版本修复。更新后重新登录一次，之后就不会频繁过期了。",
            "平板端凭证刷新缺陷，新版本修复",
        ),
    ),
    ("account-login", "en"): (
        T(
            None,
            "Can't log in after changing my phone number",
            "I switched to a new phone number (the old one ended in {phone4}) and now when I log in with a "
            "verification "
            "code the app treats me as a brand-new user. All my courses are gone. How do I move my account to the new "
            "number?",
            "Hi, to verify that the account is yours, please send us: 1) your old phone number, 2) an order number or "
            "the "
            "title of a course you bought, 3) your new number. Once verified we'll move the account over.",
            "Old number ended in {phone4}, the new one ends in {new_phone4}. I bought {course}. Thanks for the quick "
            "help.",
            "All verified: your account is now linked to the number ending in {new_phone4}. Log out of the app and "
            "sign in "
            "again with the new number; your courses are under My Library.",
            "Verified identity and moved the account to the new phone number",
        ),
        T(
            None,
            "Verification code email never arrives",
            "I'm trying to sign in with my email but the verification code never shows up. I've checked spam and the "
            "promotions tab. It's been about 20 minutes.",
            "Sorry about that. Some mail providers delay automated messages. Which provider do you use, and can you "
            "confirm "
            "the address you sign in with? Adding no-reply@ to your contacts also helps.",
            "It's an Outlook address, the same one my receipts go to. Still nothing.",
            "Our mail logs show Outlook was deferring our messages. We've resent the code through another route and "
            "whitelisted your address; it should arrive within a minute. You can also set a password now so you don't "
            "depend on codes.",
            "Mail provider deferring codes; resent via another route",
        ),
        T(
            None,
            "Account locked after an 'unusual sign-in'",
            "The app says my account was locked because of an unusual sign-in. I haven't logged in anywhere new. Was "
            "my "
            "account hacked? I have several paid courses on it.",
            "Hi, our system saw sign-ins from several devices within a short time and locked the account to be safe. "
            "Have "
            "you signed in on a new device recently, or shared the account with anyone?",
            "I logged in on a work laptop two days ago, and I use my {device} at home. Never shared it.",
            "We've unlocked your account and signed out all other devices. Please change your password and turn on "
            "login "
            "protection under Settings > Security. One account can be signed in on up to 3 devices.",
            "Multi-device sign-ins triggered the lock; unlocked and other sessions revoked",
        ),
        T(
            None,
            "Signed in with Apple and got an empty account",
            "I always used my email to sign in, but today I tapped 'Sign in with Apple' and ended up in an empty "
            "account. "
            "None of my purchases are there.",
            "No worries, your courses are safe in your original account. 'Sign in with Apple' creates a new account "
            "when it "
            "isn't linked yet. Which email did you use for the original account? We'll link the two.",
            "The original one is {email}. You can delete the empty one.",
            "Done: your Apple ID is now linked to {email} and the empty account has been removed. Both sign-in "
            "methods now "
            "open your library.",
            "Linked Apple ID to the original account; removed the duplicate",
        ),
        T(
            None,
            "Password reset link has expired",
            "I requested a password reset and clicked the link in the email, but it says the link has expired. I tried "
            "twice, each time within a few minutes.",
            "Sorry for the trouble. Some email apps open links in a preview first, which uses up the one-time link. "
            "Could "
            "you try copying the link into your browser instead of tapping it?",
            "Copying the link gave the same error.",
            "We found the reset links were being invalidated by your mail provider's link scanner. We've sent you a "
            "one-time code instead; enter it on the reset page to set a new password.",
            "Link scanner consumed reset links; sent a reset code instead",
        ),
        T(
            None,
            "Please delete my account and personal data",
            "I no longer use the platform. Please delete my account and all personal data you hold about me.",
            "We can do that. Please note that deleting the account removes your purchased courses, progress and "
            "certificates for good. Reply to confirm and we'll process it within 15 working days.",
            "Confirmed, please go ahead.",
            "Your deletion request is filed. The account will be deleted after a 15-day cooling-off period; signing in "
            "before then cancels the request. Thank you for learning with us.",
            "Account deletion filed, cooling-off period explained",
        ),
        T(
            None,
            "Logged out on my iPad every day",
            "On my iPad the app keeps saying 'session expired, please sign in again' almost every day. My phone "
            "doesn't "
            "have this problem.",
            "Hi, is the iPad app on the latest version from the App Store? And is Low Power Mode or any background "
            "cleaner "
            "turned on?",
            "Latest version, no Low Power Mode. iPadOS 17.{minor}.",
            "We found a bug in how the iPad app refreshes sign-ins; it's fixed in version 5.{minor}.2. Update and "
            "sign in "
            "once more, and it will stay signed in.",
            "Tablet session refresh bug, fixed in new release",
        ),
    ),
    # ----------------------------------------------------------------------- payment
    ("payment", "zh-hans"): (
        T(
            "pending",
            "付款被扣了但订单显示待支付",
            "刚才买《{course}》，微信支付提示扣款成功了，但 App 里订单 {order} 一直显示待支付，课程也打不开。",
            "您好，请提供微信支付账单里这笔交易的「交易单号」后 8 位，我们查询一下到账情况。",
            "交易单号后 8 位是 {txn}，扣了 {amount} 元。",
            "查询到这笔支付在银行侧处理失败，款项没有到达平台，{amount} 元会在 1-3 个工作日内原路退回，订单 {order} "
            "已自动取消。您可以重新下单购买，给您带来不便非常抱歉。",
            "支付失败但银行预扣款，告知原路退回并重新下单",
            urgent=True,
        ),
        T(
            "order",
            "同一门课被扣了两次钱",
            "买《{course}》的时候网络卡了一下，我点了两次支付，结果银行卡扣了两笔 {amount} 元，但只有一个订单 "
            "{order}。",
            "您好，请提供两笔扣款的支付截图（含时间和交易单号），我们核对后会把多扣的一笔原路退回。",
            "截图已上传，两笔时间相差不到一分钟。",
            "核实确有一笔重复扣款，支付平台已撤销该笔交易，{amount} 元将在 1-3 个工作日原路退回您的银行卡，"
            "订单 {order} 不受影响。",
            "重复支付，多扣款项由支付平台原路退回",
            urgent=True,
        ),
        T(
            "order",
            "下单时优惠券没有抵扣",
            "我领了一张 30 元的新人优惠券，买《{course}》时忘了勾选，直接付了 {amount} 元，能不能补退差价？",
            "您好，优惠券需在下单时选择使用，付款后系统无法自动抵扣。我们可以为您申请一次补偿，"
            "请确认优惠券还在「我的-优惠券」里且未过期。",
            "还在，有效期到月底。",
            "已为您申请补偿：30 元差价以学习币形式返还到您的账户（1 学习币 = 1 元），该优惠券已作废。"
            "下次下单记得在结算页勾选哦。",
            "优惠券漏用，差价以学习币补偿",
        ),
        T(
            "catalog",
            "可以用花呗分期付款吗",
            "想买《{course}》，价格有点高，请问支持花呗分期或者信用卡分期吗？",
            "您好，安卓和网页端支持花呗分期（3/6/12 期），在支付页选择「花呗分期」即可。请问您准备在哪个端购买？",
            "在 iPhone 上买，支付页面没看到花呗。",
            "iOS 端的课程需通过 Apple 内购支付，暂不支持花呗。您可以在电脑浏览器或安卓端下单使用花呗分期，"
            "购买后在 iPhone 上登录同一账号即可学习。",
            "iOS 内购不支持花呗，引导网页端分期购买",
        ),
        T(
            "order",
            "苹果手机上买的比安卓贵",
            "我在 iPhone 上买的《{course}》付了 {amount} 元，朋友用安卓买同一门课便宜不少，为什么价格不一样？"
            "能退差价吗？",
            "您好，iOS 端需通过 Apple 内购支付，Apple 会收取渠道服务费，因此部分课程价格略高。请问您的订单号是？"
            "我们看看能否为您申请补偿。",
            "订单号是 {order}。",
            "已核实订单 {order}。内购款项由 Apple 收取，我们无法直接退差价，但已为您发放等额学习币作为补偿，"
            "可用于购买平台其他课程。感谢理解。",
            "iOS 渠道价差，发放学习币补偿",
        ),
        T(
            "catalog",
            "公司想对公转账批量购买课程",
            "我们公司想给 20 名员工统一购买《{course}》，请问可以对公转账吗？需要签采购合同。",
            "您好，企业采购支持对公转账和合同签署。请提供公司名称、采购人数和联系人电话，企业服务同事会与您对接。",
            "公司名称：{company}，20 人，联系人就是我，电话尾号 {phone4}。",
            "已将需求转给企业服务团队，专属顾问会在 1 个工作日内联系您，确认报价与合同后即可对公转账，"
            "到账后批量开通学习账号。",
            "企业采购需求转企业服务团队跟进",
            hold=True,
        ),
        T(
            "catalog",
            "支付时提示银行卡超出限额",
            "买《{course}》的时候用储蓄卡付款，提示「超出银行卡单笔限额」，可是我卡里钱是够的。",
            "您好，这是发卡银行设置的网上支付限额，平台这边无法调整。您可以联系银行提高限额，或换用微信零钱、"
            "支付宝余额支付。",
            "换了支付宝也提示限额。",
            "支付宝绑定的也是同一张卡，所以同样受限。建议在支付宝中选择「余额」或「余额宝」付款，"
            "或分两次充值学习币后购买。",
            "银行卡网上支付限额，建议更换支付方式",
        ),
    ),
    ("payment", "en"): (
        T(
            "pending",
            "Charged, but my order still says 'pending payment'",
            "I just bought {course}. My card was charged {amount}, but order {order} still shows 'pending payment' "
            "and the "
            "course is locked.",
            "Hi, could you send us the last 8 digits of the transaction ID from your card or PayPal statement? We'll "
            "check whether the payment reached us.",
            "Transaction ID ends in {txn}. The charge was {amount}.",
            "The payment failed on the bank's side and never reached us; the {amount} is only a hold and will be "
            "released "
            "within 1-3 business days. Order {order} was cancelled automatically, so please place a new order. Sorry "
            "for "
            "the hassle.",
            "Payment failed with a bank hold; hold released, asked to reorder",
            urgent=True,
        ),
        T(
            "order",
            "Charged twice for the same course",
            "The page froze while I was paying for {course}, I clicked again, and now I see two charges of {amount} "
            "on my "
            "card but only one order ({order}).",
            "Sorry about that. Please send a screenshot of both charges with their times and transaction IDs, and "
            "we'll "
            "refund the duplicate.",
            "Screenshot uploaded, the two charges are less than a minute apart.",
            "Confirmed, one charge was a duplicate. The payment provider has voided it and {amount} will be back on "
            "your "
            "card within 1-3 business days. Order {order} is not affected.",
            "Duplicate charge voided by the payment provider",
            urgent=True,
        ),
        T(
            "order",
            "My coupon wasn't applied at checkout",
            "I had a $5 welcome coupon but forgot to select it when I bought {course}, so I paid the full {amount}. "
            "Can "
            "you refund the difference?",
            "Coupons can only be applied while ordering, but we can request a goodwill credit. Is the coupon still "
            "under "
            "My Coupons and not expired?",
            "Yes, it's still there and valid until the end of the month.",
            "We've added the difference to your account as learning credits and retired the coupon. Next time, pick "
            "the "
            "coupon on the checkout page.",
            "Missed coupon compensated with credits",
        ),
        T(
            "catalog",
            "Do you accept PayPal?",
            "I'd like to buy {course} but I don't have a credit card. Can I pay with PayPal or Apple Pay?",
            "Hi, on the website we accept cards and PayPal; in the iOS app purchases go through Apple. Where would "
            "you like "
            "to buy?",
            "On the website, from my laptop.",
            "Great: on the website choose PayPal on the payment page. After paying, sign in with the same account on "
            "any "
            "device to start learning.",
            "Explained payment methods per platform",
        ),
        T(
            "order",
            "The price on iOS was higher than on the website",
            "I paid {amount} for {course} in the iPhone app, and then saw it's cheaper on the website. Why is the "
            "price "
            "different, and can I get the difference back?",
            "Purchases in the iOS app go through Apple, which charges a store fee, so some prices are higher there. "
            "What's "
            "your order number? We'll see what we can do.",
            "It's {order}.",
            "We checked order {order}. Apple collects in-app payments, so we can't refund part of it, but we've "
            "credited the "
            "difference to your account as learning credits for any other course. Thanks for understanding.",
            "App Store price difference, compensated with credits",
        ),
        T(
            "catalog",
            "Buying seats for my team by bank transfer",
            "Our company would like to buy {course} for 15 employees. Can we pay by bank transfer against an invoice?",
            "Yes, team purchases can be paid by bank transfer. Please send the company name, the number of seats and a "
            "contact phone number, and our business team will get in touch.",
            "{company}, 15 seats, you can reach me at the number ending in {phone4}.",
            "Your request is with our business team; an account manager will contact you within one business day with "
            "a "
            "quote. Once the transfer arrives, the seats are activated in bulk.",
            "Team purchase handed to the business team",
            hold=True,
        ),
        T(
            "catalog",
            "Card declined although I have enough funds",
            "My card keeps getting declined when I try to buy {course}. There is money on the account and the card "
            "works "
            "elsewhere.",
            "Sorry about that. Declines usually come from the bank's fraud check for foreign merchants. Could you "
            "tell us "
            "the card type and the error message you see?",
            "Visa debit, the message just says 'payment declined'.",
            "Our payment logs show your bank declined it as an international transaction. Please allow "
            "online/international "
            "payments in your banking app or use PayPal; we've checked and nothing is blocked on our side.",
            "Bank declined an international transaction; advised on options",
        ),
    ),
    # ------------------------------------------------------------------------ refund
    ("refund", "zh-hans"): (
        T(
            "refundable",
            "买错课了，申请退款",
            "不好意思，本来想买的是另一门课，手滑买成了《{course}》（订单 {order}），还没开始看，能全额退款吗？",
            "您好，已收到您的退款申请。订单 {order} 在购买 7 天内且尚未学习，符合无理由退款条件，已提交审核，"
            "审核通过后 1-3 个工作日原路退回。",
            "好的，麻烦尽快，谢谢。",
            "退款已处理，如有其他想学的课程，欢迎随时咨询我们。",
            "购买后不久误购，按规则退款",
            soon=True,
        ),
        T(
            "refundable",
            "课程内容和宣传不符，申请退款",
            "《{course}》详情页写的是实战项目课，买了才发现大部分是理论讲解，只有最后两节有案例，和宣传差太多了，"
            "申请退款。",
            "您好，很抱歉课程没有达到您的预期。您的反馈已记录并提交退款审核。请问您目前学习到第几节了？"
            "这会影响核定金额。",
            "看到第 {lesson} 节就看不下去了。",
            "审核结果已通知您。您对课程介绍的意见已反馈给内容团队，他们会修改详情页描述。",
            "按学习进度核定退款，介绍页问题反馈内容团队",
        ),
        T(
            "refundable",
            "孩子用我的手机误购了课程",
            "家里孩子玩我手机的时候点进去买了《{course}》，订单 {order}，扣了 {amount} 元，我们根本不需要这门课，"
            "能退吗？",
            "您好，理解您的情况，已为您提交退款审核，请确认该课程尚未学习。另外建议在「设置-支付设置」中开启支付密码，"
            "避免再次误购。",
            "没有学过，已经开了支付密码。",
            "已按未成年人误购流程处理，如还有疑问可以随时回复。",
            "未成年人误购，课程未学习",
            soon=True,
        ),
        T(
            "refundable",
            "工作太忙学不了了，能退一部分吗",
            "《{course}》买了有一段时间了，最近工作太忙一直没时间学，想申请退款，退一部分也可以。",
            "您好，该订单已超过 7 天无理由退款期限，需要二线同事按学习进度审核，请耐心等待审核结果。",
            "明白，能退多少算多少吧。",
            "感谢您的理解，如以后有时间学习，也欢迎再回来。",
            "超出无理由退款期，按规则审核",
        ),
        T(
            "refundable",
            "直播改期参加不了，申请退款",
            "报名的《{course}》原定周六晚上直播，临时通知改到工作日白天，我那个时间要上班，没法参加，申请退款。",
            "您好，非常抱歉直播改期给您带来不便。因课程调整导致无法参加的可以申请退款，已为您提交审核。",
            "好的，等你们消息。",
            "改期退款已处理，之后有新的直播排期会通过站内信通知您。",
            "直播改期无法参加",
            kinds=LIVE,
        ),
        T(
            "refunded",
            "退款显示成功了，钱还没到账",
            "订单 {order} 的退款显示已经通过了，已经过去好几天了，我的卡里还没收到钱，是哪里出问题了吗？",
            "您好，退款已由我们发起，原路退回到支付账户：微信和支付宝通常即时到账，银行卡一般 3-7 个工作日。"
            "请问您当时是用什么方式支付的？",
            "用的信用卡。",
            "查询到退款已于 {refund_date} 退回至您的信用卡。信用卡退款会冲抵账单，可能体现在下期账单中，"
            "请留意账单明细。",
            "退款已原路退回，信用卡入账延迟，告知查询方式",
        ),
        T(
            "refundable",
            "训练营跟不上进度，想申请退款",
            "报了《{course}》，每天的任务量太大了，我下班后根本跟不上，想退出训练营，请问能退款吗？",
            "您好，训练营开营后退款需按已开放的课时比例核算，已为您提交审核。也可以考虑转到下一期，节奏会更适合您吗？",
            "还是退款吧，最近确实没时间。",
            "好的，已按规则为您处理，期待以后有机会再一起学习。",
            "训练营中途退出，按开放课时比例核算",
            kinds=BOOTCAMP,
        ),
    ),
    ("refund", "en"): (
        T(
            "refundable",
            "Bought the wrong course, refund please",
            "Sorry, I meant to buy a different course and bought {course} by mistake (order {order}). I haven't "
            "started "
            "it. Can I get a full refund?",
            "Hi, we've received your refund request. Order {order} is within the 7-day window and hasn't been "
            "started, so "
            "it qualifies; it's now with our review team and the money goes back to the original payment method "
            "within 1-3 "
            "business days of approval.",
            "Great, thanks for the quick reply.",
            "Your refund has been handled. If you'd like help finding the course you meant to buy, just reply here.",
            "Bought by mistake shortly after purchase, refunded per policy",
            soon=True,
        ),
        T(
            "refundable",
            "Course is not what was advertised",
            "The page for {course} promised hands-on projects, but most of it is theory and only the last two lessons "
            "have "
            "examples. That's not what I paid for. I'd like a refund.",
            "We're sorry the course didn't meet your expectations. Your refund request is with our review team. How "
            "far "
            "have you got in the course? That affects the amount we can refund.",
            "I stopped at lesson {lesson}.",
            "The decision has been posted above. We've also passed your comments on the course description to the "
            "content "
            "team so they can fix the page.",
            "Refund assessed by progress; description feedback passed on",
        ),
        T(
            "refundable",
            "My kid bought this by accident",
            "My child was playing with my phone and bought {course} (order {order}, {amount}). We don't need this "
            "course "
            "at all. Can it be refunded?",
            "Understood. We've sent the refund for review; please confirm the course hasn't been used. We also "
            "recommend "
            "turning on payment confirmation under Settings > Payments to prevent this in the future.",
            "Nobody has opened it, and I've turned the confirmation on.",
            "This has been handled under our accidental-purchase-by-a-minor policy. Reply here if anything is unclear.",
            "Accidental purchase by a minor, course unused",
            soon=True,
        ),
        T(
            "refundable",
            "No time to take the course anymore",
            "I bought {course} a while ago but work has been crazy and I haven't had time. Can I get a refund, even a "
            "partial "
            "one?",
            "Hi, the order is past the 7-day no-questions-asked window, so a senior colleague will review it based on "
            "your "
            "progress. We'll get back to you with the decision.",
            "Understood, whatever is possible.",
            "Thanks for your patience. If you find time to learn again, you're always welcome back.",
            "Outside the refund window, reviewed per policy",
        ),
        T(
            "refundable",
            "Live session was rescheduled and I can't attend",
            "{course} was supposed to be on Saturday evening, but it was moved to a weekday afternoon when I'm at "
            "work. I'd "
            "like a refund.",
            "We're sorry about the change. If a schedule change means you can't attend, you can get a refund; we've "
            "sent it "
            "for review.",
            "Thanks, I'll wait for your decision.",
            "The refund has been handled. We'll notify you when the next live sessions are scheduled.",
            "Live session rescheduled, customer cannot attend",
            kinds=LIVE,
        ),
        T(
            "refunded",
            "Refund approved but money not received",
            "The refund for order {order} shows as approved, but several days later the money isn't back on my card. "
            "Is "
            "something wrong?",
            "Hi, the refund was sent back to your original payment method. PayPal refunds are usually instant; card "
            "refunds "
            "take 3-7 business days. How did you pay?",
            "With a credit card.",
            "The refund was sent to your credit card on {refund_date}. Card refunds often show up as a credit on the "
            "next "
            "statement; please check your statement details.",
            "Refund sent; card posting delay explained",
        ),
        T(
            "refundable",
            "Can't keep up with the cohort, want to drop out",
            "I joined {course} but the daily workload is too much next to my job. Can I leave the cohort and get a "
            "refund?",
            "Sorry to hear that. Once a cohort has started, refunds are prorated by the lessons already released; "
            "we've "
            "sent it for review. Would moving to the next cohort help instead?",
            "I'd rather have the refund, thanks.",
            "Handled per policy. We hope to see you in a future cohort.",
            "Left the cohort mid-way, prorated by released lessons",
            kinds=BOOTCAMP,
        ),
    ),
    # --------------------------------------------------------- course access & playback
    ("course-access", "zh-hans"): (
        T(
            "course",
            "《{course}》第{lesson}节视频一直转圈播放不了",
            "打开《{course}》第 {lesson} 节，视频一直在加载，转了好几分钟都播不出来，其他节也一样。我用的是{device}，"
            "WiFi 和 4G 都试过了。",
            "您好，请先尝试：1）更新 App 到最新版本；2）「我的-设置-清除缓存」后重启；3）"
            "在播放页右上角切换「播放线路」。"
            "如仍无法播放，请告诉我们 App 版本号和出问题的时间。",
            "清了缓存还是不行，版本是 5.{minor}.0，晚上 9 点左右一直这样。",
            "排查到是部分地区 CDN 节点异常，技术同事已切换节点，现在可以正常播放了。如果还有问题，"
            "请在播放页点「反馈」上传日志。",
            "CDN 节点异常，切换节点后恢复播放",
            kinds=LEARNING,
            hold=True,
        ),
        T(
            "course",
            "买了课在「已购」里找不到",
            "前两天买了《{course}》，订单 {order} 显示已支付，但在「已购」里找不到这门课。",
            "您好，请确认登录的是购买时的账号（手机号或微信）。如果是同一账号，下拉刷新「已购」列表试试。",
            "是同一个账号，刷新了也没有。",
            "已为您的账号重新同步订单权益，现在「已购」里可以看到《{course}》了。",
            "订单权益同步失败，手动同步后恢复",
            kinds=LEARNING,
        ),
        T(
            "course",
            "课程无法下载离线观看",
            "下周要坐长途飞机，想把《{course}》下载下来离线看，点下载一直提示「下载失败」。",
            "您好，请检查手机存储空间是否充足（建议预留 2GB 以上），并确认已允许 App 使用存储权限。",
            "空间还有 30 多个 G，权限也开了，还是失败。",
            "是当前版本下载组件的问题，已在 5.{minor}.1 版本修复，请更新 App 后重新下载。"
            "已下载的内容在有效期内可离线观看。",
            "下载组件缺陷，更新版本后解决",
            kinds=LEARNING,
        ),
        T(
            "course",
            "无法投屏到电视上",
            "想把《{course}》投屏到客厅电视上看，点投屏按钮一直搜不到设备，电视是小米的。",
            "您好，投屏需要手机和电视连接同一个 WiFi，并在电视上开启「无线投屏」。请先确认这两点。",
            "同一个 WiFi，电视也开了投屏，还是搜不到。",
            "确认是路由器开启了「AP 隔离」导致设备互相发现不了。关闭后即可投屏，您也可以用电脑网页端连接 HDMI 观看。",
            "路由器 AP 隔离导致无法投屏，指导关闭",
            kinds=LEARNING,
        ),
        T(
            "course",
            "直播马上开始了进不去直播间",
            "《{course}》直播还有十分钟就开始了，点「进入直播间」一直白屏，急！",
            "您好，请先退出重进，或直接用电脑浏览器打开直播链接。如果还是白屏，请告诉我们手机型号和 App 版本。",
            "用电脑进去了，但手机上还是白屏，{device}。",
            "手机白屏是旧版内核的兼容问题，已在新版本修复。本场直播的回放会在结束后 2 小时内生成，可在课程页观看。",
            "旧版内核白屏，电脑端进入，告知回放",
            kinds=LIVE,
            urgent=True,
        ),
        T(
            "course",
            "手机和平板学习进度不同步",
            "我在手机上把《{course}》学到了第 {lesson} 节，换到平板上打开又从头开始了，进度不同步。",
            "您好，进度同步需要两台设备登录同一个账号并联网。请确认平板上登录的账号和手机一致。",
            "是同一个账号。",
            "查到您平板上的 App 版本较旧，同步接口已停用。更新后进度会自动同步，已学内容也会标记完成。",
            "旧版本同步接口停用，更新后同步",
            kinds=LEARNING,
        ),
        T(
            "course",
            "锁屏后音频就停了",
            "听《{course}》的音频，手机一锁屏就停止播放，开车的时候特别不方便。",
            "您好，请在手机「设置-应用-电池」中把 App 设为「允许后台运行」，并关闭省电模式对 App 的限制。",
            "设置了还是会停，{device}。",
            "该机型的系统会强制清理后台音频，我们已在 5.{minor}.3 版本加入前台播放通知来避免被清理，"
            "更新后即可锁屏收听。",
            "系统清理后台，新版本加入前台播放通知",
            kinds=COLUMN,
        ),
    ),
    ("course-access", "en"): (
        T(
            "course",
            "Video won't play in {course}, lesson {lesson}",
            "Lesson {lesson} of {course} just keeps buffering and never starts. The other lessons do the same. I'm on "
            "a "
            "{device} and tried both Wi-Fi and mobile data.",
            "Hi, please try: 1) update the app, 2) clear the cache under Settings > Storage and restart, 3) switch the "
            "'playback line' at the top right of the player. If it still fails, tell us your app version and when it "
            "happens.",
            "Cleared the cache, still stuck. Version 5.{minor}.0, it happens every evening around 9pm.",
            "We found a faulty CDN node in your region and our engineers have switched it; videos play normally "
            "again. If "
            "anything still fails, tap 'Feedback' in the player to send us logs.",
            "Faulty CDN node switched, playback restored",
            kinds=LEARNING,
            hold=True,
        ),
        T(
            "course",
            "Purchased course missing from my library",
            "I bought {course} two days ago, order {order} shows as paid, but the course isn't in My Library.",
            "Hi, please check that you're signed in with the account you used to buy it. If so, pull down on My "
            "Library to "
            "refresh.",
            "Same account, refreshed, still nothing.",
            "We've re-synced your purchases and {course} now shows up in My Library.",
            "Purchase entitlement sync failed, re-synced manually",
            kinds=LEARNING,
        ),
        T(
            "course",
            "Downloads keep failing",
            "I'm flying next week and want to download {course} to watch offline, but every download ends with "
            "'Download "
            "failed'.",
            "Hi, please check you have at least 2 GB of free space and that the app is allowed to use storage.",
            "Over 30 GB free and storage is allowed. Still failing.",
            "It's a bug in the download component of this version, fixed in 5.{minor}.1. Update the app and download "
            "again; "
            "downloads stay available offline while your access is valid.",
            "Download component bug, fixed by update",
            kinds=LEARNING,
        ),
        T(
            "course",
            "Can't cast lessons to my TV",
            "I'd like to watch {course} on my TV, but the cast button never finds the TV. It's a Chromecast.",
            "Hi, casting needs the phone and the TV on the same Wi-Fi network. Could you check that first, and whether "
            "other apps can cast?",
            "Same network, YouTube casts fine.",
            "Our player only supported casting from the web version; the app's casting fix is out in 5.{minor}.2. "
            "After "
            "updating, the cast button will find your Chromecast.",
            "Casting support added in new app version",
            kinds=LEARNING,
        ),
        T(
            "course",
            "Live session starts in 10 minutes and I can't get in",
            "{course} starts in ten minutes and the live room is just a white screen on my phone. Help!",
            "Please close and reopen the app, or open the live link in a browser on your computer. If it's still "
            "white, "
            "send us your phone model and app version.",
            "Got in on my laptop, but the phone still shows white. {device}.",
            "The white screen comes from an old web engine in older app versions, fixed in the latest update. The "
            "recording "
            "will be on the course page within 2 hours after the session.",
            "Old web engine white screen; joined on laptop, recording available",
            kinds=LIVE,
            urgent=True,
        ),
        T(
            "course",
            "Progress doesn't sync between phone and tablet",
            "On my phone I'm at lesson {lesson} of {course}, but on my tablet it starts from the beginning.",
            "Hi, progress syncs when both devices use the same account and are online. Could you confirm the tablet is "
            "signed in with the same account?",
            "Yes, same account.",
            "Your tablet runs an old app version whose sync service has been retired. After updating, your progress "
            "syncs "
            "automatically and finished lessons are marked as done.",
            "Old sync service retired; update fixes sync",
            kinds=LEARNING,
        ),
        T(
            "course",
            "Audio stops when the screen locks",
            "When I listen to {course} and lock my phone, the audio stops. That makes it useless while commuting.",
            "Hi, please allow the app to run in the background in your phone's battery settings and exclude it from "
            "battery optimisation.",
            "Done that, it still stops. {device}.",
            "Your phone's system aggressively kills background audio. Version 5.{minor}.3 adds a playback "
            "notification that "
            "prevents this; after updating you can listen with the screen locked.",
            "System killed background audio; fixed with playback notification",
            kinds=COLUMN,
        ),
    ),
    # ---------------------------------------------------------------- course content
    ("course-content", "zh-hans"): (
        T(
            "course",
            "课程配套资料在哪里下载",
            "《{course}》老师在第 {lesson} 节说有配套的课件和数据集可以下载，我在课程页找了半天没找到。",
            "您好，配套资料在课程目录页右上角的「资料」入口，需要在电脑网页端下载。",
            "网页上也没看到「资料」入口。",
            "确认是这门课的资料漏上架了，已联系老师补传，现在课程页已经可以看到「资料」入口了。",
            "资料漏上传，已补传",
        ),
        T(
            "course",
            "第{lesson}节讲义里的公式好像写错了",
            "《{course}》第 {lesson} 节里的公式，视频 12 分钟左右的板书和讲义里写的不一样，到底哪个对？",
            "您好，感谢您的细心反馈！已转给课程老师确认，请问您看的是视频还是文字讲义？",
            "都看了，我觉得视频里是对的，讲义写错了。",
            "老师确认是讲义的笔误，已修正并重新发布讲义。感谢您的指正，已为您赠送 10 个学习币。",
            "讲义笔误，已修正",
        ),
        T(
            "course",
            "专栏好久没更新了，是停更了吗",
            "订阅的《{course}》说好每周更新两篇，已经两周没更新了，是停更了吗？",
            "您好，已帮您向编辑部确认更新计划，稍后回复您。",
            "好的，等你们消息。",
            "编辑部回复：作者近期出差，更新暂缓一周，下周起恢复每周两篇，并会补齐欠更的内容。给您带来困扰很抱歉。",
            "作者出差暂缓，告知恢复更新计划",
            kinds=COLUMN,
            hold=True,
        ),
        T(
            "course",
            "作业提交一周了还没人批改",
            "《{course}》第 {lesson} 课的作业一周前就提交了，助教一直没批改，开营时说 48 小时内点评的。",
            "您好，抱歉让您久等，已催促助教团队。请问作业提交时的昵称是？",
            "昵称就是{name}。",
            "助教已完成点评，您可以在「作业」页查看。这次延迟是因为本期学员较多，我们已经增加了助教人手。",
            "助教积压，催办后完成点评",
            kinds=BOOTCAMP,
        ),
        T(
            "course",
            "视频没有字幕，老师声音太小",
            "《{course}》的视频没有字幕，而且老师声音很小，开到最大音量都听不清。",
            "您好，感谢反馈。请问是全部课节都这样，还是个别课节？",
            "从第 {lesson} 节开始声音就特别小。",
            "制作团队确认第 {lesson} 节之后的音轨有问题，已重新处理音频并上传，字幕也会在两周内补全。",
            "音轨问题重新处理，字幕排期补全",
            kinds=LEARNING,
        ),
        T(
            "course",
            "学完这门课接下来学什么",
            "《{course}》快学完了，想继续深入，平台上有没有进阶课程推荐？",
            "您好，请问您学习的主要目的是工作需要还是兴趣？我们可以按您的目标推荐。",
            "主要是工作需要，想系统提升一下。",
            "结合您的学习记录，已在「为您推荐」里为您更新了进阶学习路径。学习上的问题也可以在课程社群里向助教提问。",
            "提供进阶学习建议",
        ),
        T(
            "course",
            "老师讲的案例数据过时了",
            "《{course}》第 {lesson} 节用的案例还是好几年前的数据，现在行业情况变化很大，有没有计划更新？",
            "您好，感谢您的建议，我们已转给课程老师和内容团队评估。",
            "希望能更新一下，不然参考价值不大。",
            "老师回复：本季度会录制更新版的案例课，上线后会自动推送到您的课程目录中，无需另外购买。",
            "案例数据过时，内容团队排期更新",
        ),
    ),
    ("course-content", "en"): (
        T(
            "course",
            "Where are the course materials?",
            "In lesson {lesson} of {course} the teacher mentions slides and a dataset to download, but I can't find "
            "them "
            "anywhere on the course page.",
            "Hi, the materials are under 'Resources' at the top right of the course outline, on the website.",
            "There is no 'Resources' link on the website either.",
            "The materials for this course had not been published. The teacher has uploaded them and the 'Resources' "
            "link "
            "now appears on the course page.",
            "Missing materials uploaded",
        ),
        T(
            "course",
            "Mistake in the notes for lesson {lesson}",
            "In lesson {lesson} of {course}, the formula on the whiteboard at around 12:00 doesn't match the one in "
            "the "
            "lesson notes. Which one is right?",
            "Thanks for the careful reading! We've asked the teacher. Are you looking at the video or the written "
            "notes?",
            "Both. I think the video is right and the notes are wrong.",
            "The teacher confirmed a typo in the notes; a corrected version is now published. Thank you, we've added "
            "a few "
            "learning credits to your account as a thank-you.",
            "Typo in lesson notes corrected",
        ),
        T(
            "course",
            "No new posts in the column for two weeks",
            "{course} promises two new posts a week, but nothing has come out for two weeks. Has it stopped?",
            "Hi, we're checking the publishing plan with the editors and will get back to you.",
            "OK, thanks.",
            "The editors say the author was travelling; publishing resumes next week at two posts a week and the "
            "missed "
            "posts will be made up. Sorry for the wait.",
            "Author travelling; publishing plan confirmed",
            kinds=COLUMN,
            hold=True,
        ),
        T(
            "course",
            "My assignment hasn't been reviewed for a week",
            "I submitted the assignment for lesson {lesson} of {course} a week ago. We were told feedback comes "
            "within 48 "
            "hours.",
            "Sorry for the wait, we've chased the teaching assistants. What nickname did you submit under?",
            "Just my name, {name}.",
            "Your assignment has been reviewed; the feedback is on the Assignments page. The cohort was unusually "
            "large and "
            "we've added assistants.",
            "TA backlog; review completed after follow-up",
            kinds=BOOTCAMP,
        ),
        T(
            "course",
            "No subtitles and very low audio",
            "The videos in {course} have no subtitles, and the teacher is so quiet that I can't hear her even at full "
            "volume.",
            "Thanks for letting us know. Is it every lesson or only some?",
            "From lesson {lesson} onwards the sound is really low.",
            "The production team found a bad audio track from lesson {lesson} on; the audio has been remastered and "
            "subtitles will be added within two weeks.",
            "Audio remastered; subtitles scheduled",
            kinds=LEARNING,
        ),
        T(
            "course",
            "What should I take after this course?",
            "I've almost finished {course} and want to go further. Which advanced course would you recommend?",
            "Great to hear! Are you learning mainly for work or out of interest? We'll recommend based on your goal.",
            "Mostly for work.",
            "Based on your learning history we've updated your learning path under 'Recommended for you'. You can "
            "also ask "
            "the teaching assistants in the course community.",
            "Learning path recommendations given",
        ),
        T(
            "course",
            "Case studies are out of date",
            "The case studies in lesson {lesson} of {course} use data from years ago. The industry has changed a lot; "
            "any "
            "plans to update?",
            "Thanks for the suggestion, we've passed it to the teacher and the content team.",
            "Please do, otherwise it's not very useful.",
            "The teacher will record updated case-study lessons this quarter; they'll appear in your course outline "
            "automatically at no extra cost.",
            "Outdated case studies; update scheduled",
        ),
    ),
    # -------------------------------------------------------- certificates & invoices
    ("certificate-invoice", "zh-hans"): (
        T(
            "order",
            "申请开具发票（订单 {order}）",
            "您好，我需要订单 {order}（《{course}》，{amount} 元）的增值税普通发票，抬头：{company}，税号：{tax_id}，"
            "发到我的邮箱 {email}。",
            "您好，已收到开票信息，财务会在 3 个工作日内开具电子发票并发送到您的邮箱，请留意查收。",
            "好的，麻烦再确认一下抬头没问题。",
            "电子发票已开具并发送至 {email}，抬头和税号已核对无误。如未收到请检查垃圾邮件箱。",
            "开具电子普票并发送邮箱",
            hold=True,
        ),
        T(
            "order",
            "发票抬头开错了，需要重开",
            "之前开的订单 {order} 的发票，抬头少了「有限公司」几个字，公司财务不给报销，麻烦重开一张。",
            "您好，请提供正确的完整抬头和税号，我们会先红冲原发票再重新开具。",
            "正确抬头是{company}，税号 {tax_id}。",
            "原发票已红冲，新发票已重新开具并发送到您的邮箱，请查收。",
            "红冲后重开发票",
            hold=True,
        ),
        T(
            "order",
            "需要开增值税专用发票",
            "公司报销需要专票，订单 {order}，请问能开专票吗？需要提供什么资料？",
            "您好，可以开具专票，请提供：公司名称、税号、注册地址及电话、开户行及账号。",
            "资料：{company}，税号 {tax_id}，地址电话和开户行信息已经填在开票申请表里了。",
            "专票已开具，纸质专票通过顺丰寄出，运单号 SF{waybill}，预计 2-3 天送达。",
            "开具专票并邮寄",
            hold=True,
        ),
        T(
            "course",
            "结业证书上的名字印错了",
            "《{course}》的结业证书上我的名字印成了错别字，应该是「{name}」。证书要用来申请公司的培训补贴，"
            "麻烦帮忙改一下。",
            "您好，证书姓名取自您的实名认证信息，请确认「我的-实名认证」里的姓名是否正确，修改后我们为您重新生成证书。",
            "实名认证里是对的，不知道为什么证书上是错的。",
            "已核实是证书生成时的字库问题，已为您重新生成证书，请在「我的-证书」中下载新版本。",
            "证书字库问题，重新生成",
            kinds=LEARNING,
        ),
        T(
            "course",
            "学完了为什么没有证书",
            "《{course}》所有课节都学完了，作业也交了，但「我的证书」里没有。",
            "您好，证书需要满足：全部课节学习完成，并且结业测试 60 分以上。请问您参加结业测试了吗？",
            "测试考了 8{n} 分。",
            "查到您最后一节的学习记录没有上报成功，已为您补录并发放证书，请在「我的-证书」中查看。",
            "学习记录上报失败，补录后发证",
            kinds=LEARNING,
        ),
        T(
            "course",
            "纸质证书什么时候寄出",
            "训练营说结业后会寄纸质证书，《{course}》结业快一个月了还没收到，地址填的是公司。",
            "您好，纸质证书每月统一寄送一次，请提供收件人姓名和手机尾号，我们查一下寄送记录。",
            "收件人{name}，手机尾号 {phone4}。",
            "查到您的证书因地址不完整被退回，已按您补充的地址重新寄出，运单号 SF{waybill}，预计 3 天内送达。",
            "地址不全被退回，重新寄出",
            kinds=BOOTCAMP,
            hold=True,
        ),
    ),
    ("certificate-invoice", "en"): (
        T(
            "order",
            "Invoice request for order {order}",
            "Hello, I need an invoice for order {order} ({course}, {amount}) made out to {company}, tax ID {tax_id}. "
            "Please send it to {email}.",
            "Thanks, we have your details. Finance issues invoices within 3 business days and will email it to you.",
            "Great, please double-check the company name.",
            "Your invoice has been issued and sent to {email}; company name and tax ID are checked. If you can't find "
            "it, "
            "please look in your spam folder.",
            "Invoice issued and emailed",
            hold=True,
        ),
        T(
            "order",
            "Wrong company name on my invoice",
            "The invoice for order {order} is missing 'Ltd.' in the company name and our accounting department won't "
            "accept "
            "it. Could you reissue it?",
            "Of course. Please send the full correct company name and tax ID; we'll cancel the old invoice and issue "
            "a new "
            "one.",
            "It's {company}, tax ID {tax_id}.",
            "The old invoice has been cancelled and a corrected one sent to your email.",
            "Invoice cancelled and reissued",
            hold=True,
        ),
        T(
            "order",
            "Need a VAT receipt for my expense report",
            "My employer needs a VAT receipt for order {order} with our VAT number on it. Can you provide that?",
            "Yes. Please send the company name, billing address and VAT number.",
            "{company}, VAT number {tax_id}, the billing address is in the form I filled in.",
            "Your VAT receipt is attached to your order page and was also emailed to {email}.",
            "VAT receipt issued",
            hold=True,
        ),
        T(
            "course",
            "Name misspelled on my certificate",
            "My certificate for {course} has my name misspelled. It should read '{name}'. I need it for my employer's "
            "training budget.",
            "Certificates use the name on your verified profile. Could you check the name under Me > Verification? "
            "Once "
            "it's correct we'll regenerate the certificate.",
            "The profile name is correct, I don't know why the certificate is wrong.",
            "A font issue in the certificate generator dropped characters. We've regenerated your certificate; "
            "download the "
            "new version under Me > Certificates.",
            "Certificate generator font issue, regenerated",
            kinds=LEARNING,
        ),
        T(
            "course",
            "Finished the course but got no certificate",
            "I've completed every lesson of {course} and handed in all assignments, but there's no certificate under "
            "My "
            "Certificates.",
            "Certificates need all lessons completed and a final quiz score of 60 or more. Did you take the final "
            "quiz?",
            "Yes, I scored 8{n}.",
            "Your last lesson's completion hadn't been recorded. We've fixed the record and issued your certificate; "
            "it's "
            "under My Certificates.",
            "Completion record missing, fixed and certificate issued",
            kinds=LEARNING,
        ),
        T(
            "course",
            "Certificate PDF won't download",
            "When I click 'Download PDF' for my {course} certificate, nothing happens, on both Chrome and Safari.",
            "Sorry about that. Could you try a private window with extensions disabled, and tell us if an error "
            "appears?",
            "Private window, same thing, no error at all.",
            "The download failed for certificates issued that week because of a storage permission error. It's fixed, "
            "and "
            "we've also emailed your certificate to {email}.",
            "Storage permission error fixed; certificate emailed",
            kinds=LEARNING,
        ),
    ),
    # -------------------------------------------------------------------- membership
    ("membership", "zh-hans"): (
        T(
            "membership",
            "没同意就自动续费扣款了",
            "今天突然收到扣款通知，《{course}》自动续费扣了 {amount} 元，我记得没开自动续费啊？",
            "您好，查到您在首次开通时勾选了「自动续费」，扣款前 3 天系统有发送提醒短信。"
            "请问您是想关闭以后的自动续费吗？",
            "对，以后不要再自动扣了。",
            "已为您关闭自动续费，下个周期不会再扣款。本次续费已生效，会员权益有效期至 {expires}。如需退款，"
            "可在订单页对该订单发起退款申请。",
            "关闭自动续费，说明本期权益与退款路径",
            urgent=True,
            soon=True,
        ),
        T(
            "membership",
            "自动续费在哪里取消",
            "《{course}》的自动续费在哪里关？找了半天没找到。",
            "您好，iOS 用户需要在 iPhone「设置-Apple ID-订阅」中取消；安卓和网页端在「我的-会员-自动续费管理」中关闭。"
            "请问您是在哪个端开通的？",
            "在 iPhone 上开的。",
            "iOS 订阅由 Apple 管理，按上面的路径在「订阅」里取消即可，取消后当前周期的权益仍可用到 {expires}。",
            "指导在 Apple 订阅中取消自动续费",
        ),
        T(
            "membership",
            "开了会员但课程还是要付费",
            "刚开通了《{course}》，可是点进会员专区的课程还是提示要购买，会员权益没生效吗？",
            "您好，会员开通后需要重新登录一次才会刷新权益，请先退出重新登录试试。",
            "重新登录了还是一样。",
            "已为您刷新会员权益，现在会员专区的课程可以免费学习了。标注「会员专享价」的课程仍需单独购买，只是有折扣。",
            "权益缓存未刷新，手动刷新",
        ),
        T(
            "membership",
            "会员到期时间显示不对",
            "我是 {paid_date} 开的《{course}》，App 里显示的到期时间好像少了一个月。",
            "您好，请提供订单号，我们核对一下开通时间和有效期。",
            "订单号 {order}。",
            "核实后确认是到期时间的显示有误（时区换算问题），实际有效期至 {expires}，显示已修正。",
            "有效期显示错误，已修正",
        ),
        T(
            None,
            "会员可以和家人一起用吗",
            "想问一下年度会员能不能和家人共享，比如我和爱人两台手机同时用？",
            "您好，会员权益绑定个人账号，同一账号最多可以在 3 台设备登录，但同一时间只能一台设备播放。",
            "那有没有家庭版？",
            "目前暂未推出家庭版，您的建议已反馈给产品团队。开通第二个会员可享 8 折优惠，需要的话可以找我们领取优惠券。",
            "解答会员共享规则，记录家庭版需求",
        ),
        T(
            "membership",
            "月卡可以升级年卡吗",
            "我现在是《{course}》，想升级成年卡，之前付的 {amount} 元能抵扣吗？",
            "您好，月卡升级年卡可以按剩余天数折算抵扣。请问您是在哪个端开通的？",
            "安卓。",
            "安卓端在「我的-会员-升级」里可以直接升级，系统会按剩余天数自动抵扣差价。",
            "告知升级路径及差价抵扣规则",
        ),
    ),
    ("membership", "en"): (
        T(
            "membership",
            "Membership auto-renewed without my consent",
            "I was just charged {amount} for {course}. I don't remember turning on auto-renewal!",
            "Hi, our records show auto-renewal was selected when you first subscribed, and a reminder went out 3 days "
            "before the charge. Would you like us to turn off future renewals?",
            "Yes, please, no more automatic charges.",
            "Auto-renewal is now off; you won't be charged again. This renewal is active and your membership runs "
            "until "
            "{expires}. If you'd like a refund, you can request one for this order on the order page.",
            "Auto-renewal turned off; explained current period and refund route",
            urgent=True,
            soon=True,
        ),
        T(
            "membership",
            "How do I cancel auto-renewal?",
            "Where can I turn off auto-renewal for {course}? I can't find it anywhere.",
            "On iPhone, subscriptions are managed by Apple: Settings > Apple ID > Subscriptions. On Android and the "
            "web it's "
            "under Me > Membership > Auto-renewal. Where did you subscribe?",
            "On my iPhone.",
            "Then please cancel it under Subscriptions in your iPhone settings; you keep your benefits until "
            "{expires}.",
            "Guided cancellation in Apple subscriptions",
        ),
        T(
            "membership",
            "Membership active but courses still locked",
            "I just subscribed to {course}, but the members-only courses still ask me to buy them.",
            "Hi, after subscribing please sign out and in again so your benefits refresh.",
            "Signed out and in, still locked.",
            "We've refreshed your membership benefits manually; members-only courses are now unlocked. Courses marked "
            "'member price' are discounted but still sold separately.",
            "Benefit cache not refreshed; refreshed manually",
        ),
        T(
            "membership",
            "Wrong expiry date on my membership",
            "I bought {course} on {paid_date}, but the app shows an expiry date a month too early.",
            "Could you send us the order number? We'll check the start date and validity.",
            "It's {order}.",
            "You're right: the app displayed the expiry wrongly because of a time zone conversion. Your membership is "
            "valid "
            "until {expires}, and the display is fixed.",
            "Expiry display error fixed",
        ),
        T(
            None,
            "Can I share my membership with my family?",
            "Can I share an annual membership with my partner, on two phones at the same time?",
            "Memberships belong to one account. You can sign in on up to 3 devices, but only one can play at a time.",
            "Is there a family plan?",
            "Not yet; we've passed your suggestion on to the product team. A second membership is 20% off; reply if "
            "you'd "
            "like a coupon.",
            "Explained sharing rules; family plan request recorded",
        ),
        T(
            "membership",
            "Upgrade from monthly to annual",
            "I'm on {course} and want to upgrade to the annual plan. Does the {amount} I paid count towards it?",
            "Yes, the remaining days are credited when you upgrade. Where did you subscribe?",
            "On Android.",
            "On Android go to Me > Membership > Upgrade; the remaining days are credited automatically.",
            "Explained upgrade path and proration",
        ),
    ),
    # --------------------------------------------------------------------- complaint
    ("complaint", "zh-hans"): (
        T(
            "course",
            "投诉{teacher}答疑态度差",
            "在《{course}》的学习群里问了一个问题，{teacher}直接回复「这么简单都不会？回去重看」，当着全群的面，"
            "太不尊重人了。花钱来学习不是来受气的。",
            "您好，非常抱歉给您带来这样的体验。我们已将此事转交教学主管调查，会在 2 个工作日内给您答复。",
            "希望你们认真处理，不要敷衍。",
            "经核实，{teacher}的回复确实不当，教学主管已与其沟通并要求在群内公开致歉，此事也会计入考核。"
            "为表歉意，我们为您赠送了 50 元学习币。感谢您的监督。",
            "核实老师回复不当：公开致歉、内部处理、赠送学习币补偿",
            kinds=LEARNING,
        ),
        T(
            "course",
            "课程宣传夸大，涉嫌虚假宣传",
            "《{course}》宣传说「学完保证涨薪」「包就业推荐」，报名后问助教，说并没有就业推荐。这属于虚假宣传。",
            "您好，您反映的问题我们非常重视，已提交课程运营负责人核查宣传内容，请给我们一点时间。",
            "如果不能给说法，我会向消费者协会投诉。",
            "经核查，课程详情页「包就业推荐」的表述不准确，已下线修改。您可以保留课程并获得补偿，"
            "也可以通过订单页申请退款，"
            "我们会优先处理。",
            "宣传表述不当已下线修改，向客户提供补偿或退款选项",
            kinds=LEARNING,
        ),
        T(
            None,
            "客服回复太慢了",
            "上周提的问题到现在才有人回，问题还没解决，又让我重复描述一遍，体验很差。",
            "您好，非常抱歉让您久等并重复描述。我是客服主管，会全程跟进您的问题。请问您之前反映的是哪方面的问题？",
            "之前问的是课程播放的问题，现在已经自己解决了，主要是对你们的服务不满意。",
            "再次向您道歉。我们已复盘此事：上周咨询量激增导致排队，工单转交时信息也没有同步。"
            "已调整排班并优化转交流程。",
            "服务延迟致歉，内部复盘排班与转交流程",
        ),
        T(
            None,
            "一直接到你们的推销电话",
            "最近一周每天都接到自称你们平台课程顾问的推销电话，我已经说了不需要，还是一直打，手机尾号 {phone4}。",
            "您好，非常抱歉打扰到您。请问来电号码是多少？我们核实是否为平台官方外呼。",
            "来电号码我截图了，好几个不同的号码。",
            "已核实其中部分号码为合作渠道外呼，已将您的手机号加入全渠道免打扰名单，并要求渠道整改。"
            "如再接到请告诉我们。",
            "加入免打扰名单，渠道违规外呼已要求整改",
        ),
        T(
            "course",
            "直播全程卡顿，老师还迟到",
            "《{course}》的直播老师迟到了 20 分钟，开始后画面一直卡，最后还提前半小时结束了，完全是在糊弄人。",
            "您好，非常抱歉，我们已联系直播运营团队调取当场数据核实。",
            "同一个直播间好多人都在刷卡顿，你们查一下就知道了。",
            "核实属实：老师因交通原因迟到，当晚直播服务器负载过高。我们将安排一次补课直播，"
            "并为本场所有学员发放课程补偿券。",
            "直播事故核实属实，安排补课并发放补偿券",
            kinds=LIVE,
        ),
        T(
            "order",
            "退款被拒绝，要求给个说法",
            "我申请订单 {order} 的退款被拒了，理由是「已学习超过 30%」，可我只是点开看了几节试看，根本没学，"
            "进度是怎么算的？",
            "您好，理解您的疑问，我们会调取您的学习记录重新核查，请稍等。",
            "请尽快，不然我要投诉到应用商店。",
            "复核结果：学习记录显示多个课节完整播放，进度统计无误，因此维持原结论。我们理解您的感受，"
            "作为补偿为您赠送了 "
            "30 元学习币。",
            "复核学习进度无误，维持结论，赠送学习币安抚",
        ),
    ),
    ("complaint", "en"): (
        T(
            "course",
            "Complaint about {teacher}'s attitude",
            "I asked a question in the study group for {course}, and {teacher} replied 'This is basic, go rewatch the "
            "lesson' in front of everyone. I paid to learn, not to be belittled.",
            "We're very sorry this happened. We've passed it to the head of teaching to investigate and will reply "
            "within 2 "
            "business days.",
            "I expect this to be taken seriously.",
            "We confirmed the reply was inappropriate. The head of teaching has spoken with {teacher}, who will "
            "apologise in "
            "the group, and it is recorded in their review. We've added learning credits to your account as an "
            "apology.",
            "Teacher's reply inappropriate: public apology, internal follow-up, credits given",
            kinds=LEARNING,
        ),
        T(
            "course",
            "Misleading advertising for {course}",
            "The page for {course} promised 'guaranteed career placement'. After enrolling, the assistant told me "
            "there is "
            "no placement service. This is false advertising.",
            "We take this seriously and have asked the course operations lead to review the marketing claims.",
            "If I don't get a proper answer I'll take this to consumer protection.",
            "Our review found the 'guaranteed placement' claim inaccurate; it has been removed. You can keep the "
            "course with "
            "compensation, or request a refund on the order page and we'll prioritise it.",
            "Inaccurate claim removed; compensation or refund offered",
            kinds=LEARNING,
        ),
        T(
            None,
            "Support took far too long",
            "I opened a ticket last week and only got an answer today, and then I was asked to explain everything "
            "again. "
            "Very poor service.",
            "We're sorry you waited and had to repeat yourself. I'm the support lead and will follow this personally. "
            "What "
            "was your original question about?",
            "A playback problem, which I've since solved myself. I'm unhappy with the service, not the app.",
            "Again, our apologies. We reviewed what happened: a spike in requests caused a backlog and details were "
            "lost "
            "when the ticket was handed over. We've adjusted staffing and fixed the hand-over process.",
            "Apologised for delay; staffing and hand-over reviewed",
        ),
        T(
            None,
            "Stop the marketing emails",
            "I've unsubscribed three times and I still get marketing emails from you every day.",
            "We're sorry. Could you forward one of the recent emails so we can see which list it came from?",
            "Forwarded two of them just now.",
            "Those came from a partner's mailing tool that ignored our unsubscribe list. Your address is now blocked "
            "on all "
            "our lists and the partner has been told to fix it. Let us know if another one arrives.",
            "Partner ignored unsubscribes; address blocked everywhere",
        ),
        T(
            "course",
            "Live session was a mess",
            "The teacher for {course} was 20 minutes late, the stream kept freezing, and it ended half an hour early. "
            "That's "
            "not acceptable.",
            "We're very sorry. We've asked the live team to pull the session data and will report back.",
            "Everyone in the chat was complaining about freezing, it wasn't just me.",
            "Confirmed: the teacher was delayed by traffic and our streaming servers were overloaded that evening. "
            "We're "
            "scheduling a make-up session and sending every participant a course voucher.",
            "Live incident confirmed; make-up session and vouchers",
            kinds=LIVE,
        ),
        T(
            "order",
            "My refund was rejected unfairly",
            "My refund for order {order} was rejected because I supposedly watched over 30%. I only opened a few "
            "preview "
            "lessons. How is progress calculated?",
            "We understand, and we'll pull your learning records to check again.",
            "Please hurry, or I'll leave a review on the app store.",
            "We rechecked: several lessons were played in full, so the progress figure is correct and the decision "
            "stands. "
            "We understand your frustration and have added learning credits to your account as a gesture.",
            "Progress rechecked and correct; decision upheld, credits given",
        ),
    ),
    # ------------------------------------------------------------------------- other
    ("other", "zh-hans"): (
        T(
            None,
            "想在平台上开课，讲师入驻怎么申请",
            "我是一名高校老师，想在平台上开设一门数据分析的课程，请问讲师入驻怎么申请？",
            "您好，欢迎！讲师入驻请在官网「讲师招募」页提交简历和课程大纲，内容团队会在 5 个工作日内评估。"
            "请留一下联系方式。",
            "已经提交了，邮箱是 {email}。",
            "已确认收到您的申请，内容团队会通过邮件与您联系，祝合作顺利！",
            "转交内容团队讲师招募",
        ),
        T(
            None,
            "新版 App 一打开就闪退",
            "今天更新了 App，一打开就闪退，{device}，重启手机也没用。",
            "您好，请问您的系统版本是多少？可以先卸载重装试试（已购课程不会丢失）。",
            "卸载重装后好了。",
            "感谢反馈，新版本在部分机型上确有兼容问题，已修复，会随下个版本发布。",
            "新版本兼容问题，重装解决，已修复",
        ),
        T(
            None,
            "如何导出我的学习数据",
            "想把我在平台上的学习记录和笔记导出来保存，有这个功能吗？",
            "您好，笔记可以在「我的-笔记」中导出；完整学习数据需要提交申请，我们会在 7 个工作日内通过邮件发送。"
            "请确认接收邮箱。",
            "发到 {email} 就行。",
            "学习数据（含学习记录、笔记、证书）已打包发送到 {email}，下载链接 7 天内有效。",
            "按个人信息导出流程发送数据",
        ),
        T(
            None,
            "建议增加 3 倍速播放",
            "建议增加 2.5 倍和 3 倍速播放，现在最高 2 倍速听起来还是慢。",
            "您好，感谢建议！请问您主要在哪个端听课？",
            "主要在手机上。",
            "您的建议已提交给产品团队，3 倍速已在安卓测试版上线，预计下个月全量发布。",
            "产品建议已记录并反馈",
        ),
        T(
            None,
            "兑换码提示无效",
            "朋友送了我一个课程兑换码，输入后一直提示「兑换码无效」。",
            "您好，请核对兑换码是否有空格或容易混淆的字符（如 0 和 O），并提供兑换码前 4 位，我们查询状态。",
            "前 4 位是 {code4}，确认输入没错。",
            "查询到该兑换码已于上月过期，已联系发放兑换码的企业客户为您补发新码，新码已发送到您的站内信。",
            "兑换码过期，协调补发",
            hold=True,
        ),
        T(
            "course",
            "训练营的学习群二维码过期了",
            "报名了《{course}》，课程页的学习群二维码已经过期，扫不进去。",
            "您好，请提供您报名的期数，我们更新二维码。",
            "就是本期，刚开营。",
            "已为您更新群二维码，请在课程页「加入社群」中重新扫码，也可以添加助教微信拉您进群。",
            "更新群二维码",
            kinds=BOOTCAMP,
        ),
    ),
    ("other", "en"): (
        T(
            None,
            "How do I become an instructor?",
            "I teach data analysis at a university and would like to publish a course on your platform. How do I "
            "apply?",
            "Welcome! Please submit your CV and a course outline on the 'Teach with us' page; the content team reviews "
            "applications within 5 business days. Could you leave a contact email?",
            "Submitted, my email is {email}.",
            "We've confirmed your application arrived; the content team will contact you by email. Good luck!",
            "Passed to instructor recruitment",
        ),
        T(
            None,
            "App crashes on launch after update",
            "Since today's update the app crashes as soon as I open it. {device}. Restarting the phone didn't help.",
            "Sorry about that. Which OS version are you on? Reinstalling usually helps, and your purchases are kept.",
            "Reinstalled and it works now.",
            "Thanks for reporting. The update had a compatibility bug on some devices; the fix ships in the next "
            "release.",
            "Compatibility crash, reinstall worked, fix scheduled",
        ),
        T(
            None,
            "Request for a copy of my data",
            "Under data protection law I'd like a copy of all personal data you hold about me, including my learning "
            "history.",
            "Certainly. We'll send a full export within 7 business days. Please confirm the email address it should "
            "go to.",
            "Please send it to {email}.",
            "Your data export (account details, learning history, notes, certificates) has been sent to {email}; the "
            "link is "
            "valid for 7 days.",
            "Data export sent",
        ),
        T(
            None,
            "Feature request: 3x playback speed",
            "Please add 2.5x and 3x playback speeds. 2x is still too slow for me.",
            "Thanks for the suggestion! Which device do you mostly learn on?",
            "My phone.",
            "Your suggestion is with the product team: 3x is already in the Android beta and should reach everyone "
            "next "
            "month.",
            "Feature request recorded",
        ),
        T(
            None,
            "Gift code says 'invalid'",
            "A friend gave me a gift code for a course, but the app says 'invalid code'.",
            "Please check the code has no spaces and that 0 and O aren't mixed up, and send us the first 4 characters "
            "so we "
            "can look it up.",
            "It starts with {code4}, typed exactly.",
            "That code expired last month. We've contacted the company that issued it and a replacement code is now "
            "in your "
            "inbox in the app.",
            "Gift code expired, replacement arranged",
            hold=True,
        ),
        T(
            "course",
            "Study group invite link expired",
            "I joined {course} but the invite link to the study group on the course page has expired.",
            "Sorry about that, which cohort are you in?",
            "The current one, it just started.",
            "We've refreshed the invite link on the course page under 'Community'; you can also ask your teaching "
            "assistant "
            "to add you.",
            "Study group link refreshed",
            kinds=BOOTCAMP,
        ),
    ),
}

# Which categories customers write about, and how urgent they usually are.
CATEGORY_WEIGHTS = {
    "course-access": 20,
    "account-login": 14,
    "refund": 14,
    "payment": 11,
    "membership": 10,
    "course-content": 10,
    "certificate-invoice": 9,
    "other": 7,
    "complaint": 5,
}
PRIORITY_WEIGHTS = {  # low, normal, high, urgent
    "account-login": (10, 60, 25, 5),
    "payment": (5, 55, 32, 8),
    "refund": (10, 65, 22, 3),
    "course-access": (10, 58, 26, 6),
    "course-content": (35, 57, 8, 0),
    "certificate-invoice": (30, 60, 10, 0),
    "membership": (10, 62, 24, 4),
    "complaint": (0, 45, 45, 10),
    "other": (40, 55, 5, 0),
}
PRIORITIES = (Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT)
# Refund requests use the first three (a form, a mail, the app); live chat is a few %.
CHANNEL_WEIGHTS = ((Channel.WEB, 46), (Channel.EMAIL, 22), (Channel.API, 18), (Channel.PHONE, 14), (Channel.CHAT, 6))

PHONE_PREFIX = {"zh-hans": "【电话记录】客户来电反映：", "en": "[Phone call] The customer says: "}

NUDGES = {
    "zh-hans": (
        "请问有人处理吗？已经等了很久了。",
        "您好，麻烦尽快看一下，挺着急的。",
        "还没有人回复吗？",
        "补充一下：问题还在，麻烦尽快处理。",
    ),
    "en": (
        "Hello? Is anyone looking at this?",
        "Any update please? This is quite urgent for me.",
        "Still waiting for a reply.",
        "Just adding that the problem is still there. Please take a look soon.",
    ),
}
NOTES = {
    "zh-hans": (
        "已查后台日志，问题可复现，已提技术工单 TECH-{ref}。",
        "客户语气比较急，优先处理。",
        "同类问题本周第 {n} 起，已同步给组长。",
        "参考知识库 KB-{ref} 的处理步骤。",
        "已电话回访客户，确认了问题细节。",
        "老客户，历史工单都处理得比较顺利，注意沟通语气。",
        "已与财务 / 运营同事确认，等对方回复。",
    ),
    "en": (
        "Reproduced from the backend logs, filed engineering ticket TECH-{ref}.",
        "Customer sounds frustrated, prioritising.",
        "Report no. {n} of this issue this week, flagged to the team lead.",
        "Following the steps in KB-{ref}.",
        "Called the customer back to confirm the details.",
        "Long-time customer with smooth history, keep the tone friendly.",
        "Checked with finance / operations, waiting for their answer.",
    ),
}
ORDER_NOTES = {
    "zh-hans": ("订单 {order} 支付流水已核对，金额 {amount} 元无误。",),
    "en": ("Checked the payment record of order {order}: {amount} received.",),
}
HOLD_NOTES = {
    "zh-hans": ("已转交相关团队处理，先挂起等对方结果。", "等待第三方（支付 / 财务 / 技术）回复，工单挂起。"),
    "en": ("Handed to the responsible team, on hold until they report back.", "Waiting on a third party, on hold."),
}
NO_REPLY = {
    "zh-hans": (
        "由于 3 天没有收到您的回复，我们先将工单标记为已解决。如问题仍然存在，直接回复本工单即可重新打开。",
        "您好，一直没有收到您的回复，想必问题已经解决了。如还需要帮助，回复本工单就会重新处理。",
    ),
    "en": (
        "As we haven't heard back from you for 3 days, we're marking this as solved. If the problem is still there, "
        "just "
        "reply and the ticket reopens.",
        "We haven't heard from you, so we hope it's sorted. If you still need help, reply here and we'll pick it up "
        "again.",
    ),
}
REOPEN_TEXTS = {
    "zh-hans": (
        "问题又出现了，和之前一模一样。",
        "刚才又试了一次，还是不行。",
        "不好意思，我这边还是没有解决。",
        "昨天好了，今天又不行了。",
        "你们说处理好了，但我这边看还是老样子。",
    ),
    "en": (
        "It's happening again, exactly like before.",
        "I just tried again and it still doesn't work.",
        "Sorry, but this isn't solved on my side.",
        "It worked yesterday but it's broken again today.",
        "You said it was fixed, but nothing has changed for me.",
    ),
}
SECOND_FIX = {
    "zh-hans": (
        "非常抱歉给您带来反复的困扰。技术同事重新排查后找到了根本原因并已修复，请再试一次。",
        "抱歉！上次的处理没有彻底生效，这次已重新处理并验证通过，如还有问题请随时告诉我们。",
        "已再次为您处理，并请同事复核确认，这次应该没问题了。",
    ),
    "en": (
        "Sorry for the back and forth. Our engineers dug deeper, found the root cause and fixed it. Please try again.",
        "Apologies, the first fix didn't stick. We've redone it and verified it this time; let us know if anything is "
        "still off.",
        "We've handled it again and had a colleague double-check. It should be fine now.",
    ),
}
ESCALATION_REASONS = {
    "zh-hans": (
        "客户要求补偿，超出一线权限。",
        "需要技术团队排查播放日志，转二线跟进。",
        "涉及多笔订单合并开票，需二线处理。",
        "客户情绪激动，扬言投诉到应用商店，请二线介入。",
        "疑似账号被盗，需要二线核实身份。",
        "问题多次处理未解决，请二线接手。",
    ),
    "en": (
        "Customer asks for compensation beyond tier-1 authority.",
        "Needs engineering to look at the playback logs; tier 2 to follow up.",
        "Invoice across several orders, needs tier 2.",
        "Customer very upset and threatening an app store review; please take over.",
        "Possible account takeover, identity check needs tier 2.",
        "Tried several times without success, handing to tier 2.",
    ),
}
REFUND_NOTES = {
    "zh-hans": ("已提交二线审核退款 {refund} 元。", "退款金额 {refund} 元，已转二线审批。"),
    "en": ("Refund of {refund} sent to tier 2 for approval.", "Asked tier 2 to decide on the {refund} refund."),
}
REFUND_APPROVE_NOTES = {
    "zh-hans": ("符合退款规则。", "学习进度低，同意退款。", "按已开放课时比例核算。", ""),
    "en": ("Within policy.", "Low progress, approved.", "Prorated by released lessons.", ""),
}
REFUND_REJECT_NOTES = {
    "zh-hans": (
        "该课程学习进度已超过 30%，根据《虚拟商品退款规则》不支持退款。",
        "订单已超过退款期限且课程已完整学习，无法退款。",
        "该课程为特价活动课程，购买页已注明不支持退款。",
        "会员权益已使用，根据会员服务协议本期不支持退款。",
    ),
    "en": (
        "More than 30% of the course has been watched, so it is not refundable under our refund policy.",
        "The order is outside the refund period and the course has been completed.",
        "This was a sale item marked as non-refundable on the purchase page.",
        "Membership benefits have been used this period, which the membership terms do not refund.",
    ),
}
REFUND_REJECTED_REPLIES = {
    "zh-hans": (
        "很抱歉本次退款没有通过审核，原因已在上方说明。作为补偿，我们为您赠送了 20 元学习币，可用于购买其他课程。",
        "理解您的心情，但本次退款确实不符合规则。如果是学习上遇到困难，我们可以为您安排助教一对一答疑。",
    ),
    "en": (
        "We're sorry the refund couldn't be approved, for the reason above. As a gesture we've added learning credits "
        "to "
        "your account for another course.",
        "We understand your disappointment, but this refund isn't within our policy. If you're stuck with the course, "
        "we "
        "can arrange a one-to-one session with a teaching assistant.",
    ),
}
REFUND_ARGUE = {
    "zh-hans": ("我只是看了几节，这个规则不合理。", "好吧，那我知道了。", "能不能至少退一部分？"),
    "en": (
        "I only watched a few lessons, this rule is unfair.",
        "OK, I understand.",
        "Can't you refund at least part?",
    ),
}
REFUND_REJECTED_RESOLUTION = {"zh-hans": "退款申请未通过：{note}", "en": "Refund rejected: {note}"}
# The service's text, and ours until the catalog has it in Chinese.
REFUND_APPROVED = "Your refund of %(amount)s %(currency)s for order %(number)s has been approved."
REFUND_APPROVED_ZH = "您订单 %(number)s 的退款 %(amount)s %(currency)s 已审核通过。"

CSAT_COMMENTS = {
    "zh-hans": {
        "low": (
            "问题拖了好几天才解决，体验很差。",
            "回复很模板化，没有真正解决我的问题。",
            "退款规则不合理。",
            "来回问了好几遍同样的信息。",
            "",
        ),
        "mid": ("解决了，但是等得有点久。", "还行吧，希望响应能再快一点。", "", ""),
        "high": (
            "客服很耐心，谢谢！",
            "处理得很快，点赞。",
            "问题解决了，非常感谢客服小姐姐。",
            "回复及时，态度很好。",
            "很专业，一次就说清楚了。",
            "",
            "",
        ),
    },
    "en": {
        "low": (
            "Took days to get this sorted.",
            "Canned answers that didn't address my problem.",
            "The refund policy is unfair.",
            "I had to repeat the same information several times.",
            "",
        ),
        "mid": ("Solved, but it took a while.", "Fine, could be faster.", "", ""),
        "high": (
            "Very patient and helpful, thank you!",
            "Quick and painless.",
            "Problem solved, thanks a lot.",
            "Fast reply and friendly.",
            "Clear answer on the first try.",
            "",
            "",
        ),
    },
}
NPS_COMMENTS = {
    "zh-hans": {
        "detractor": (
            "课程质量参差不齐，有的课很水。",
            "价格偏贵，会员权益缩水了。",
            "App 经常卡顿，播放体验不好。",
            "退款太难了。",
        ),
        "passive": ("整体还可以，希望多一些实战课。", "内容不错，就是更新有点慢。", "还行，客服响应可以再快点。"),
        "promoter": (
            "课程很系统，已经推荐给同事了。",
            "每天通勤听一本书，收获很大。",
            "老师讲得好，助教也很负责。",
            "学习氛围很好，会继续续费。",
        ),
    },
    "en": {
        "detractor": (
            "Course quality is very uneven.",
            "Too expensive for what you get.",
            "The app is buggy and playback stutters.",
            "Getting a refund was painful.",
        ),
        "passive": (
            "Decent overall, would like more practical content.",
            "Good content, slow updates.",
            "OK, support could be faster.",
        ),
        "promoter": (
            "Well-structured courses, I've recommended you to colleagues.",
            "Great for learning on my commute.",
            "Excellent teachers and helpful assistants.",
            "Love it, will renew.",
        ),
    },
}

DEVICES = {
    "zh-hans": (
        "iPhone 13",
        "iPhone 15 Pro",
        "华为 Mate 60",
        "小米 14",
        "OPPO Reno 10",
        "vivo X100",
        "iPad Air",
        "荣耀 90",
    ),
    "en": ("iPhone 13", "iPhone 15 Pro", "Pixel 8", "Samsung Galaxy S23", "iPad Air", "OnePlus 11"),
}
TEACHERS = {
    "zh-hans": ("王老师", "刘老师", "陈老师", "周老师", "林老师", "助教小杨"),
    "en": ("Mr. Harris", "Ms. Carter", "Dr. Evans", "Ms. Patel", "the assistant Tom"),
}
COMPANIES = {
    "zh-hans": (
        "上海明途信息科技有限公司",
        "北京知行教育咨询有限公司",
        "深圳云帆网络科技有限公司",
        "杭州青禾文化传媒有限公司",
        "成都远山软件有限公司",
    ),
    "en": ("Northwind Consulting Ltd.", "Brightpath Analytics Ltd.", "Bluefield Media GmbH", "Harbor & Pine LLC"),
}
FALLBACK_COURSE = {"zh-hans": "之前买的课程", "en": "my courses"}
NO_REPLY_RESOLUTION = {"zh-hans": "客户 3 天未回复，按流程标记为已解决", "en": "No reply from the customer for 3 days"}


# Live chat (channel chat): the bot's word when it cannot answer, the learner asking for a
# person (转人工), the agent's short lines, and why a chat left unanswered was closed.
CHAT_BOT_HELLO = {
    "zh-hans": (
        "您好，我是智能助手。这个问题需要人工客服处理，正在为您转接，请稍候。",
        "您好！我暂时无法回答这个问题，已为您转接人工客服，请稍等片刻。",
    ),
    "en": (
        "Hi, I'm the assistant. This one needs a person: I'm passing you to an agent, one moment please.",
        "Hello! I can't answer that myself, so I've asked an agent to join. Please hold on a moment.",
    ),
}
CHAT_HANDOVER = {
    "zh-hans": ("没有解决，转人工。", "这些文章没用，我要找人工客服。", "人工客服"),
    "en": ("That didn't help. Talk to a person, please.", "Can I speak to an agent?", "Agent please"),
}
CHAT_AGENT_HELLO = {
    "zh-hans": ("您好，我是客服，正在为您查看，请稍等。", "您好，收到您的问题了，我马上帮您看一下。"),
    "en": ("Hi, I'm with support. Let me look into this for you.", "Hello, thanks for waiting. Checking this now."),
}
CHAT_THANKS = {
    "zh-hans": ("好的，谢谢！", "可以了，谢谢你们。", "明白了，辛苦了。"),
    "en": ("Great, thanks!", "That works, thank you.", "Got it, thanks for the help."),
}
CHAT_BYE = {
    "zh-hans": ("不客气，祝您学习愉快！还有问题随时来找我们。", "好的，那这次会话先结束了，祝您学习顺利！"),
    "en": (
        "You're welcome, enjoy the course! We're here if anything else comes up.",
        "Glad it's sorted. Have a good day!",
    ),
}
CHAT_LEFT_RESOLUTION = {
    "zh-hans": "客户在人工客服接待前离开了会话",
    "en": "The customer left the chat before an agent answered",
}
