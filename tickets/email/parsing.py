"""Raw RFC 5322 bytes to what the email channel needs, with the standard library's
``email`` package (modern policy) and a forgiving decoder.

Chinese mail is often mislabelled: "GB2312" mail routinely carries GBK/GB18030
characters, and some clients send 8-bit headers or no charset at all. Every decode goes
through ``decode_bytes``, which tries the declared charset (widened to its superset), then
UTF-8 and the common CJK encodings, and finally replaces what still fails: a message is
never lost to a ``UnicodeDecodeError``.
"""

import codecs
import hashlib
import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.header import decode_header
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

# A declared charset is read as its superset: what the label says is often too narrow.
CHARSET_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "hz-gb-2312": "hz",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "iso-2022-jp": "iso2022_jp_ext",
    "shift_jis": "cp932",
    "x-sjis": "cp932",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "ascii",
    "unknown-8bit": "",
    "x-unknown": "",
    "utf8": "utf-8",
}
# Tried in order when the declared charset is missing, unknown or wrong.
FALLBACK_CHARSETS = ("utf-8", "gb18030", "big5hkscs")
# Declared charsets that decode any byte sequence, so they never fail and prove nothing.
_PERMISSIVE = {"cp1252", "latin-1", "iso-8859-1", "ascii"}

