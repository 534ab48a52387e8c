"""The forgiving decoder, HTML to text, quote trimming and noise detection."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tickets.email.parsing import MailParseError, decode_bytes, html_to_text, message_id_of, parse
from tickets.email.quotes import reply_trim


@pytest.mark.parametrize(
    ("data", "charset", "expected"),
    [
        ("王堃".encode("gbk"), "gb2312", "王堃"),  # GB2312 label, GBK character
        ("😡".encode("gb18030"), "gbk", "😡"),  # four-byte GB18030
        ("帳號".encode("big5"), "big5", "帳號"),
        ("退款".encode("gbk"), "iso-8859-1", "退款"),  # mislabelled as Latin-1
        ("证书".encode("gb18030"), "utf-8", "证书"),  # mislabelled as UTF-8
        (b"hello", "no-such-charset", "hello"),
        ("café".encode("cp1252"), "iso-8859-1", "café"),  # a real Latin-1 message stays Latin-1
        # a declared single-byte charset comes before any CJK fallback (was "Fr鰏che")
        ("Frösche".encode("latin-1"), "iso-8859-1", "Frösche"),
        ("Die Frösche quaken, Grüße".encode("cp1252"), "windows-1252", "Die Frösche quaken, Grüße"),
        ("Żółw".encode("iso-8859-2"), "iso-8859-2", "Żółw"),
        ("Привет".encode("koi8-r"), "koi8-r", "Привет"),  # all high bytes, yet no Latin script: as declared
        ("Ærø – €5".encode("cp1252"), "cp1252", "Ærø – €5"),
        ("Frösche".encode(), "iso-8859-1", "Frösche"),  # UTF-8 labelled Latin-1
        ("发票已开具".encode("gb2312"), "windows-1252", "发票已开具"),  # Chinese labelled Windows-1252
    ],
)
def test_decode_bytes_falls_back_and_never_raises(data, charset, expected):
    assert decode_bytes(data, charset) == expected


def test_undecodable_bytes_are_replaced_not_raised():
    assert decode_bytes(b"ok \xff\xff", "utf-8") == "ok \ufffd\ufffd"


def test_html_to_text_keeps_structure_and_drops_scripts():
    text = html_to_text(
        "<style>x{}</style><p>One</p><p>Two<br>Three</p><ul><li>A</li><li>B</li></ul><script>bad()</script>"
    )
    assert text == "One\nTwo\nThree\n\n- A\n- B"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("New.\n\nOn Mon, 1 Jan 2026, A <a@x> wrote:\n> old", "New."),
        ("New.\n\nOn Mon, 1 Jan 2026 at 10:00, A Very Long Name\n<a@x> wrote:\n> old", "New."),
        ("新内容\n\n------------------ 原始邮件 ------------------\n发件人: a\n主题: b\n旧内容", "新内容"),
        ('新内容\n\n在 2026-01-01，"张三" <a@x> 写道：\n> 旧', "新内容"),
        ("New.\n\n-----Original Message-----\nFrom: x\nSent: y\nold", "New."),
        ("New.\n\nFrom: Support <s@x>\nSent: Monday\nTo: a@x\nSubject: b\n\nold", "New."),
        ("From: my phone I write this.\nThanks", "From: my phone I write this.\nThanks"),
        # Chinese Outlook, simplified and traditional
        (
            "新内容\n\n-----邮件原件-----\n发件人: 客服\n发送时间: 2026年11月20日\n收件人: 我\n主题: 退款\n\n旧",
            "新内容",
        ),
        (
            "新內容\n\n-----原始郵件-----\n寄件者: 客服\n傳送時間: 2026年11月20日\n收件者: 我\n主旨: 退款\n\n舊",
            "新內容",
        ),
        ("New.\n\n------------------\u00a0Original\u00a0------------------\nFrom: a\nDate: b\n\nold", "New."),
        ("> only a quote", "> only a quote"),
    ],
)
def test_reply_trim_cuts_the_quoted_history(text, expected):
    assert reply_trim(text) == expected


def test_a_display_name_with_a_comma_keeps_the_sender():
    # "王芳, 李四" encoded: decoded before the split, the comma made two senders of one
    raw = b"From: =?UTF-8?B?546L6IqzLCDmnY7lm5s=?= <wangfang@example.cn>\nSubject: s\n\nbody\n"
    parsed = parse(raw)
    assert (parsed.sender_name, parsed.sender) == ("王芳, 李四", "wangfang@example.cn")
    assert parsed.noise == ""
    quoted = parse(b'From: "Wang, Fang" <wf@example.cn>\nSubject: s\n\nbody\n')
    assert (quoted.sender_name, quoted.sender) == ("Wang, Fang", "wf@example.cn")


FORWARD = (
    "From: a@example.cn\r\nSubject: Fwd: receipt\r\nMIME-Version: 1.0\r\n"
    'Content-Type: multipart/mixed; boundary="B"\r\n\r\n'
    "--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n请看转发的收据。\r\n"
    "--B\r\nContent-Type: message/rfc822\r\n\r\n{inner}\r\n--B--\r\n"
)


@pytest.mark.parametrize(
    ("inner", "problem"),
    [
        # a broken RFC 2231 parameter: the library's refolding raised IndexError
        ("From: pay@example.cn\r\nContent-Type: text/plain; name*0*\r\n\r\nYou paid 199.00 CNY.", "IndexError"),
        # a forwarded multipart without its boundary: the whole mail went to the quarantine
        ("From: pay@example.cn\r\nContent-Type: multipart/mixed\r\n\r\nno boundary", "NoBoundaryInMultipartDefect"),
    ],
)
def test_a_forwarded_message_broken_inside_keeps_the_mail_and_flags_the_attachment(inner, problem):
    parsed = parse(FORWARD.format(inner=inner).encode())
    assert parsed.text == "请看转发的收据。"
    [attachment] = parsed.attachments
    assert attachment.name.endswith(".eml")
    assert attachment.content
    assert len(parsed.warnings) == 1
    assert problem in parsed.warnings[0]


def test_message_id_or_a_hash_of_the_bytes():
    assert message_id_of(b"Message-ID: <abc@x>\n\nbody") == "abc@x"
    assert message_id_of(b"Message-ID:\n <folded@x>\n\nbody") == "folded@x"
    assert message_id_of(b"Subject: none\n\nbody").startswith("sha256:")
    assert message_id_of(b"Subject: none\n\nbody") != message_id_of(b"Subject: none\n\nother")


@pytest.mark.parametrize("raw", [b"", b"   \n", b"\x00\x01 not mail"])
def test_what_is_not_mail_raises_a_parse_error(raw):
    with pytest.raises(MailParseError):
        parse(raw)


@pytest.mark.parametrize(
    ("headers", "noise"),
    [
        ("Auto-Submitted: auto-generated\n", "auto-submitted"),
        ("Precedence: junk\n", "precedence"),
        ("X-Autorespond: yes\n", "x-autorespond"),
        ("List-Unsubscribe: <mailto:x@y>\n", "mailing list"),
        ("", ""),
    ],
)
def test_noise_is_recognised(headers, noise):
    parsed = parse(f"From: a@example.com\nSubject: s\n{headers}\nbody\n".encode())
    assert parsed.noise.startswith(noise) if noise else parsed.noise == ""


CORPUS_FILES = sorted((Path(__file__).parent / "email_corpus").glob("*.eml"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.integers(min_value=0, max_value=len(CORPUS_FILES) - 1),
    cut=st.integers(min_value=0, max_value=4000),
    noise=st.binary(max_size=64),
    position=st.integers(min_value=0, max_value=4000),
)
def test_damaged_corpus_messages_parse_or_raise_a_parse_error_only(index, cut, noise, position):
    raw = CORPUS_FILES[index].read_bytes()
    damaged = raw[: max(cut, 1)] if cut < len(raw) else raw
    damaged = damaged[:position] + noise + damaged[position:]
    try:
        parsed = parse(damaged)
    except MailParseError:
        return
    assert isinstance(parsed.text, str)
    assert isinstance(parsed.subject, str)
