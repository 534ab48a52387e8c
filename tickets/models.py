from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """A ticket category (configurable; seeded with the knowledge-payment set).

    Agents' skills are categories: ``agent_profile.skills`` is the reverse of ``agents``,
    declared here so that accounts depends on no other app.
    """

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    agents = models.ManyToManyField(
        "accounts.AgentProfile", related_name="skills", blank=True, verbose_name=_("agents with this skill")
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language."""
        language = get_language() or "en"
        return self.name_zh_hans if language.startswith("zh") else self.name_en