TEXT_BLOCK_TAGS = re.compile(r"<\s*(br|/p|/div|/tr|/h[1-6]|/blockquote|/table|/ul|/ol|hr)\b[^>]*>", re.IGNORECASE)
_LIST_ITEM = re.compile(r"<\s*li\b[^>]*>", re.IGNORECASE)
_CELL = re.compile(r"<\s*/t[dh]\s*>", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*\n(\s*\n)+")
_SPACES = re.compile(r"[ \t\u00a0]+")


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """``data`` as text: the declared charset if it fits (widened, see CHARSET_SUPERSETS),
    else the first fallback that decodes cleanly, else UTF-8 with replacement characters.

    A declared single-byte charset (ISO-8859-x, Windows-125x, KOI8…) decodes anything, so
    it cannot fail over to the fallbacks: it is read as declared unless the bytes are valid
    UTF-8, or Chinese mislabelled (every byte above 0x7F pairs up as GB2312 characters,
    which European text, with its accented letters among plain ones, never does)."""
    declared = _codec(charset)
    if _is_single_byte(declared) and any(byte > 0x7F for byte in data):
        for candidate in ("utf-8", "gb2312") if _LATIN_SCRIPT.match(declared) else ("utf-8",):
            try:
                text = data.decode(candidate)
            except UnicodeDecodeError:
                continue
            return data.decode("gb18030") if candidate == "gb2312" else text
        return data.decode(declared, errors="replace")
    candidates: list[str] = []
    if declared and declared not in _PERMISSIVE:
        candidates.append(declared)
    candidates += [c for c in FALLBACK_CHARSETS if c not in candidates]
    if declared in _PERMISSIVE:
        candidates.append(declared)
    for candidate in candidates:
        try:
            return data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("utf-8", errors="replace")


_SINGLE_BYTE = re.compile(r"^(cp125\d|iso8859-\d+|latin-?\d|koi8-[a-z]+|mac-[a-z]+|cp437|cp850|cp866|tis-620)$")
# Latin scripts: accented letters among plain ones, so that Chinese mislabelled as one of
# them shows itself (every high byte pairs up). Cyrillic, Greek… are all high bytes.
_LATIN_SCRIPT = re.compile(r"^(cp125[0247]|iso8859-(1|2|3|4|9|10|13|14|15|16)|latin-?\d|mac-roman|cp437|cp850)$")


def _is_single_byte(codec: str) -> bool:
    return bool(codec) and bool(_SINGLE_BYTE.match(codec))


def _codec(charset: str | None) -> str:
    if not charset:
        return ""
    name = charset.strip().strip('"').lower()
    name = CHARSET_SUPERSETS.get(name, name)
    if not name:
        return ""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return ""


def _header_raw(message: Message, name: str) -> str | None:
    """The header as it came (encoded words not decoded), unfolded; None when absent."""
    for key, value in message.raw_items() if hasattr(message, "raw_items") else message.items():
        if key.lower() == name.lower():
            return re.sub(r"\r?\n[ \t]+", " ", str(value)).strip()
    return None


def header_text(message: Message, name: str) -> str:
    """The header's text, RFC 2047 encoded words and raw 8-bit bytes decoded with the
    forgiving decoder; "" when absent. Folding whitespace becomes one space."""
    raw = _header_raw(message, name)
    return "" if raw is None else words_decode(raw)


def words_decode(raw: str) -> str:
    """RFC 2047 encoded words and raw 8-bit bytes of a header value, decoded."""
    if any("\udc80" <= ch <= "\udcff" for ch in raw):  # 8-bit bytes in a header
        raw = decode_bytes(raw.encode("ascii", "surrogateescape"))
    try:
        chunks = decode_header(raw)
    except Exception:  # a malformed encoded word: keep the header as it came
        return raw
    text = []
    for chunk, charset in chunks:
        text.append(chunk if isinstance(chunk, str) else decode_bytes(chunk, charset))
    return re.sub(r"\s+", " ", "".join(text)).strip()


def normalize_message_id(value: str) -> str:
    """``<abc@host>`` → ``abc@host``; surrounding space and brackets go."""
    return value.strip().strip("<>").strip()


def message_ids(value: str) -> list[str]:
    """Every ``<id>`` in a References or In-Reply-To header, in order."""
    found = re.findall(r"<([^<>\s]+)>", value or "")
    if not found and value.strip():
        found = [normalize_message_id(value.split()[0])]
    return found


def html_to_text(markup: str) -> str:
    """Readable plain text from HTML mail: block ends become line breaks, list items get a
    dash, scripts and styles disappear (nh3/ammonia), entities are unescaped."""
    markup = _LIST_ITEM.sub("\n- ", markup)
    markup = _CELL.sub(" ", markup)
    markup = TEXT_BLOCK_TAGS.sub(lambda m: "\n" + m.group(0), markup)
    text = html.unescape(nh3.clean(markup, tags=set()))
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def html_sanitize(markup: str) -> str:
    """HTML safe to show: ammonia's default allow-list, links made ``noopener``."""
    return nh3.clean(markup)


@dataclass
class ParsedAttachment:
    name: str
    content_type: str
    content: bytes
    inline: bool = False

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass
class ParsedMail:
    message_id: str
    sender: str  # the From address, lower-cased; "" when there is none usable
    sender_name: str
    subject: str
    text: str  # the full text: the plain part, or the HTML part made readable
    html: str = ""  # sanitized HTML, when the message had an HTML part
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    to: list[str] = field(default_factory=list)
    date: datetime | None = None
    attachments: list[ParsedAttachment] = field(default_factory=list)
    noise: str = ""  # why this is an automatic or list message ("" for a person's mail)
    defects: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # attachments kept with a flag (broken inside)
    # Every Authentication-Results header, topmost (added last, by our own server) first.
    authentication_results: list[str] = field(default_factory=list)

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this message answers, nearest first."""
        ids = [*self.in_reply_to, *reversed(self.references)]
        return list(dict.fromkeys(i for i in ids if i))


class MailParseError(ValueError):
    """The message cannot be read as mail; it goes to the quarantine with this reason."""


# Structural defects after which the parts cannot be trusted: such a message is
# quarantined rather than filed with a wrong or empty body.
FATAL_DEFECTS = {"NoBoundaryInMultipartDefect", "StartBoundaryNotFoundDefect", "MultipartInvariantViolationDefect"}


def message_id_of(raw: bytes) -> str:
    """The Message-ID, or ``sha256:<hex>`` of the bytes when there is none: the key that
    makes ingestion idempotent. Works on messages too broken to parse further."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    match = re.search(rb"^message-id:\s*(.+(?:\r?\n[ \t]+.+)*)", head, re.IGNORECASE | re.MULTILINE)
    if match:
        found = message_ids(match.group(1).decode("ascii", "replace"))
        if found and len(found[0]) <= 250:
            return found[0]
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def parse(raw: bytes) -> ParsedMail:
    """Parse ``raw``. Raises ``MailParseError`` for what is not a readable message."""
    if not raw.strip():
        raise MailParseError("empty message")
    head = raw.lstrip()[:2000]
    if b":" not in head.split(b"\n", 1)[0]:
        raise MailParseError("no header block: this is not an RFC 5322 message")
    try:
        message: Message = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception:  # the library's header parser fails on some malformed headers (IndexError)
        message = BytesParser(policy=policy.compat32).parsebytes(raw)
    # Defects inside a forwarded message are that attachment's, not this message's: the
    # readable part is kept and the attachment flagged (``warnings``).
    defects = [type(d).__name__ for part in _own_parts(message) for d in part.defects]
    fatal = sorted(set(defects) & FATAL_DEFECTS)
    if fatal:
        raise MailParseError("broken MIME structure: " + ", ".join(fatal))

    sender_name, sender = _sender(message)
    text, markup, attachments, warnings = _body(message)
    date = None
    try:
        date_header = header_text(message, "Date")
        date = parsedate_to_datetime(date_header) if date_header else None
    except (TypeError, ValueError, IndexError):
        date = None
    if date is not None and date.tzinfo is None:
        date = None
    return ParsedMail(
        message_id=message_id_of(raw),
        sender=sender,
        sender_name=sender_name,
        subject=header_text(message, "Subject"),
        text=text,
        html=markup,
        in_reply_to=message_ids(header_text(message, "In-Reply-To")),
        references=message_ids(header_text(message, "References")),
        to=[addr.lower() for _, addr in getaddresses([header_text(message, "To")]) if addr],
        date=date,
        attachments=attachments,
        noise=noise_reason(message, sender),
        defects=defects,
        warnings=warnings,
        authentication_results=[
            re.sub(r"\r?\n[ \t]+", " ", str(value)).strip()
            for key, value in message.raw_items()
            if key.lower() == "authentication-results"
        ],
    )


def _sender(message: Message) -> tuple[str, str]:
    """(display name, address) of From (or Sender). The addresses are split before the
    encoded words are decoded: a decoded name may hold a comma ("王芳, 李四"), which would
    otherwise split one sender into two and lose the address."""
    for name in ("From", "Sender"):
        raw = _header_raw(message, name)
        if not raw:
            continue
        for value in (raw, words_decode(raw)):
            for display, address in getaddresses([value]):
                address = address.strip().lower()
                try:
                    validate_email(address)
                except ValidationError:
                    continue
                return words_decode(display).strip().strip('"'), address
    return words_decode(_header_raw(message, "From") or "").strip(), ""


# Senders that are machines answering for a mail system.
_DAEMONS = re.compile(r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?)([+@-]|$)", re.IGNORECASE)


def noise_reason(message: Message, sender: str) -> str:
    """Why this message must not open a ticket or notify anyone: an auto-reply, a bounce
    or delivery report, a mailing list, a null sender. "" for a person's mail.
    RFC 3834 (Auto-Submitted), RFC 3464 (DSN), RFC 2369/2919 (lists)."""
    auto_submitted = header_text(message, "Auto-Submitted").lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return f"auto-submitted: {auto_submitted}"
    precedence = header_text(message, "Precedence").lower()
    if precedence in {"bulk", "list", "junk", "auto_reply"}:
        return f"precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Reply"):
        if header_text(message, name):
            return name.lower()
    if header_text(message, "X-Auto-Response-Suppress").lower() in {"all", "oof"} and header_text(
        message, "X-MS-Exchange-Inbox-Rules-Loop"
    ):
        return "exchange rule loop"
    if message.get_content_type() == "multipart/report" or any(
        part.get_content_type() in ("message/delivery-status", "message/disposition-notification")
        for part in message.walk()
    ):
        return "delivery or read report"
    if header_text(message, "List-Id") or header_text(message, "List-Unsubscribe"):
        return "mailing list"
    return_path = header_text(message, "Return-Path")
    if return_path.replace(" ", "") == "<>":
        return "null sender"
    if not sender:
        return "no sender address"
    if _DAEMONS.match(sender):
        return "mail system sender"
    return ""


