"""Agent desk pages of tickets: the queue, the ticket page and its actions, phone tickets.

Views are thin: a selector for what to show, one service per action, domain errors turned
into messages. Every action form carries the ticket version the agent saw, so a stale
save is refused (optimistic lock) and nothing is overwritten.
"""

from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import View
from django.views.generic import TemplateView

from accounts.forms import CustomerSearchForm
from accounts.models import User
from accounts.roles import ACCESS_DESK
from accounts.selectors import agent_profile_own, customer_search
from accounts.services import NotACustomerError, customer_get_or_create
from helpdesk.access import SurfaceAccessMixin
from helpdesk.audit import CONTEXT_VIEWED, audit_record

from ..canned import canned_render, placeholders_error
from ..choices import Channel, Priority, Status
from ..event_texts import event_texts
from ..filters import SORT_FIELDS, VIEW_CHOICES
from ..forms.desk import (
    STATUS_CHOICES,
    BulkForm,
    FieldsForm,
    MacroForm,
    MergeForm,
    PhoneTicketForm,
    ReasonForm,
    RefundDecisionForm,
    ReplyForm,
    StatusForm,
)
from ..models import CannedResponse, RefundRequest, Ticket
from ..reference import reference_lists
from ..selectors import ticket_detail, ticket_get_visible, ticket_queue, ticket_view_counts
from ..services import (
    TicketError,
    refund_approve,
    refund_reject,
    ticket_deescalate,
    ticket_escalate,
    ticket_fields_update,
    ticket_macro_apply,
    ticket_merge,
    ticket_open,
    ticket_reply,
    ticket_status_set,
)

PAGE_SIZES = (25, 50, 100)


class UncountedPage:
    """A page of a queryset read as ``size + 1`` rows, to know whether a next page exists
    without counting them all. Offers what the queue template uses of a Paginator page."""

    paginator = None

    def __init__(self, queryset: Any, size: int, number: str | None) -> None:
        self.number = self.number_from(number)
        start = (self.number - 1) * size
        rows = list(queryset[start : start + size + 1])
        self.object_list = rows[:size]
        self._has_next = len(rows) > size

    @staticmethod
    def number_from(number: str | None) -> int:
        try:
            return max(1, int(number or 1))
        except ValueError:
            return 1

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


class DeskView(SurfaceAccessMixin):
    required_permission = ACCESS_DESK


class DeskHomeView(DeskView, TemplateView):
    """The desk's first page: the saved views' counts, the agent's status, customer search."""

    template_name = "tickets/desk/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = CustomerSearchForm(self.request.GET or None)
        query = form.cleaned_data["q"] if form.is_valid() else ""
        context.update(
            queue_counts=ticket_view_counts(actor=self.request.user),
            agent=agent_profile_own(actor=self.request.user),
            search_form=form,
            query=query,
            customers=list(customer_search(actor=self.request.user, query=query)) if query else [],
        )
        return context


