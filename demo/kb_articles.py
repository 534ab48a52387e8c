"""The demo help center of a knowledge-payment platform: categories (two levels) and
articles in Chinese and English, written as the platform's support team would.

Each article is (key, category slug, tags, internal?, (zh title, zh body), (en title, en body)).
"""

# ruff: noqa: E501 - Markdown paragraphs are kept whole, one per line

# (slug, parent slug or None, ticket category slug, name en, name zh, description en, description zh)
CATEGORIES = [
    (
        "account",
        None,
        "account-login",
        "Account & login",
        "账号与登录",
        "Sign-in, verification codes, phone numbers and account security.",
        "登录、验证码、手机号与账号安全。",
    ),
    (
        "orders",
        None,
        "payment",
        "Payment & refunds",
        "支付与退款",
        "Paying for courses, coupons, and getting your money back.",
        "购买课程、优惠券与退款。",
    ),
    (
        "payment",
        "orders",
        "payment",
        "Payment",
        "支付",
        "Payment methods, failed payments and coupons.",
        "支付方式、支付失败与优惠券。",
    ),
    (
        "refunds",
        "orders",
        "refund",
        "Refunds",
        "退款",
        "Refund rules, how to apply and when the money arrives.",
        "退款规则、申请方法与到账时间。",
    ),
    (
        "learning",
        None,
        "course-access",
        "Learning",
        "课程学习",
        "Watching courses, live sessions and course content.",
        "观看课程、直播与课程内容。",
    ),
    (
        "playback",
        "learning",
        "course-access",
        "Access & playback",
        "访问与播放",
        "Finding your courses and fixing videos that will not play.",
        "找到已购课程，解决视频无法播放。",
    ),
    (
        "content",
        "learning",
        "course-content",
        "Course content",
        "课程内容",
        "Updates, homework, materials and live replays.",
        "更新、作业、资料与直播回放。",
    ),
    (
        "certificates-invoices",
        None,
        "certificate-invoice",
        "Certificates & invoices",
        "证书与发票",
        "Completion certificates and invoices for reimbursement.",
        "结业证书与报销发票。",
    ),
    (
        "membership",
        None,
        "membership",
        "Membership",
        "会员",
        "Member benefits, renewal and cancelling auto-renewal.",
        "会员权益、续费与取消自动续费。",
    ),
    (
        "feedback",
        None,
        "complaint",
        "Complaints & feedback",
        "投诉与建议",
        "How we handle complaints and suggestions.",
        "我们如何处理投诉与建议。",
    ),
    (
        "agents",
        None,
        "other",
        "Agent handbook",
        "客服手册",
        "Internal guidance for the support team.",
        "客服团队内部指引。",
    ),
]