def _own_parts(part: Message) -> list[Message]:
    """The message's parts, without descending into forwarded messages."""
    parts = [part]
    if part.get_content_type() != "message/rfc822" and part.is_multipart():
        payload = part.get_payload()
        for child in payload if isinstance(payload, list) else []:
            parts += _own_parts(child)
    return parts


def _forwarded_bytes(part: Message) -> tuple[bytes, str]:
    """A forwarded message (message/rfc822) as bytes for its .eml attachment, and what is
    wrong inside it ("" when nothing). Serialised with compat32, which writes the parsed
    headers back as they came: the modern policy refolds them and fails (IndexError) on
    some malformed ones, which sent readable mail to the quarantine."""
    inner = part.get_payload()
    if isinstance(inner, list):
        inner = inner[0] if inner else None
    if not isinstance(inner, Message):
        payload = part.get_payload(decode=True) or b""
        return payload, "" if payload else "empty forwarded message"
    problems = {type(d).__name__ for sub in inner.walk() for d in sub.defects}
    try:
        payload = inner.as_bytes(policy=policy.compat32)
    except Exception as exc:  # the library's own failure on a broken message: keep what it holds
        payload = str(inner.get_payload()).encode("utf-8", "surrogateescape")
        problems.add(type(exc).__name__)
    try:
        BytesParser(policy=policy.default).parsebytes(payload)
    except Exception as exc:  # unreadable by the modern parser (IndexError): flagged
        problems.add(type(exc).__name__)
    return payload, ", ".join(sorted(problems))


