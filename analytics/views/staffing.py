"""The staffing page: agents needed per hour of this week (Erlang C on the forecast
arrivals of every channel but chat, Erlang A on the live chats' with the learners'
patience) beside the agents available, with the forecast's error on held-back weeks."""

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.roles import VIEW_REPORTS
from helpdesk.access import SurfaceAccessMixin

from ..charts import line_chart
from ..models import StaffingForecast
from ..staffing import staffing_plan, week_start_of
from .reports import REPORT_PAGES
from .tables import Column, Table, table_csv_response


class StaffingForm(forms.Form):
    target_minutes = forms.FloatField(
        label=gettext_lazy("Answered within (minutes)"), min_value=0.5, max_value=24 * 60, initial=30, required=False
    )
    target_share = forms.FloatField(
        label=gettext_lazy("Share answered in time (%)"), min_value=1, max_value=99.9, initial=80, required=False
    )
    chat_target_seconds = forms.FloatField(
        label=gettext_lazy("Chats answered within (seconds)"), min_value=5, max_value=3600, initial=60, required=False
    )
    chat_target_share = forms.FloatField(
        label=gettext_lazy("Share of chats answered in time (%)"),
        min_value=1,
        max_value=99.9,
        initial=80,
        required=False,
    )


class StaffingView(SurfaceAccessMixin, View):
    required_permission = VIEW_REPORTS

    def get(self, request: HttpRequest) -> HttpResponse:
        form = StaffingForm(request.GET or None)
        minutes, share, chat_seconds, chat_share = 30.0, 80.0, 60.0, 80.0
        if form.is_bound and form.is_valid():
            minutes = form.cleaned_data["target_minutes"] or minutes
            share = form.cleaned_data["target_share"] or share
            chat_seconds = form.cleaned_data["chat_target_seconds"] or chat_seconds
            chat_share = form.cleaned_data["chat_target_share"] or chat_share
        forecast = StaffingForecast.objects.filter(week_start=week_start_of(timezone.localdate())).first()
        context: dict[str, Any] = {
            "title": _("Staffing"),
            "pages": REPORT_PAGES,
            "form": form,
            "forecast": forecast,
            "query": request.GET.urlencode(),
        }
        if forecast is None:
            return render(request, "analytics/reports/staffing.html", context)
        plan = staffing_plan(
            forecast,
            target_seconds=minutes * 60,
            target_share=share / 100,
            chat_target_seconds=chat_seconds,
            chat_target_share=chat_share / 100,
        )
        rows = [
            [
                f"{timezone.localtime(row['at']):%a %m-%d %H:00}",
                row["arrivals"],
                row["needed"],
                row["chat_arrivals"],
                row["chat_needed"],
                row["total_needed"],
                row["available"],
                row["available"] - row["total_needed"],
            ]
            for row in plan.rows
        ]
        note = _(
            "Erlang C: the fewest agents who answer %(share)s%% of tickets within %(minutes)s minutes, with "
            "%(handle)s minutes of agent work per ticket (agents' replies per ticket over %(sample)s resolved "
            "tickets). Available: agents marked available, in the support calendar's open hours."
        ) % {
            "share": f"{share:g}",
            "minutes": f"{minutes:g}",
            "handle": f"{forecast.handle_seconds / 60:.1f}",
            "sample": forecast.handle_sample,
        }
        chat = forecast.chat
        if chat:
            if chat.get("patience_seconds"):
                note += " " + _(
                    "Live chat, Erlang A: the fewest chat seats that answer %(share)s%% of chats within %(seconds)s "
                    "seconds, with %(handle)s seconds of conversation per chat (%(sample)s answered chats) and "
                    "%(patience)s seconds of mean patience (%(abandoned)s of %(queued)s chats left before a person "
                    "answered); seats divided by the agents' mean chat capacity."
                ) % {
                    "share": f"{chat_share:g}",
                    "seconds": f"{chat_seconds:g}",
                    "handle": f"{chat['handle_seconds']:.0f}",
                    "sample": chat["handle_sample"],
                    "patience": f"{chat['patience_seconds']:.0f}",
                    "abandoned": chat["abandoned"],
                    "queued": chat["queued"],
                }
            else:
                note += " " + _(
                    "Live chat: no chat was abandoned in the history, so patience cannot be measured; the chat "
                    "seats are Erlang C's (%(share)s%% within %(seconds)s seconds), divided by the agents' mean chat "
                    "capacity."
                ) % {"share": f"{chat_share:g}", "seconds": f"{chat_seconds:g}"}
        table = Table(
            name="staffing",
            title=_("Agents needed and available, per hour of this week"),
            columns=[
                Column(_("Hour")),
                Column(_("Tickets forecast"), "num"),
                Column(_("Agents needed (tickets, Erlang C)"), "int"),
                Column(_("Chats forecast"), "num"),
                Column(_("Agents needed (chat, Erlang A)"), "int"),
                Column(_("Agents needed"), "int"),
                Column(_("Agents available"), "int"),
                Column(_("Surplus (−: short)"), "int"),
            ],
            rows=rows,
            note=note,
        )
        if request.GET.get("export") == table.name:
            return table_csv_response(table, filename_prefix="report-staffing")
        labels = [row[0] for row in rows]
        chart = line_chart(
            _("Agents needed and available"),
            labels,
            [
                (_("Agents needed"), [row[5] for row in rows]),
                (_("of which for chat"), [row[4] for row in rows]),
                (_("Agents available"), [row[6] for row in rows]),
            ],
            integer=True,
        )
        context.update(charts=[chart], tables=[table], short_hours=sum(1 for row in rows if row[7] < 0))
        return render(request, "analytics/reports/staffing.html", context)
