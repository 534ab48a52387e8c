"""Feelings (情感互动): each customer message read as negative, neutral or positive.

A logistic regression on the sentence embeddings (``kb.embeddings``) of the hand-written
support messages below, our own. Public Chinese sentiment sets serve for evaluation only
(``bench/sentiment.py``, docs/benchmarks.md). Trained once per process (about 0.1 s).
"""

import threading
from dataclasses import dataclass

from sklearn.linear_model import LogisticRegression

from . import embeddings

NEGATIVE, NEUTRAL, POSITIVE = "negative", "neutral", "positive"

EXAMPLES = {
    NEGATIVE: [
        "你们这是骗钱吧，太过分了",
        "等了三天都没人回复，什么破服务",
        "课程质量太差了，完全是浪费时间",
        "再不给我退款我就去投诉你们",
        "气死我了，视频又看不了",
        "客服态度恶劣，非常失望",
        "说好的七天退款现在又不给退，骗子",
        "垃圾平台，以后再也不买了",
        "一直扣我钱，你们到底想怎样",
        "问了好几遍都没解决，烦死了",
        "老师讲得一塌糊涂，后悔买了",
        "This is a scam, I want my money back now",
        "Terrible service, nobody answered me for days",
        "I am really angry, the course is useless",
        "Worst purchase ever, totally disappointed",
        "You charged me twice and nobody cares, unacceptable",
        "I will report you if this is not fixed today",
        "Still broken after three emails, this is ridiculous",
    ],
    NEUTRAL: [
        "请问怎么开发票",
        "我想修改绑定的手机号",
        "课程有效期是多久",
        "直播回放在哪里看",
        "请帮我查一下订单状态",
        "怎么下载课件",
        "会员包含哪些课程",
        "我换了手机，怎么登录",
        "退款一般多久到账",
        "证书上的名字需要改一下",
        "How do I get an invoice?",
        "Where can I find the replay of the live session?",
        "Please change the email on my account",
        "How long is the course available?",
        "Can I download the slides?",
        "What does the membership include?",
        "I changed my phone number, how do I sign in?",
        "When will the refund arrive?",
    ],
    POSITIVE: [
        "谢谢，问题已经解决了",
        "太好了，现在可以看了，感谢",
        "客服很耐心，非常满意",
        "课程很棒，老师讲得很清楚",
        "收到退款了，谢谢你们",
        "好评，处理得很快",
        "辛苦了，帮了大忙",
        "非常感谢您的帮助",
        "学到了很多，推荐给朋友了",
        "Thanks, it works now!",
        "Great support, thank you so much",
        "The course is excellent, I learned a lot",
        "Problem solved, really appreciate it",
        "Thank you for the quick refund",
        "Very helpful answer, thanks",
        "Love this course, the teacher is great",
    ],
}


@dataclass(frozen=True)
class Sentiment:
    label: str
    confidence: float


_classifier: LogisticRegression | None = None
_lock = threading.Lock()


def _trained() -> LogisticRegression:
    global _classifier
    if _classifier is None:
        with _lock:
            if _classifier is None:
                texts = [text for examples in EXAMPLES.values() for text in examples]
                labels = [label for label, examples in EXAMPLES.items() for _text in examples]
                _classifier = LogisticRegression(C=10.0, max_iter=1000).fit(embeddings.embed(texts), labels)
    return _classifier


def sentiments(texts: list[str]) -> list[Sentiment]:
    """The sentiment of each text, with the model's probability for it."""
    if not texts:
        return []
    classifier = _trained()
    probabilities = classifier.predict_proba(embeddings.embed([text[:1000] for text in texts]))
    return [
        Sentiment(label=str(classifier.classes_[row.argmax()]), confidence=float(row.max())) for row in probabilities
    ]