def _body(message: Message) -> tuple[str, str, list[ParsedAttachment], list[str]]:
    plain: list[str] = []
    markup: list[str] = []
    attachments: list[ParsedAttachment] = []
    warnings: list[str] = []
    for part in _leaves(message):
        content_type = part.get_content_type()
        disposition = part.get_content_disposition()
        filename = _filename(part)
        is_text = content_type in ("text/plain", "text/html")
        if is_text and disposition != "attachment" and not filename:
            payload = part.get_payload(decode=True) or b""
            text = decode_bytes(payload, part.get_content_charset())
            (plain if content_type == "text/plain" else markup).append(text)
            continue
        if content_type in ("message/delivery-status", "message/disposition-notification"):
            continue
        problem = ""
        if content_type == "message/rfc822":  # a forwarded message: kept whole, as a .eml file
            payload, problem = _forwarded_bytes(part)
        else:
            try:
                payload = part.get_payload(decode=True) or b""
            except Exception as exc:  # a broken transfer encoding: keep the mail, flag the file
                payload, problem = b"", type(exc).__name__
        extension = {"message/rfc822": ".eml"}.get(content_type, "")
        name = filename or f"{'inline' if disposition == 'inline' else 'attachment'}-{len(attachments) + 1}{extension}"
        if problem:
            warnings.append(f"attachment {name[:100]} is damaged inside ({problem}); kept as it came")
        attachments.append(
            ParsedAttachment(
                name=name[:255],
                content_type=content_type[:100],
                content=payload,
                inline=disposition == "inline" or bool(part.get("Content-ID")),
            )
        )
    html_full = "\n".join(markup)
    text = "\n\n".join(t.strip() for t in plain if t.strip())
    if not text and html_full:
        text = html_to_text(html_full)
    body = text.replace("\r\n", "\n").strip()
    return body, html_sanitize(html_full) if html_full else "", attachments, warnings


def _leaves(part: Message) -> list[Message]:
    """The parts that carry content, in order; a forwarded message is one leaf (its own
    parts are not this message's body)."""
    if part.get_content_type() == "message/rfc822" or not part.is_multipart():
        return [part]
    payload = part.get_payload()
    children = payload if isinstance(payload, list) else []
    return [leaf for child in children for leaf in _leaves(child)]


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:  # a malformed RFC 2231 parameter
        name = ""
    if name and any("\udc80" <= ch <= "\udcff" for ch in name):
        name = decode_bytes(name.encode("ascii", "surrogateescape"))
    if "=?" in name:
        name = "".join(c if isinstance(c, str) else decode_bytes(c, cs) for c, cs in decode_header(name))
    return name.replace("/", "_").replace("\\", "_").strip()
