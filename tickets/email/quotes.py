"""Trim the quoted history from a reply, so the ticket shows what is new.

Covers the separators of the clients customers use: Gmail/Apple ("On … wrote:"), Outlook
("-----Original Message-----", a "From:/Sent:" block), QQ Mail and Foxmail
("------------------ 原始邮件 ------------------"), Chinese Outlook ("-----邮件原件-----",
and its traditional forms), NetEase 163/126 ("在 … 写道："),
and trailing "> " quotes. The full original is kept on the stored mail message.
"""

import re

_SEPARATORS = [
    re.compile(
        r"^\s*-{2,}\s*(original message|original|forwarded message|reply message|原始邮件|原邮件|邮件原件|转发邮件|"
        r"原始郵件|郵件原件|轉寄郵件|轉發郵件)\s*-{2,}\s*$",
        re.I,
    ),
    re.compile(r"^\s*(on\s.{4,200}\swrote:|在\s?.{2,200}(写道|寫道)\s*[:：])\s*$", re.I),
    re.compile(r"^\s*(from|发件人|發件人|寄件者|寄件人)\s*[:：].+$", re.I),
    re.compile(r"^\s*_{10,}\s*$"),
]
# Gmail breaks a long "On … wrote:" over two lines.
_ON_SPLIT = re.compile(r"^\s*on\s.{4,200}$", re.I)
_WROTE = re.compile(r"^.{0,200}wrote:\s*$", re.I)
_HEADER_BLOCK = re.compile(
    r"^\s*(sent|to|cc|subject|date|发送时间|發送時間|傳送時間|收件人|收件者|抄送|副本|主题|主題|主旨|日期)\s*[:：]",
    re.I,
)


def reply_trim(text: str) -> str:
    """The new part of ``text``: everything above the first quote separator, without a
    trailing block of "> " lines. Returns ``text`` unchanged if trimming would leave nothing."""
    lines = text.splitlines()
    cut = len(lines)
    for index, _line in enumerate(lines):
        if _is_separator(lines, index):
            cut = index
            break
    kept = lines[:cut]
    while kept and (kept[-1].lstrip().startswith(">") or not kept[-1].strip()):
        kept.pop()
    trimmed = "\n".join(kept).strip()
    return trimmed or text.strip()


def _is_separator(lines: list[str], index: int) -> bool:
    line = lines[index]
    if line.lstrip().startswith(">"):
        return False
    for pattern in _SEPARATORS:
        if pattern.match(line):
            if pattern is _SEPARATORS[2]:  # a From: line counts only when a header block follows
                following = lines[index + 1 : index + 4]
                return any(_HEADER_BLOCK.match(f) for f in following)
            return True
    return bool(_ON_SPLIT.match(line) and index + 1 < len(lines) and _WROTE.match(lines[index + 1]))