class TicketQueueView(DeskView, TemplateView):
    template_name = "tickets/desk/queue.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        data = self.request.GET.copy()
        if not any(
            key in data for key in ("view", "q", "status", "tier", "category", "priority", "channel", "assignee", "sla")
        ):
            data["view"] = "all"
        try:
            size = int(self.request.GET.get("size", PAGE_SIZES[0]))
        except ValueError:
            size = PAGE_SIZES[0]
        size = size if size in PAGE_SIZES else PAGE_SIZES[0]
        searching = bool((data.get("q") or "").strip())
        number = UncountedPage.number_from(self.request.GET.get("page"))
        # A text search reads only its page and the row after it (UncountedPage).
        queue = ticket_queue(actor=self.request.user, data=data, rows=number * size + 1 if searching else None)
        if searching:
            # A text search is not counted: counting matches would scan the table a second time.
            page = UncountedPage(queue.qs, size, self.request.GET.get("page"))
        else:
            page = Paginator(queue.qs, size).get_page(self.request.GET.get("page"))
        params = data.copy()
        params.pop("page", None)
        agents = [(str(user.pk), str(user)) for user in queue.filters["assignee"].queryset]
        context.update(
            queue=queue,
            filter_fields=self._filter_fields(queue, agents),
            agents=agents,
            status_choices=STATUS_CHOICES,
            page=page,
            tickets=list(page.object_list),
            size=size,
            page_sizes=PAGE_SIZES,
            views=VIEW_CHOICES,
            current_view=data.get("view", ""),
            query_without_page=params.urlencode(),
            sort_links=self._sort_links(params),
            now=timezone.now(),
        )
        return context

    @staticmethod
    def _filter_fields(queue: Any, agents: list[tuple[str, str]]) -> list[dict[str, Any]]:
        """The filter selects as plain data: rendering them in one template loop costs a
        fraction of Django's per-option widget templates, and each list is read once."""
        fields = []
        for name in ("status", "tier", "category", "priority", "channel", "assignee", "sla"):
            bound = queue.form[name]
            if name == "assignee":
                choices = [("null", str(_("Unassigned"))), *agents]
            elif name == "category":
                choices = [(str(c.pk), c.name) for c in queue.filters["category"].queryset]
            else:
                choices = [(str(v), str(label)) for v, label in bound.field.choices if v != ""]
            value = bound.value()
            selected = {str(v) for v in value} if isinstance(value, list) else {str(value)} if value else set()
            fields.append(
                {
                    "name": name,
                    "id": bound.id_for_label,
                    "label": bound.label,
                    "choices": choices,
                    "selected": selected,
                    "multiple": name in ("status", "priority", "category", "channel"),
                }
            )
        return fields

    def _sort_links(self, params: Any) -> dict[str, str]:
        current = params.get("sort", "")
        links = {}
        for key in SORT_FIELDS:
            sort = f"-{key}" if current == key else key
            query = params.copy()
            query["sort"] = sort
            links[key] = "?" + query.urlencode()
        return links


