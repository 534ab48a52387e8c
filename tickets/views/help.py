"""Help-center pages of tickets (the customer's surface at /): submit a ticket, follow
and answer one's own tickets, rate the service, ask for a refund, answer the NPS survey,
read one's notifications.

Views stay thin: a selector for the page data, one service per action, domain errors
(``TicketError``) turned into form errors or messages.
"""

import json
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, ListView, TemplateView

from accounts.models import User
from accounts.services import NotACustomerError, customer_get_or_create
from helpdesk.access import SurfaceAccessMixin
from helpdesk.throttle import challenge_new, challenge_verify, client_ip, rate_add_many, rate_count

from ..email.outbound import csat_token_read
from ..forms.help import (
    CSATForm,
    CSATLinkForm,
    NPSForm,
    RefundRequestForm,
    TicketConfirmForm,
    TicketNewForm,
    TicketReplyForm,
)
from ..models import (
    Channel,
    CSATResponse,
    Notification,
    Status,
    Ticket,
)
from ..notification_texts import notification_text
from ..permissions import is_desk_user
from ..selectors import (
    nps_open_for,
    order_list_own,
    order_list_refundable,
    ticket_customer_last_status_change,
    ticket_detail_own,
    ticket_get_own,
    ticket_list_own,
)
from ..services import (
    TicketError,
    csat_record,
    notifications_mark_read,
    nps_record,
    refund_request_open,
    ticket_customer_confirm,
    ticket_open,
    ticket_reply,
)
from ..signals import ticket_submitted_in_help_center

PAGE_SIZE = 20
# The reference of the ticket an anonymous visitor just submitted, for the confirmation
# page: a signed cookie, so that a submission creates no session row (two queries).
SUBMITTED_COOKIE = "help_ticket_submitted"
SUBMITTED_COOKIE_SALT = "tickets.help.submitted"
SUBMITTED_COOKIE_SECONDS = 3600


# ---------------------------------------------------------------------------
# Who an anonymous visitor is
# ---------------------------------------------------------------------------


def _visitor_customer(*, email: str, name: str) -> User:
    """The person an anonymous visitor says they are: the customer with this email address
    (any case) or a new customer. Nothing about an existing account is changed or shown.
    A staff account's address must sign in: tickets are never filed on its behalf."""
    language = get_language() or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    try:
        return customer_get_or_create(email=email, name=name, language=language)
    except NotACustomerError as exc:
        raise TicketError(_("Please sign in to submit a ticket with this email address.")) from exc


# ---------------------------------------------------------------------------
# Submitting a ticket
# ---------------------------------------------------------------------------


# Anonymous submissions are counted per client address and per email address, per hour.
SUBMISSION_WINDOW = 3600


def _submission_limits() -> dict[str, int]:
    return {
        "address": settings.HELPDESK_ANON_TICKETS_PER_ADDRESS_PER_HOUR,
        "email": settings.HELPDESK_ANON_TICKETS_PER_EMAIL_PER_HOUR,
    }


