"""The Chinese catalogue: complete, one form of address, and never in the way of Django's
own translations of the admin's words."""

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

from .catalogue import catalogue_entries


def test_every_entry_is_translated_and_none_is_fuzzy():
    entries = catalogue_entries()
    assert len(entries) > 500
    assert [e["msgid"] for e in entries if not e.get("msgstr") or e["fuzzy"]] == []


def test_one_form_of_address():
    assert [e["msgstr"] for e in catalogue_entries() if "你" in str(e["msgstr"]).replace("你们", "")] == []


@pytest.mark.parametrize(("word", "django_zh"), [("Change", "修改"), ("View", "查看"), ("Yes", "是"), ("No", "否")])
def test_the_admins_words_are_djangos_own(word, django_zh):
    """Our catalogue comes first: a bare "Yes" of ours made every admin filter say 有帮助."""
    assert not [e for e in catalogue_entries() if e["msgid"] == word and "msgctxt" not in e]
    with translation.override("zh-hans"):
        assert gettext(word) == django_zh


def test_words_with_several_meanings_carry_a_context():
    with translation.override("zh-hans"):
        assert pgettext("was this article helpful", "Yes") == "有帮助"
        assert pgettext("date column", "Created") == "创建时间"
        assert gettext("Created") == "新建工单"  # a count of tickets, in the reports
        assert pgettext("how a ticket was settled", "Resolution") == "处理结果"
        assert gettext("Resolution") == "解决时长"
        assert pgettext("refund status", "Requested") == "待审核"
        assert gettext("- Select an option -") == "- 请选择 -"