class TicketBulkView(DeskView, View):
    """Apply one action to the selected tickets, each through its service; report what
    was done and what was refused and why."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        form = BulkForm(request.POST)
        back = request.POST.get("next") or reverse("desk:queue")
        if not back.startswith("/desk/"):
            back = reverse("desk:queue")
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(back)
        done, refused = 0, []
        for ticket in form.cleaned_data["tickets"]:
            try:
                self._apply(form.cleaned_data, ticket, request.user)
                done += 1
            except TicketError as error:
                refused.append(f"{ticket.reference}: {error.message}")
        if done:
            messages.success(request, _("%(count)s tickets updated.") % {"count": done})
        for line in refused:
            messages.error(request, line)
        return redirect(back)

    @staticmethod
    def _apply(data: dict[str, Any], ticket: Ticket, actor: User) -> None:
        action = data["action"]
        if action == "assign":
            ticket_fields_update(
                ticket=ticket, actor=actor, assignee=data["assignee"], unassign=data["assignee"] is None
            )
        elif action == "status":
            ticket_status_set(ticket=ticket, actor=actor, status=data["status"], reason=data.get("reason", ""))
        elif action == "escalate":
            ticket_escalate(ticket=ticket, actor=actor, reason=data["reason"])


class TicketDetailView(DeskView, TemplateView):
    template_name = "tickets/desk/ticket_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        detail = ticket_detail(actor=self.request.user, pk=kwargs["pk"])
        ticket = detail.ticket
        # The access log: the ticket page shows the customer's context.
        audit_record(action=CONTEXT_VIEWED, actor=self.request.user, subject=ticket.customer, summary=ticket.reference)
        version = {"version": ticket.version}
        reply_form = kwargs.get("reply_form") or ReplyForm(initial=version)
        fields_form = kwargs.get("fields_form") or FieldsForm(
            initial={
                **version,
                "priority": ticket.priority,
                "category": ticket.category_id,
                "assignee": ticket.assignee_id,
            }
        )
        status_form = kwargs.get("status_form") or StatusForm(initial={**version, "status": ticket.status})
        # The select shows the real status, "new" included (an agent never sets it).
        status_choices = STATUS_CHOICES
        if ticket.status not in dict(STATUS_CHOICES):
            status_choices = [(ticket.status, ticket.get_status_display()), *STATUS_CHOICES]
        # The choices are read only for agents who may change the ticket.
        lists = reference_lists()
        categories = [(str(c.pk), c.name) for c in lists.categories] if detail.can_act else []
        agents = [(str(u.pk), str(u)) for u in fields_form.fields["assignee"].queryset] if detail.can_act else []
        context.update(
            field_selects=[
                (
                    fields_form["priority"],
                    _select(fields_form, "priority", [(str(v), str(lb)) for v, lb in Priority.choices]),
                ),
                (fields_form["category"], _select(fields_form, "category", categories, blank="---------")),
                (fields_form["assignee"], _select(fields_form, "assignee", agents, blank=_("Unassigned"))),
            ],
            status_select=_select(status_form, "status", status_choices),
            reply_status_select=_select(reply_form, "status", STATUS_CHOICES, blank=_("Keep the status")),
        )
        now = timezone.now()
        if detail.context is not None and ticket.order_id:
            # The ticket's order, with its course, from the customer's orders already read
            # (read on its own only if it is not among them).
            order = next((o for o in detail.context.orders if o.pk == ticket.order_id), None)
            ticket.order = order if order is not None else ticket.order
        context.update(
            now=now,
            sla_timers=sla_timers(ticket, now=now),
            detail=detail,
            ticket=ticket,
            event_rows=event_texts(
                detail.events,
                known_names={int(pk): name for pk, name in agents},
                known_categories={int(pk): name for pk, name in categories},
            ),
            reply_form=reply_form,
            fields_form=fields_form,
            status_form=status_form,
            escalate_form=ReasonForm(initial=version, prefix="escalate"),
            deescalate_form=ReasonForm(initial=version, prefix="deescalate"),
            merge_form=kwargs.get("merge_form") or MergeForm(initial=version, prefix="merge"),
            macros=lists.macros if detail.can_act else [],
            refund_form=RefundDecisionForm(
                initial={"amount": detail.refund.amount if detail.refund else None}, prefix="refund"
            ),
        )
        return context


SOON = timedelta(hours=1)
CHAT_SOON = timedelta(seconds=30)


def sla_timers(ticket: Ticket, *, now: datetime) -> list[dict[str, Any]]:
    """The ticket page's SLA timers: first response and resolution, each ``met`` (or
    ``met_late``) with when, ``paused`` while pending, ``breached`` past its due time,
    ``running`` with its due time (``soon`` within the hour), or ``none`` without a target."""
    timers = []
    live = ticket.channel == Channel.CHAT
    for label, due, done, breached in (
        (
            pgettext("SLA target", "First response"),
            ticket.first_response_due_at,
            ticket.first_responded_at,
            ticket.first_response_breached_at,
        ),
        (
            pgettext("SLA target", "Resolution"),
            ticket.resolution_due_at,
            ticket.resolved_at,
            ticket.resolution_breached_at,
        ),
    ):
        if done is not None:
            state = "met_late" if breached or (due and done > due) else "met"
        elif due is None:
            state = "none"
        elif breached or due <= now:
            state = "breached"
        elif ticket.status == Status.PENDING:
            state = "paused"
        else:
            state = "running"
        timers.append(
            {
                "label": label,
                "due_at": due,
                "done_at": done,
                "state": state,
                "soon": due is not None and due - now < (CHAT_SOON if live else SOON),
                # A live chat's targets are seconds and minutes: a ticking countdown, not a date.
                "live": live,
            }
        )
    return timers


def _select(form: Any, name: str, choices: list[tuple[str, str]], blank: str | None = None) -> dict[str, Any]:
    """A select's data for ``_select.html``: a template loop over plain pairs renders many
    times faster than a form widget's per-option templates."""
    value = form[name].value()
    return {
        "name": form.add_prefix(name),
        "id": form[name].id_for_label,
        "choices": [(str(v), str(label)) for v, label in choices],
        "selected": "" if value in (None, "") else str(value),
        "blank": blank,
    }