class TicketNewView(FormView):
    """Open to everyone. Signed-in people open the ticket as themselves; anonymous visitors
    give a name and an email address and see only the new ticket's reference.

    Anonymous submissions are limited per client address and per email address in an
    hour (429 beyond), and after ``HELPDESK_ANON_CHALLENGE_AFTER`` from one address the
    form carries a proof-of-work challenge that the browser solves (``helpdesk.throttle``).
    The same rendered form submitted twice (a double click) opens one ticket."""

    template_name = "tickets/help/ticket_new.html"
    form_class = TicketNewForm

    def get_initial(self) -> dict[str, Any]:
        return {**super().get_initial(), "submission": secrets.token_urlsafe(16)}

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        user = self.request.user
        kwargs["orders"] = order_list_own(actor=user) if user.is_authenticated else None
        return kwargs

    def _address_key(self) -> str:
        return f"anon-ticket:address:{client_ip(self.request)}"

    def _address_count(self) -> int:
        """This address's submissions in the window, read once per request (the form and
        the checks after it both need it)."""
        if not hasattr(self, "_address_submissions"):
            self._address_submissions = rate_count(self._address_key(), window=SUBMISSION_WINDOW)
        return self._address_submissions

    def _challenge_required(self) -> bool:
        return self._address_count() >= settings.HELPDESK_ANON_CHALLENGE_AFTER

    def get_form(self, form_class: type[TicketNewForm] | None = None) -> TicketNewForm:
        form = super().get_form(form_class)
        # Help-center articles are suggested (htmx) while the customer types the subject.
        form.fields["subject"].widget.attrs.update(
            {
                "hx-get": reverse("help:suggest"),
                "hx-trigger": "input changed delay:300ms, load",
                "hx-target": "#kb-suggestions",
                "hx-swap": "outerHTML",
                "autocomplete": "off",
            }
        )
        if "proof" in form.fields and self._challenge_required():
            form.fields["proof"].widget.attrs["data-challenge"] = json.dumps(challenge_new())
        return form

    def _refuse(self, form: TicketNewForm, message: str, status: int) -> HttpResponse:
        form.add_error(None, message)
        return self.render_to_response(self.get_context_data(form=form), status=status)

    def form_valid(self, form: TicketNewForm) -> HttpResponse:
        data = form.cleaned_data
        user = self.request.user
        if not user.is_authenticated:
            refused = self._anonymous_refusal(form, data)
            if refused is not None:
                return refused
        token = data.get("submission") or ""
        seen_key = f"ticket-submission:{getattr(user, 'pk', None)}:{token}"
        if token and not cache.add(seen_key, "", timeout=SUBMISSION_WINDOW):
            # (Without Redis, helpdesk.cache's add() reports the key added: the ticket is stored.)
            return self._already_submitted(cache.get(seen_key))
        try:
            # One transaction: a refused ticket (a file too large) creates no customer either.
            with transaction.atomic():
                customer = user if user.is_authenticated else _visitor_customer(email=data["email"], name=data["name"])
                ticket = ticket_open(
                    customer=customer,
                    subject=data["subject"],
                    body=data["message"],
                    channel=Channel.WEB,
                    category=data["category"],
                    order=data.get("order"),
                    attachments=data["attachments"],
                )
        except TicketError as exc:
            cache.delete(seen_key)
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        if token:
            cache.set(seen_key, ticket.pk, timeout=SUBMISSION_WINDOW)
        if not user.is_authenticated:
            rate_add_many([self._address_key(), _email_rate_key(data["email"])], window=SUBMISSION_WINDOW)
        ticket_submitted_in_help_center.send(
            sender=type(self), ticket=ticket, session_key=self.request.session.session_key or ""
        )
        if user.is_authenticated:
            messages.success(
                self.request,
                _("Thank you. We have received your ticket %(reference)s.") % {"reference": ticket.reference},
            )
            return redirect("help:ticket-detail", pk=ticket.pk)
        return self._submitted(ticket.reference)

    def _submitted(self, reference: str) -> HttpResponse:
        """To the anonymous visitor's confirmation, the reference in a signed cookie."""
        response = redirect("help:ticket-submitted")
        response.set_signed_cookie(
            SUBMITTED_COOKIE,
            reference,
            salt=SUBMITTED_COOKIE_SALT,
            max_age=SUBMITTED_COOKIE_SECONDS,
            secure=self.request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
        return response

    def _anonymous_refusal(self, form: TicketNewForm, data: dict[str, Any]) -> HttpResponse | None:
        limits = _submission_limits()
        email_key = _email_rate_key(data["email"])
        if (
            self._address_count() >= limits["address"]
            or rate_count(email_key, window=SUBMISSION_WINDOW) >= limits["email"]
        ):
            return self._refuse(
                form, _("Too many tickets were submitted from here in the last hour. Please try again later."), 429
            )
        if self._challenge_required() and not challenge_verify(data.get("proof") or ""):
            return self._refuse(
                form, _("Please wait a moment while your browser completes a check, then submit again."), 400
            )
        return None

    def _already_submitted(self, ticket_pk: object) -> HttpResponse:
        """The same form sent again: the first submission's result, no second ticket."""
        ticket = Ticket.objects.filter(pk=ticket_pk).first() if isinstance(ticket_pk, int) else None
        if ticket is not None and self.request.user.is_authenticated:
            return redirect("help:ticket-detail", pk=ticket.pk)
        if ticket is not None:
            return self._submitted(ticket.reference)
        # The first submission is still being saved: show its outcome once it is there.
        messages.info(self.request, _("Your ticket is being submitted. Please check again in a moment."))
        return redirect("help:ticket-list" if self.request.user.is_authenticated else "help:home")


def _email_rate_key(email: str) -> str:
    """The rate counter of anonymous tickets for one e-mail address, whatever its case."""
    return f"anon-ticket:email:{email.strip().lower()}"


@method_decorator(never_cache, name="dispatch")
class TicketSubmittedView(TemplateView):
    """The confirmation an anonymous visitor sees: the reference, nothing else."""

    template_name = "tickets/help/ticket_submitted.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        reference = request.get_signed_cookie(
            SUBMITTED_COOKIE, default=None, salt=SUBMITTED_COOKIE_SALT, max_age=SUBMITTED_COOKIE_SECONDS
        )
        if not reference:
            return redirect("help:ticket-new")
        return self.render_to_response(self.get_context_data(reference=reference))