ARTICLES = [
    (
        "refund-policy",
        "refunds",
        ["退款", "refund"],
        False,
        (
            "退款规则：哪些订单可以退款",
            "我们希望您买到真正需要的课程。以下情况可以申请退款：\n\n- **录播课、专栏**：购买后 **7 天内**，且学习进度不超过 20%，可全额退款。\n- **直播课**：开课前可全额退款；开课后按未上课时扣除已上课部分。\n- **会员**：开通后 7 天内且未使用会员专享课程，可全额退款。\n\n以下情况无法退款：兑换码兑换的课程、已超过退款期限的订单、已领取证书的课程。\n\n> 特殊情况（例如课程质量问题）请提交工单说明，二线客服会单独审核。",
        ),
        (
            "Refund policy: which orders can be refunded",
            "We want you to buy courses you really need. You can ask for a refund when:\n\n- **Recorded courses and columns**: within **7 days** of purchase, with no more than 20% of the lessons studied: full refund.\n- **Live courses**: full refund before the first session; after it, the sessions already held are deducted.\n- **Membership**: within 7 days of joining, if no member-only course was used: full refund.\n\nNo refund is possible for courses redeemed with a code, orders past the refund window, or courses whose certificate was issued.\n\n> For special cases (for example a quality problem with a course), submit a ticket: a tier-2 agent reviews it.",
        ),
    ),
    (
        "refund-how-to",
        "refunds",
        ["退款", "refund", "订单"],
        False,
        (
            "如何申请退款",
            "1. 打开 App，进入 **我的 → 我的订单**。\n2. 找到要退款的订单，点击 **申请退款**。\n3. 选择退款原因，补充说明（可选），提交。\n\n提交后您会收到工单编号（如 HD-1234），可在 **我的工单** 查看进度。审核一般在 **1–2 个工作日** 内完成。\n\n如果订单页没有“申请退款”按钮，说明该订单已超过退款期限或不支持退款，详见《退款规则》。",
        ),
        (
            "How to request a refund",
            "1. Open the app and go to **Me → My orders**.\n2. Find the order and tap **Request refund**.\n3. Choose a reason, add details if you like, and submit.\n\nYou receive a ticket reference (such as HD-1234) and can follow it under **My tickets**. Reviews take **1–2 working days**.\n\nIf there is no Request refund button, the order is past the refund window or cannot be refunded: see *Refund policy*.",
        ),
    ),
    (
        "refund-arrival",
        "refunds",
        ["退款", "到账", "refund"],
        False,
        (
            "退款审核通过后多久到账",
            "退款会**原路退回**到您付款的账户：\n\n| 付款方式 | 到账时间 |\n|---|---|\n| 微信支付 | 1–3 个工作日 |\n| 支付宝 | 1–3 个工作日 |\n| 银行卡 | 3–7 个工作日 |\n| 余额 | 立即 |\n\n超过以上时间仍未到账，请先在微信/支付宝账单中搜索订单号；仍找不到的话，提交工单并附上付款截图，我们会联系支付渠道核查。",
        ),
        (
            "When does my refund arrive?",
            "Refunds go back **to the account you paid with**:\n\n| Payment method | Arrives in |\n|---|---|\n| WeChat Pay | 1–3 working days |\n| Alipay | 1–3 working days |\n| Bank card | 3–7 working days |\n| Balance | immediately |\n\nIf it has not arrived after that, search your WeChat or Alipay bill for the order number first; if you still cannot find it, submit a ticket with a screenshot of the payment and we will check with the payment provider.",
        ),
    ),
    (
        "refund-rejected",
        "refunds",
        ["退款", "refund"],
        False,
        (
            "退款申请被拒绝怎么办",
            "退款申请被拒绝时，工单里会写明原因，常见原因有：\n\n- 已超过 7 天退款期限；\n- 学习进度超过 20%；\n- 课程通过兑换码获得。\n\n如果您认为审核有误，可以直接在工单中回复补充说明（例如课程内容与介绍不符），工单会重新打开并由二线客服复核。",
        ),
        (
            "My refund request was rejected",
            "When a refund request is rejected, the ticket says why. The usual reasons are:\n\n- the 7-day refund window has passed;\n- more than 20% of the course was studied;\n- the course was redeemed with a code.\n\nIf you think the decision is wrong, reply on the ticket with the details (for example, the course does not match its description): the ticket reopens and a tier-2 agent reviews it again.",
        ),
    ),
    (
        "payment-failed",
        "payment",
        ["支付", "payment"],
        False,
        (
            "支付失败或扣款后订单未支付",
            "**支付失败**：请确认微信/支付宝余额或银行卡额度充足，关闭 VPN 后重试；仍失败可换一种支付方式。\n\n**钱扣了但订单显示未支付**：这通常是支付结果回传延迟，请等待 **10 分钟** 后刷新订单页。若仍显示未支付，系统会在 24 小时内自动退回这笔扣款，您也可以提交工单并附上支付截图，我们会人工补单。",
        ),
        (
            "Payment failed, or I was charged but the order is unpaid",
            "**Payment failed**: check your WeChat or Alipay balance or your card limit, turn off any VPN and try again; if it still fails, use another payment method.\n\n**Charged but the order says unpaid**: the payment result is usually just late. Wait **10 minutes** and refresh the order. If it still says unpaid, the charge is returned automatically within 24 hours; you can also submit a ticket with a screenshot of the payment and we will complete the order by hand.",
        ),
    ),
    (
        "payment-methods",
        "payment",
        ["支付", "花呗", "payment"],
        False,
        (
            "支持哪些支付方式",
            "我们支持：\n\n- 微信支付、支付宝（含花呗分期，3/6/12 期）；\n- 银联借记卡、信用卡；\n- 账户余额；\n- 企业对公转账（需联系客服开通，适合团购）。\n\niOS App 内购买需通过 Apple 支付，价格以 App Store 显示为准。",
        ),
        (
            "Which payment methods can I use?",
            "We accept:\n\n- WeChat Pay and Alipay (including Huabei instalments over 3, 6 or 12 months);\n- UnionPay debit and credit cards;\n- your account balance;\n- bank transfer for companies (contact support to set it up; for group purchases).\n\nPurchases inside the iOS app go through Apple, at the price shown in the App Store.",
        ),
    ),
    (
        "coupon",
        "payment",
        ["优惠券", "coupon"],
        False,
        (
            "优惠券、兑换码为什么用不了",
            "请检查：\n\n1. **有效期**：优惠券过期后自动失效；\n2. **使用门槛**：例如“满 199 减 30”需订单金额达到 199 元；\n3. **适用范围**：部分优惠券仅限指定课程或会员；\n4. **不可叠加**：一个订单只能使用一张优惠券。\n\n兑换码请在 **我的 → 兑换中心** 输入，不能在结算页当作优惠券使用。",
        ),
        (
            "Why can't I use my coupon or redeem code?",
            "Please check:\n\n1. **Expiry**: a coupon stops working once it expires;\n2. **Minimum spend**: a “¥30 off ¥199” coupon needs an order of at least ¥199;\n3. **Scope**: some coupons are for specific courses or for membership only;\n4. **One per order**: coupons cannot be combined.\n\nRedeem codes go in **Me → Redeem**, not in the coupon field at checkout.",
        ),
    ),
    (
        "video-wont-play",
        "playback",
        ["视频", "播放", "video"],
        False,
        (
            "视频无法播放、一直加载或黑屏怎么办",
            "请按顺序尝试：\n\n1. **检查网络**：切换 Wi‑Fi / 4G，或降低清晰度到“标清”。\n2. **清除缓存**：App 内 **我的 → 设置 → 清除缓存**，然后重启 App。\n3. **更新 App**：旧版本可能不支持新的视频格式。\n4. **关闭硬件加速**（电脑浏览器）：设置 → 系统 → 关闭“使用硬件加速”。\n5. **换一台设备**试试，判断是设备问题还是课程问题。\n\n仍然无法播放？请提交工单，写明课程名称、第几节、设备型号和系统版本，最好附上截图或录屏。",
        ),
        (
            "The video will not play, keeps loading or shows a black screen",
            "Try these in order:\n\n1. **Check your network**: switch between Wi‑Fi and mobile data, or lower the quality to SD.\n2. **Clear the cache**: in the app, **Me → Settings → Clear cache**, then restart the app.\n3. **Update the app**: old versions may not support newer video formats.\n4. **Turn off hardware acceleration** (desktop browsers): Settings → System → “Use hardware acceleration”.\n5. **Try another device** to see whether the problem is the device or the course.\n\nStill not playing? Submit a ticket with the course name, the lesson, your device model and system version, ideally with a screenshot or screen recording.",
        ),
    ),
    (
        "find-purchased",
        "playback",
        ["已购", "课程", "course"],
        False,
        (
            "买了课程却找不到",
            "已购课程都在 **学习 → 已购** 中。如果找不到：\n\n- 确认登录的是**付款时的账号**（微信登录和手机号登录可能是两个账号）；\n- 下拉刷新已购列表；\n- 在 **我的订单** 中确认订单状态为“已支付”。\n\n如果是两个账号的问题，可以在 **设置 → 账号绑定** 中合并，或提交工单让我们帮您迁移课程。",
        ),
        (
            "I bought a course but cannot find it",
            "Purchased courses are under **Learn → Purchased**. If it is not there:\n\n- check that you are signed in with **the account you paid with** (WeChat sign-in and phone sign-in can be two accounts);\n- pull down to refresh the list;\n- check in **My orders** that the order is paid.\n\nIf you have two accounts, merge them in **Settings → Linked accounts**, or submit a ticket and we will move the course for you.",
        ),
    ),
    (
        "offline-download",
        "playback",
        ["下载", "离线", "download"],
        False,
        (
            "离线下载的视频为什么过期了",
            "为保护讲师版权，离线下载的视频有效期为 **30 天**，且只能在下载它的 App 中播放。过期后连接网络打开一次即可自动续期。\n\n同一账号最多可在 **3 台设备**上登录；超过后最早的设备会被退出，其离线视频也需要重新下载。",
        ),
        (
            "Why did my downloaded videos expire?",
            "To protect our teachers' work, downloaded videos are valid for **30 days** and play only in the app that downloaded them. Open the app once while online and they renew automatically.\n\nOne account can be signed in on at most **3 devices**; beyond that the oldest device is signed out and its downloads need downloading again.",
        ),
    ),
    (
        "playback-speed",
        "playback",
        ["倍速", "字幕", "speed"],
        False,
        (
            "倍速播放、字幕和投屏",
            "- **倍速**：播放页右下角可选择 0.75×–2.0×。\n- **字幕**：带“CC”标记的课程支持字幕，点击播放器中的 CC 开关。\n- **投屏**：播放页右上角的投屏图标，支持乐播投屏与 AirPlay；投屏没有声音时请将电视音量调高并关闭手机静音。",
        ),
        (
            "Playback speed, subtitles and casting",
            "- **Speed**: choose 0.75× to 2.0× at the bottom right of the player.\n- **Subtitles**: courses marked “CC” have subtitles; use the CC switch in the player.\n- **Casting**: the cast icon at the top right supports DLNA and AirPlay; if the TV has no sound, turn its volume up and take the phone off silent.",
        ),
    ),
    (
        "login-code",
        "account",
        ["登录", "验证码", "login"],
        False,
        (
            "收不到短信验证码",
            "请检查：\n\n1. 手机号是否填写正确、是否欠费停机；\n2. 短信是否被手机安全软件拦截（查看“骚扰拦截”）；\n3. 同一手机号 **每天最多获取 10 次** 验证码，超过请次日再试；\n4. 可以改用 **语音验证码**（获取验证码页面下方）。\n\n如果换了手机号，请查看《手机号换了怎么登录》。",
        ),
        (
            "I don't receive the SMS verification code",
            "Please check:\n\n1. the phone number is right and the line is active;\n2. the SMS was not blocked by a security app (look in its spam folder);\n3. one number can ask for **10 codes a day at most**; try again tomorrow;\n4. you can use a **voice code** instead (below the code field).\n\nIf you changed your phone number, see *I changed my phone number*.",
        ),
    ),
    (
        "login-phone-changed",
        "account",
        ["登录", "手机号", "login"],
        False,
        (
            "手机号换了怎么登录",
            "如果旧手机号已停用：\n\n1. 在登录页选择 **微信登录**（若之前绑定过微信），登录后在 **设置 → 账号与安全 → 更换手机号** 中绑定新号码；\n2. 若没有绑定其他登录方式，请提交工单，提供：旧手机号、账号昵称、最近一笔订单号和付款截图，我们核实身份后帮您更换。\n\n为保护账号安全，核实通常需要 1 个工作日。",
        ),
        (
            "I changed my phone number: how do I sign in?",
            "If your old number no longer works:\n\n1. Sign in with **WeChat** if you linked it before, then go to **Settings → Account & security → Change phone number** to add the new one;\n2. if you have no other way to sign in, submit a ticket with the old number, your nickname, your latest order number and a screenshot of its payment; we change it once we have checked it is you.\n\nTo keep accounts safe, the check usually takes one working day.",
        ),
    ),
    (
        "account-security",
        "account",
        ["账号", "密码", "security"],
        False,
        (
            "账号被盗或密码被修改",
            "1. 立即使用手机验证码登录，并在 **设置 → 账号与安全** 中修改密码；\n2. 在 **登录设备管理** 中退出不认识的设备；\n3. 检查订单和余额是否有异常。\n\n如果无法登录或发现异常消费，请立即提交工单，我们会冻结账号并协助处理。我们的客服**不会**向您索要验证码或密码。",
        ),
        (
            "My account was hacked or my password changed",
            "1. Sign in at once with an SMS code and change your password in **Settings → Account & security**;\n2. sign out devices you do not recognise in **Signed-in devices**;\n3. check your orders and balance for anything unusual.\n\nIf you cannot sign in or see purchases you did not make, submit a ticket right away: we freeze the account and help you sort it out. Our agents will **never** ask for your code or password.",
        ),
    ),
    (
        "account-delete",
        "account",
        ["注销", "账号", "delete"],
        False,
        (
            "如何注销账号",
            "在 **设置 → 账号与安全 → 注销账号** 中提交申请。注销前请注意：\n\n- 已购课程、会员、余额和证书将全部**无法恢复**；\n- 有未完成的订单或退款时无法注销；\n- 提交后有 **15 天冷静期**，期间登录即可撤销。",
        ),
        (
            "How do I delete my account?",
            "Go to **Settings → Account & security → Delete account**. Before you do:\n\n- purchased courses, membership, balance and certificates **cannot be recovered**;\n- you cannot delete an account with an open order or refund;\n- there is a **15-day cooling-off period**: sign in during it to cancel the deletion.",
        ),
    ),
    (
        "invoice-how-to",
        "certificates-invoices",
        ["发票", "报销", "invoice"],
        False,
        (
            "如何开具发票",
            "1. 进入 **我的 → 我的订单**，选择已支付的订单；\n2. 点击 **申请发票**，选择个人或企业抬头；\n3. 企业抬头需填写 **公司名称和税号**；需要增值税专用发票时还需提供开户行、账号、地址和电话。\n\n电子发票在 **3 个工作日** 内发送到您的邮箱，也可在订单页下载。订单完成 **180 天内** 可申请开票，已全额退款的订单无法开票。",
        ),
        (
            "How do I get an invoice?",
            "1. Go to **Me → My orders** and choose a paid order;\n2. tap **Request invoice** and choose a personal or company title;\n3. a company title needs the **company name and tax ID**; a VAT special invoice also needs the bank, account number, address and phone.\n\nThe e-invoice is emailed within **3 working days** and can also be downloaded from the order. You can ask for an invoice within **180 days** of the order; fully refunded orders cannot be invoiced.",
        ),
    ),
    (
        "invoice-reissue",
        "certificates-invoices",
        ["发票", "invoice"],
        False,
        (
            "发票抬头或税号写错了",
            "电子发票开出后如信息有误，可以在订单页点击 **重开发票**，原发票会自动作废。每张订单可重开 **1 次**；已报销或已认证的增值税专用发票无法作废，请提交工单由财务处理。",
        ),
        (
            "The title or tax ID on my invoice is wrong",
            "If an e-invoice has wrong details, tap **Reissue invoice** on the order: the old invoice is cancelled automatically. Each order can be reissued **once**; a VAT special invoice that was already claimed or certified cannot be cancelled, so submit a ticket and our finance team will handle it.",
        ),
    ),
    (
        "certificate",
        "certificates-invoices",
        ["证书", "certificate"],
        False,
        (
            "结业证书怎么领取",
            "完成课程全部章节并通过结课测验（如有）后，证书会在 **24 小时内** 自动生成，可在 **学习 → 我的证书** 中下载 PDF 或分享链接。\n\n证书上的姓名取自 **实名信息**，请在领取前确认；领取后如需修改姓名，请提交工单，每张证书可修改一次。",
        ),
        (
            "How do I get my completion certificate?",
            "Once you finish every lesson and pass the final quiz (if there is one), the certificate is issued **within 24 hours**. Download the PDF or share its link from **Learn → My certificates**.\n\nThe name on the certificate comes from your **verified name**, so check it first; to change the name afterwards, submit a ticket: each certificate can be changed once.",
        ),
    ),
    (
        "membership-cancel-renewal",
        "membership",
        ["会员", "续费", "membership"],
        False,
        (
            "如何取消会员自动续费",
            "自动续费在到期前 **1 天** 扣款。取消方法：\n\n- **微信支付开通**：微信 → 我 → 服务 → 钱包 → 支付设置 → 自动续费，找到本平台并关闭；\n- **支付宝开通**：支付宝 → 我的 → 设置 → 支付设置 → 免密支付/自动扣款；\n- **苹果设备开通**：iPhone 设置 → Apple ID → 订阅。\n\n已经扣款且未使用会员权益的，可在 **扣款后 48 小时内** 提交工单申请退款。",
        ),
        (
            "How do I cancel membership auto-renewal?",
            "Auto-renewal charges **one day** before your membership ends. To cancel it:\n\n- **set up with WeChat Pay**: WeChat → Me → Services → Wallet → Payment settings → Auto-renewal, find us and turn it off;\n- **set up with Alipay**: Alipay → Me → Settings → Payment settings → Auto-deduction;\n- **set up on an Apple device**: iPhone Settings → Apple ID → Subscriptions.\n\nIf you were charged and have not used any member benefit, submit a ticket **within 48 hours of the charge** to ask for a refund.",
        ),
    ),
    (
        "membership-benefits",
        "membership",
        ["会员", "权益", "membership"],
        False,
        (
            "会员权益说明",
            "会员期内可以：\n\n- 免费学习标有 **“会员免费”** 的全部课程；\n- 购买其他课程享 **8.5 折**；\n- 每月领取 2 张专属优惠券。\n\n会员到期后，会员免费课程将无法继续观看，**已单独购买的课程不受影响**，学习进度和笔记会保留，续费后可继续学习。",
        ),
        (
            "What membership includes",
            "While you are a member you can:\n\n- study every course marked **“Free for members”**;\n- buy other courses at **15% off**;\n- get 2 member coupons each month.\n\nWhen membership ends, member-free courses can no longer be watched; **courses you bought separately are not affected**. Your progress and notes are kept, so you can continue after renewing.",
        ),
    ),
    (
        "live-replay",
        "content",
        ["直播", "回放", "live"],
        False,
        (
            "直播错过了，回放在哪里看",
            "直播结束后 **2 小时内** 生成回放，在课程页的 **回放** 标签中观看。回放有效期与课程有效期一致。\n\n直播开始前 15 分钟，App 会推送提醒；请在系统设置中允许本 App 发送通知。",
        ),
        (
            "I missed a live session: where is the replay?",
            "Replays are ready **within 2 hours** after the session ends, under the **Replays** tab of the course. They stay available as long as the course does.\n\nThe app reminds you 15 minutes before a live session starts; allow notifications for the app in your phone's settings.",
        ),
    ),
    (
        "course-updates",
        "content",
        ["更新", "作业", "course"],
        False,
        (
            "课程更新、课件和作业",
            "- **更新时间**：连载课程和专栏的更新计划写在课程介绍页，更新后会推送通知。\n- **课件**：在每节课下方的 **资料** 中下载。\n- **作业**：提交后助教会在 **3 个工作日** 内批改；发现课程内容有错误，可在该节课下方点击 **纠错**，我们会转给讲师。",
        ),
        (
            "Course updates, materials and homework",
            "- **Updates**: the schedule of series and columns is on the course page; you get a notification when a lesson is added.\n- **Materials**: download them under **Materials** below each lesson.\n- **Homework**: teaching assistants grade it within **3 working days**. If you find a mistake in a lesson, tap **Report a mistake** below it and we pass it to the teacher.",
        ),
    ),
    (
        "complaints",
        "feedback",
        ["投诉", "complaint"],
        False,
        (
            "如何投诉、多久会处理",
            "如对课程质量、服务态度或宣传内容不满意，请提交工单并选择 **投诉** 分类，写明事情经过并附上截图。\n\n投诉工单由 **二线客服** 直接处理，我们会在 **24 小时内** 回复，并在处理结束时给出书面处理结果。",
        ),
        (
            "How to make a complaint, and how fast we handle it",
            "If you are unhappy with a course, with our service or with how a course was advertised, submit a ticket in the **Complaint** category, describe what happened and attach screenshots.\n\nComplaints go straight to **tier-2 agents**; we reply **within 24 hours** and close the complaint with a written resolution.",
        ),
    ),
    (
        "contact-support",
        "feedback",
        ["客服", "support"],
        False,
        (
            "联系客服与服务时间",
            "- **在线工单**：24 小时可提交，工作时间内一般 **2 小时内** 首次回复；\n- **客服电话**：400-000-0000（工作日 9:00–21:00）；\n- **邮箱**：support@example.com。\n\n提交工单时写清课程名称、订单号和截图，可以更快解决问题。",
        ),
        (
            "Contacting support and opening hours",
            "- **Tickets**: submit one at any time; during working hours we usually reply **within 2 hours**;\n- **Phone**: 400-000-0000 (working days 9:00–21:00);\n- **Email**: support@example.com.\n\nInclude the course name, the order number and screenshots to get a faster answer.",
        ),
    ),
    (
        "agent-refund-exceptions",
        "agents",
        ["退款", "内部"],
        True,
        (
            "【内部】超期退款与例外处理",
            "- 超过 7 天或进度超过 20% 的退款申请，一线客服**不得直接承诺**，请升级到二线并注明原因；\n- 课程质量类投诉可酌情全额退款，需在工单中写明处理结果；\n- 金额超过 500 元的退款由二线或主管审批。",
        ),
        (
            "[Internal] Late refunds and exceptions",
            "- Tier-1 agents must **not promise** refunds past 7 days or above 20% progress: escalate to tier 2 with the reason;\n- complaints about course quality may get a full refund at tier 2's discretion; write the resolution on the ticket;\n- refunds above ¥500 are approved by tier 2 or a manager.",
        ),
    ),
]