class TicketActionView(DeskView, View):
    """Base of the ticket page's POST actions. Each subclass sets ``form_class`` and defines
    ``act(ticket, data)`` calling one service; a domain error becomes a message and the page is shown again
    with the current ticket, keeping what the agent typed."""

    http_method_names = ["post"]
    form_class: type = ReasonForm
    prefix: str | None = None
    form_context_name = ""
    success_message = ""

    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        ticket = ticket_get_visible(actor=request.user, pk=pk)
        form = self.form_class(request.POST, request.FILES, prefix=self.prefix)
        extra: dict[str, Any] = {}
        if not form.is_valid():
            messages.error(request, _("Please correct the errors below."))
            status = 400
            if self.form_context_name:
                extra[self.form_context_name] = form
        else:
            try:
                self.act(ticket, form.cleaned_data)  # type: ignore[attr-defined]  # defined by each action
            except TicketError as error:
                messages.error(request, error.message)
                status = error.status_code
                if self.form_context_name == "reply_form":
                    # Keep what the agent typed, against the version they can now see.
                    current = Ticket.objects.get(pk=pk).version
                    extra["reply_form"] = ReplyForm(
                        initial={
                            "body": form.cleaned_data["body"],
                            "internal": form.cleaned_data["internal"],
                            "version": current,
                        }
                    )
            else:
                if self.success_message:
                    messages.success(request, self.success_message)
                return redirect(self.success_url(ticket))
        page = TicketDetailView()
        page.setup(request, pk=pk)
        return render(request, page.template_name, page.get_context_data(pk=pk, **extra), status=status)

    def success_url(self, ticket: Ticket) -> str:
        return reverse("desk:ticket-detail", kwargs={"pk": ticket.pk})


class TicketReplyView(TicketActionView):
    form_class = ReplyForm
    form_context_name = "reply_form"

    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        if not request.POST.get("held"):
            return super().post(request, pk)
        # The live desk held this reply: someone else wrote on the ticket while it was
        # typed. Show the page again with the new message and the text kept, unsent.
        ticket = ticket_get_visible(actor=request.user, pk=pk)
        messages.warning(request, _("Your reply was not sent. Read the new message, then send it again."))
        form = ReplyForm(
            initial={
                "body": request.POST.get("body", ""),
                "internal": bool(request.POST.get("internal")),
                "version": ticket.version,
            }
        )
        page = TicketDetailView()
        page.setup(request, pk=pk)
        return render(request, page.template_name, page.get_context_data(pk=pk, reply_form=form), status=409)

    def act(self, ticket: Ticket, data: dict[str, Any]) -> None:
        ticket_reply(
            ticket=ticket,
            author=self.request.user,
            body=data["body"],
            internal=data["internal"],
            status=data["status"] or None,
            attachments=data["attachments"],
            expected_version=data["version"],
        )
        self.success_message = _("Note added.") if data["internal"] else _("Reply sent.")


class TicketFieldsView(TicketActionView):
    form_class = FieldsForm
    form_context_name = "fields_form"
    success_message = ""

    def act(self, ticket: Ticket, data: dict[str, Any]) -> None:
        ticket_fields_update(
            ticket=ticket,
            actor=self.request.user,
            expected_version=data["version"],
            priority=data["priority"],
            category=data["category"],
            assignee=data["assignee"],
            unassign=data["assignee"] is None and ticket.assignee_id is not None,
        )
        self.success_message = _("Ticket updated.")


class TicketStatusView(TicketActionView):
    form_class = StatusForm
    form_context_name = "status_form"

    def act(self, ticket: Ticket, data: dict[str, Any]) -> None:
        ticket_status_set(
            ticket=ticket,
            actor=self.request.user,
            status=data["status"],
            reason=data["reason"],
            resolution=data["resolution"],
            expected_version=data["version"],
        )
        self.success_message = _("Status changed.")


class TicketEscalateView(TicketActionView):
    prefix = "escalate"

    def act(self, ticket: Ticket, data: dict[str, Any]) -> None:
        ticket_escalate(ticket=ticket, actor=self.request.user, reason=data["reason"], expected_version=data["version"])
        self.success_message = _("Escalated to tier 2.")