@method_decorator(never_cache, name="dispatch")
class CSATEmailRateView(View):
    """The rating link of a "resolved" mail. The signed, expiring token is the credential
    (no sign-in needed): it names the ticket, its customer and the rating. Opening the link
    shows the rating with a button to send it (and room for a comment): a GET never
    records, because mail scanners open every link of a message before its reader does.
    The first rating counts; a link used again says the ticket is already rated."""

    http_method_names = ["get", "post"]
    template_name = "tickets/help/csat_email.html"

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        found = self._ticket(request, token)
        if isinstance(found, HttpResponse):
            return found
        ticket, rating = found
        if CSATResponse.objects.filter(ticket=ticket).exists():
            return self._page(request, _("This ticket has already been rated. Thank you."), 409, ticket=ticket)
        return self._page(
            request, _("Send this rating of our support?"), 200, ticket=ticket, rating=rating, form=CSATLinkForm()
        )

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        found = self._ticket(request, token)
        if isinstance(found, HttpResponse):
            return found
        ticket, rating = found
        form = CSATLinkForm(request.POST)
        if not form.is_valid():
            return self._page(
                request, _("Send this rating of our support?"), 400, ticket=ticket, rating=rating, form=form
            )
        try:
            csat_record(ticket=ticket, customer=ticket.customer, rating=rating, comment=form.cleaned_data["comment"])
        except TicketError as exc:
            return self._page(request, exc.message, 409, ticket=ticket)
        return self._page(request, _("Thank you for rating our support."), 200, ticket=ticket, rating=rating)

    def _ticket(self, request: HttpRequest, token: str) -> tuple[Ticket, int] | HttpResponse:
        try:
            data = csat_token_read(token)
        except signing.SignatureExpired:
            return self._page(request, _("This rating link has expired. You can rate the ticket on its page."), 400)
        except signing.BadSignature:
            return self._page(request, _("This rating link is not valid."), 400)
        ticket = Ticket.objects.filter(pk=data["t"], customer_id=data["c"]).select_related("customer").first()
        if ticket is None:
            return self._page(request, _("This rating link is not valid."), 400)
        return ticket, data["r"]

    def _page(self, request: HttpRequest, text: str, status: int, **context: Any) -> HttpResponse:
        return render(request, self.template_name, {"text": text, **context}, status=status)


@method_decorator(never_cache, name="dispatch")
class CSATEmailRateStartView(CSATEmailRateView):
    """The rating link of the mails we send now: ``/tickets/rate/#<token>``. The token is
    in the URL's fragment, which browsers never send, so no server, proxy or access log
    ever sees it. The page's script (``static/js/rate.js``) posts it: the first post shows
    the rating to confirm, the second (``send``) records it, as the path-token links of
    older mails still do."""

    start_template_name = "tickets/help/csat_email_start.html"
    token = ""

    def get(self, request: HttpRequest) -> HttpResponse:  # type: ignore[override]
        return render(request, self.start_template_name)

    def post(self, request: HttpRequest) -> HttpResponse:  # type: ignore[override]
        self.token = request.POST.get("token", "").strip()[:1000]
        if request.POST.get("send"):
            return super().post(request, self.token)
        return super().get(request, self.token)

    def _page(self, request: HttpRequest, text: str, status: int, **context: Any) -> HttpResponse:
        return super()._page(request, text, status, form_token=self.token, **context)


