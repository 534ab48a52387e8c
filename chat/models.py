"""A live conversation is a ticket with channel ``chat``: its messages are the ticket's
public messages, so the transcript, the SLA, routing, CSAT and the reports are the ticket's.
``Conversation`` holds only what the chat adds: the visitor's key, where the conversation
stands (bot, person, e-mail, ended) and the read receipts."""

import hashlib
import hmac

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models import Ticket


class ConversationState(models.TextChoices):
    BOT = "bot", _("Answered by the bot")
    AGENT = "agent", _("With a person")
    EMAIL = "email", _("Answered by e-mail")
    ENDED = "ended", _("Ended")


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class Conversation(models.Model):
    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, related_name="conversation", verbose_name=_("ticket")
    )
    # SHA-256 of the visitor's secret key (the widget keeps the key; a leaked table does not
    # open anyone's conversation).
    key_digest = models.CharField(_("key digest"), max_length=64)
    state = models.CharField(
        _("state"), max_length=10, choices=ConversationState.choices, default=ConversationState.BOT
    )
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    identified = models.BooleanField(_("signed in on the platform"), default=False)
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # Read receipts: the newest message (pk) each side has seen.
    customer_read_upto = models.PositiveBigIntegerField(_("read by the customer up to"), default=0)
    agent_read_upto = models.PositiveBigIntegerField(_("read by the agent up to"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "created_at"], name="chat_conversation_state_idx")]

    def __str__(self) -> str:
        return str(self.ticket_id)

    def key_matches(self, key: str) -> bool:
        return hmac.compare_digest(self.key_digest, key_digest(key))