class TicketDeescalateView(TicketActionView):
    prefix = "deescalate"

    def act(self, ticket: Ticket, data: dict[str, Any]) -> None:
        ticket_deescalate(
            ticket=ticket, actor=self.request.user, reason=data["reason"], expected_version=data["version"]
        )
        self.success_message = _("Handed back to tier 1.")


class TicketMacroView(TicketActionView):
    form_class = MacroForm
    prefix = "macro"

    def act(self, ticket: Ticket, data: dict[str, Any]) -> None:
        macro = data["macro"]
        ticket_macro_apply(ticket=ticket, macro=macro, actor=self.request.user, expected_version=data["version"])
        self.success_message = _("Macro “%(name)s” applied.") % {"name": macro.name}


class TicketMergeView(TicketActionView):
    form_class = MergeForm
    prefix = "merge"
    form_context_name = "merge_form"

    def act(self, ticket: Ticket, data: dict[str, Any]) -> None:
        self.target = ticket_merge(
            source=ticket, target=data["target"], actor=self.request.user, expected_version=data["version"]
        )
        self.success_message = _("Merged into %(reference)s.") % {"reference": self.target.reference}

    def success_url(self, ticket: Ticket) -> str:
        return reverse("desk:ticket-detail", kwargs={"pk": self.target.pk})


class RefundDecisionView(DeskView, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        ticket = ticket_get_visible(actor=request.user, pk=pk)
        refund = get_object_or_404(RefundRequest, ticket=ticket)
        form = RefundDecisionForm(request.POST, prefix="refund")
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("desk:ticket-detail", pk=pk)
        try:
            if form.cleaned_data["decision"] == "approve":
                refund_approve(
                    request=refund,
                    actor=request.user,
                    amount=form.cleaned_data["amount"],
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("Refund approved."))
            else:
                refund_reject(request=refund, actor=request.user, note=form.cleaned_data["note"])
                messages.success(request, _("Refund rejected."))
        except TicketError as error:
            messages.error(request, error.message)
        return redirect("desk:ticket-detail", pk=pk)


class CannedRenderView(DeskView, View):
    """htmx: the chosen canned response, filled for this ticket, as the reply textarea."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        ticket = ticket_get_visible(actor=request.user, pk=pk)
        try:
            pk = int(request.GET.get("canned") or 0)
        except ValueError:
            pk = 0
        canned = CannedResponse.objects.filter(pk=pk, is_active=True).first()
        fill = canned_render(canned=canned, ticket=ticket, agent=request.user) if canned else None
        form = ReplyForm(initial={"body": fill.text if fill else "", "version": ticket.version})
        return render(
            request,
            "tickets/desk/_reply_body.html",
            {"reply_form": form, "canned_fill": fill},
        )


class ReplyPreviewView(DeskView, View):
    """htmx: the reply being typed, rendered as the customer will read it (Markdown)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        ticket_get_visible(actor=request.user, pk=pk)
        body = request.POST.get("body", "")[:20000]
        warning = placeholders_error(body)
        return render(request, "tickets/desk/_reply_preview.html", {"body": body, "warning": warning})


class PhoneTicketView(DeskView, TemplateView):
    """An agent logs a phone call as a ticket on the customer's behalf."""

    template_name = "tickets/desk/phone_ticket.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or PhoneTicketForm(initial=self.request.GET.dict() or None)
        return context

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PhoneTicketForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    try:
                        customer = customer_get_or_create(email=data["customer_email"], name=data["customer_name"])
                    except NotACustomerError as exc:
                        raise TicketError(_("This email belongs to a staff account, not a customer.")) from exc
                    ticket = ticket_open(
                        customer=customer,
                        subject=data["subject"],
                        body=data["body"],
                        channel=Channel.PHONE,
                        category=data["category"],
                        priority=data["priority"],
                        logged_by=request.user,
                    )
            except TicketError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Phone ticket %(reference)s logged.") % {"reference": ticket.reference})
                return redirect("desk:ticket-detail", pk=ticket.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)