# ---------------------------------------------------------------------------
# Following one's tickets
# ---------------------------------------------------------------------------


class TicketListView(SurfaceAccessMixin, ListView):
    """My tickets: a constant number of queries whatever the number of rows."""

    template_name = "tickets/help/ticket_list.html"
    context_object_name = "tickets"
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> QuerySet[Ticket]:
        return ticket_list_own(actor=self.request.user).order_by("-updated_at", "-pk")


class TicketPageMixin(SurfaceAccessMixin):
    """Renders the ticket page with whichever forms the request bound, so that a refused
    reply or rating comes back with its errors and what was typed."""

    template_name = "tickets/help/ticket_detail.html"
    request: HttpRequest
    kwargs: dict[str, Any]

    def render_page(self, *, reply_form: Form | None = None, csat_form: Form | None = None) -> HttpResponse:
        detail = ticket_detail_own(actor=self.request.user, pk=self.kwargs["pk"])
        ticket = detail.ticket
        merged = ticket.merged_into_id is not None
        thread = [message for message in detail.messages if message.is_public]
        context = {
            "ticket": ticket,
            "thread": thread,
            "refund": detail.refund,
            "csat": detail.csat,
            "can_reply": ticket.status != Status.CLOSED and not merged,
            "can_confirm": not merged and _asks_if_solved(ticket, thread),
            "can_rate": ticket.status in (Status.RESOLVED, Status.CLOSED) and not merged and detail.csat is None,
            "reply_form": reply_form or TicketReplyForm(),
            "csat_form": csat_form or CSATForm(),
        }
        return render(self.request, self.template_name, context)


def _asks_if_solved(ticket: Ticket, thread: list[Any]) -> bool:
    """Whether the page asks "solved?": once support has answered since the customer last
    said how things stand, or once an agent resolved the ticket. Never before anyone has
    answered, and never again after the customer's own "solved"."""
    if not (ticket.is_active or ticket.status == Status.RESOLVED):
        return False
    answers = [message.created_at for message in thread if not message.from_customer]
    if ticket.is_active and not answers:
        return False
    said = ticket_customer_last_status_change(ticket=ticket)
    if said is None:
        return True
    if ticket.status == Status.RESOLVED:
        return said.data.get("to") != Status.RESOLVED
    return bool(answers) and answers[-1] > said.created_at


class TicketDetailView(TicketPageMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render_page()


class TicketReplyView(TicketPageMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        ticket = ticket_get_own(actor=request.user, pk=pk)
        form = TicketReplyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                ticket_reply(
                    ticket=ticket,
                    author=request.user,
                    body=form.cleaned_data["message"],
                    attachments=form.cleaned_data["attachments"],
                    channel=Channel.WEB,
                )
            except TicketError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Your reply has been sent."))
                return redirect("help:ticket-detail", pk=pk)
        return self.render_page(reply_form=form)


class TicketConfirmView(SurfaceAccessMixin, View):
    """The customer's "Solved" / "Not solved"."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        ticket = ticket_get_own(actor=request.user, pk=pk)
        form = TicketConfirmForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose “Solved” or “Not solved”."))
            return redirect("help:ticket-detail", pk=pk)
        solved = form.cleaned_data["solved"]
        try:
            ticket_customer_confirm(ticket=ticket, customer=request.user, solved=solved)
        except TicketError as exc:
            messages.error(request, exc.message)
        else:
            if solved:
                messages.success(request, _("Glad to hear it. Your ticket is marked as solved."))
            else:
                messages.success(request, _("Sorry about that. Your ticket is back with our support team."))
        return redirect("help:ticket-detail", pk=pk)


class TicketRatingView(TicketPageMixin, View):
    """The CSAT survey of a resolved or closed ticket, once. htmx requests get the survey
    card back (``_csat.html``)."""

    http_method_names = ["post"]
    partial_template_name = "tickets/help/_csat.html"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        ticket = ticket_get_own(actor=request.user, pk=pk)
        form = CSATForm(request.POST)
        csat = None
        if form.is_valid():
            try:
                csat = csat_record(
                    ticket=ticket,
                    customer=request.user,
                    rating=form.cleaned_data["rating"],
                    comment=form.cleaned_data["comment"],
                )
            except TicketError as exc:
                form.add_error(None, exc.message)
        if request.htmx:
            context = {"ticket": ticket, "csat": csat, "can_rate": csat is None, "csat_form": form}
            return render(request, self.partial_template_name, context)
        if csat is None:
            return self.render_page(csat_form=form)
        messages.success(request, _("Thank you for rating our support."))
        return redirect("help:ticket-detail", pk=pk)


# ---------------------------------------------------------------------------
# Refunds and surveys
# ---------------------------------------------------------------------------


class RefundNewView(SurfaceAccessMixin, FormView):
    """Ask for a refund of one of one's refundable orders; opens a refund ticket."""

    template_name = "tickets/help/refund_new.html"
    form_class = RefundRequestForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["orders"] = order_list_refundable(actor=self.request.user)
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        orders = list(order_list_refundable(actor=self.request.user))
        wanted = self.request.GET.get("order", "")
        order = next((o for o in orders if str(o.pk) == wanted), orders[0] if orders else None)
        if order is None:
            return {}
        return {"order": order, "amount": order.refundable_amount}

    def form_valid(self, form: RefundRequestForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            refund = refund_request_open(
                customer=self.request.user,
                order=data["order"],
                amount=data["amount"],
                reason=data["reason"],
                channel=Channel.WEB,
            )
        except TicketError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("We have received your refund request %(reference)s and will review it.")
            % {"reference": refund.ticket.reference},
        )
        return redirect("help:ticket-detail", pk=refund.ticket_id)


class NPSView(SurfaceAccessMixin, FormView):
    """The NPS survey offered to the signed-in customer, if one is open."""

    template_name = "tickets/help/nps.html"
    form_class = NPSForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("survey", nps_open_for(actor=self.request.user))
        return super().get_context_data(**kwargs)

    def form_valid(self, form: NPSForm) -> HttpResponse:
        survey = nps_open_for(actor=self.request.user)
        if survey is None:
            messages.info(self.request, _("You have no open survey."))
            return redirect("help:nps")
        try:
            nps_record(
                response=survey,
                customer=self.request.user,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except TicketError as exc:
            form.add_error(None, exc.message)
            return self.render_to_response(self.get_context_data(form=form, survey=survey))
        messages.success(self.request, _("Thank you for answering our survey."))
        return redirect("help:home")


class NPSBannerView(TemplateView):
    """The help home's NPS banner (``_nps_banner.html``), loaded by htmx. Empty for
    anonymous visitors and for people with no open survey."""

    template_name = "tickets/help/_nps_banner.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(survey=nps_open_for(actor=self.request.user), **kwargs)


# ---------------------------------------------------------------------------
# Notifications
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NotificationRow:
    notification: Notification
    text: str
    url: str


def _notification_url(notification: Notification, *, desk: bool) -> str:
    if notification.ticket_id is None:
        return reverse("help:nps") if notification.type == "tickets.nps.offered" else ""
    if desk:
        try:
            return reverse("desk:ticket-detail", kwargs={"pk": notification.ticket_id})
        except NoReverseMatch:
            pass
    return reverse("help:ticket-detail", kwargs={"pk": notification.ticket_id})


class NotificationListView(SurfaceAccessMixin, ListView):
    """Everyone's own notifications, newest first, texts in the reader's language."""

    template_name = "tickets/help/notifications.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> QuerySet[Notification]:
        return (
            Notification.objects.filter(recipient_id=self.request.user.pk)
            .select_related("ticket")
            .order_by("-created_at", "-pk")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        desk = is_desk_user(self.request.user)
        context["rows"] = [
            NotificationRow(notification=n, text=notification_text(n), url=_notification_url(n, desk=desk))
            for n in context["object_list"]
        ]
        return context


class NotificationsMarkReadView(SurfaceAccessMixin, View):
    """POST only: every notification of the signed-in person marked read."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        notifications_mark_read(recipient_id=request.user.pk)
        messages.success(request, _("All notifications are marked as read."))
        return redirect("help:notifications")
