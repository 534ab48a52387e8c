"""Report pages and the snapshot API: they show what the snapshots hold, export every
table as CSV, refuse bad input with a reason and keep a constant number of queries."""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.models import ReportSnapshot, ReportTarget
from analytics.periods import period_of
from analytics.services import report_snapshot_compute
from analytics.tests.test_snapshots import make_tickets

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")

# The tests compute days; the pages' default is the last 30 days.
DAY = {"granularity": "day"}
PAGES = ["home", "satisfaction", "times", "volume", "escalations", "deflection", "agents", "customers", "learners"]


def computed_today_snapshot() -> dict:
    return ReportSnapshot.objects.get(granularity="day", dimension="overall").data


@pytest.fixture
def computed_today() -> date:
    today = timezone.localdate()
    make_tickets(today)
    report_snapshot_compute(granularity="day", period=period_of("day", today))
    return today


@pytest.mark.parametrize("page", PAGES)
def test_every_page_says_no_data_before_anything_is_computed(manager_client, page):
    response = manager_client.get(reverse(f"reports:{page}"))
    assert response.status_code == 200
    assert "No report has been computed for these filters yet." in response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_every_page_exports_each_of_its_tables_as_csv(manager_client, computed_today, page):
    response = manager_client.get(reverse(f"reports:{page}"), DAY)
    tables = [table.name for table in response.context["tables"]]
    assert tables
    for name in tables:
        export = manager_client.get(reverse(f"reports:{page}"), {**DAY, "export": name})
        assert export.status_code == 200
        assert export["Content-Type"].startswith("text/csv")
        assert f"-{name}.csv" in export["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
        columns = response.context["tables"][tables.index(name)].columns
        assert rows[0] == [f"{c.label} (minutes)" if c.kind == "seconds" else c.label for c in columns]


def test_unknown_export_is_not_found(manager_client):
    assert manager_client.get(reverse("reports:times"), {**DAY, "export": "nope"}).status_code == 404


def test_overview_compares_today_so_far_with_the_same_hours_of_yesterday(manager_client, time_machine):
    # given 4 tickets yesterday and 2 today, at 10:00, and the clock at 15:00
    time_machine.move_to(datetime(2026, 3, 11, 15, tzinfo=TZ), tick=False)
    make_tickets(date(2026, 3, 10))
    make_tickets(date(2026, 3, 10))
    make_tickets(date(2026, 3, 11))
    # when today's snapshot is computed and the overview opened
    report_snapshot_compute(granularity="day", period=period_of("day", date(2026, 3, 11)))
    response = manager_client.get(reverse("reports:home"), DAY)
    kpis = {kpi["key"]: kpi for kpi in response.context["kpis"]}
    # then today so far is set against yesterday until 15:00, not against all of yesterday
    assert kpis["created"]["value"] == 2
    assert kpis["created"]["previous"] == 4
    assert kpis["created"]["change"] == -2
    page = response.content.decode()
    assert "−2 vs the same span before (03-10 00:00 – 03-10 15:00)" in page
    assert "2026-03-11 (so far)" in page
    # and 2 ratings are too few to read: the figure shows with its sample, and no change
    assert kpis["csat"]["value"] == 50.0
    assert kpis["csat"]["sample"] == 2
    assert kpis["csat"]["too_few"] is True
    assert kpis["csat"]["change"] is None
    assert "n = 2 ratings" in page
    assert "Too few to read as a trend (fewer than 10)" in page
    assert kpis["nps"]["value"] is None


def test_overview_compares_whole_periods_with_the_one_before(manager_client, time_machine):
    time_machine.move_to(datetime(2026, 3, 12, 9, tzinfo=TZ), tick=False)
    for _ in range(6):
        make_tickets(date(2026, 3, 10))  # 12 tickets and ratings: 6 satisfied
    make_tickets(date(2026, 3, 11))
    for day in (10, 11):
        report_snapshot_compute(granularity="day", period=period_of("day", date(2026, 3, day)))
    response = manager_client.get(reverse("reports:home"), {**DAY, "end": "2026-03-11"})
    kpis = {kpi["key"]: kpi for kpi in response.context["kpis"]}
    assert kpis["created"]["value"] == 2
    assert kpis["created"]["previous"] == 12
    # CSAT on 2 ratings against 12: too few today, so no change
    assert kpis["csat"]["previous"] is None
    assert "−10 vs previous period" in response.content.decode()


def test_key_figures_table_writes_each_change_in_its_figure_s_unit(manager_client, time_machine):
    time_machine.move_to(datetime(2026, 3, 12, 9, tzinfo=TZ), tick=False)
    for day, times in ((10, 5), (11, 6)):  # 10 tickets, then 12: enough to compare
        for _ in range(times):
            make_tickets(date(2026, 3, day))
        report_snapshot_compute(granularity="day", period=period_of("day", date(2026, 3, day)))
    response = manager_client.get(reverse("reports:home"), {**DAY, "end": "2026-03-11"})
    kpis = {kpi["key"]: kpi for kpi in response.context["kpis"]}
    [table] = response.context["tables"]
    changes = {row[0]: html for row, (*_, (_numeric, html)) in zip(table.rows, table.cells, strict=True)}
    assert changes[kpis["created"]["label"]] == "+2"
    assert changes[kpis["first_response_median"]["label"]] == "±0 s"  # 12 minutes both days
    assert changes[kpis["csat"]["label"]] == "±0.0 pts"  # 50 % both days


def test_changes_are_written_in_their_figure_s_unit():
    from analytics.views.tables import Cell

    assert Cell(-7716.0, "seconds", change=True).html() == "−2.1 h"  # not "-128.6"
    assert Cell(-300.0, "seconds", change=True).html() == "−5.0 min"
    assert Cell(-45.0, "seconds", change=True).html() == "−45 s"  # a live chat's answer
    assert Cell(3.25, "pct", change=True).html() == "+3.2 pts"
    assert Cell(-12.5, "money", change=True).html() == "−¥12.50"
    assert Cell(4, "int", change=True).html() == "+4"
    assert "no data" in Cell(None, "pct", change=True).html()


def test_overview_shows_the_distance_to_each_target(manager_client, computed_today):
    ReportTarget.objects.create(metric="csat", value=80)
    ReportTarget.objects.create(metric="first_response_median", value=5)
    response = manager_client.get(reverse("reports:home"), DAY)
    kpis = {kpi["key"]: kpi for kpi in response.context["kpis"]}
    # CSAT 50 % against 80 %: 30 points to go; the median first response 12 minutes against 5
    assert kpis["csat"]["target"] == {"target": 80, "kind": "pct", "distance": 30.0, "met": False}
    assert kpis["first_response_median"]["target"]["distance"] == 420.0
    page = response.content.decode()
    assert "Target 80.0%: 30.0 pts to go" in page
    assert "Target 5.0 min: 7.0 min to go" in page


def test_times_page_shows_the_curve_and_breakdowns(manager_client, computed_today):
    response = manager_client.get(reverse("reports:times"), DAY)
    tables = {table.name: table for table in response.context["tables"]}
    assert [row[0] for row in tables["by-channel"].rows] == ["Email", "Web form"]
    assert tables["trend"].rows[-1][1] == 2  # first responses
    assert tables["trend"].rows[-1][2] == pytest.approx(720.0)  # median of 4 and 20 minutes
    labels = [column.label for column in tables["trend"].columns]
    business = labels.index("First response in business hours, median")
    first_responses = computed_today_snapshot()["first_response"]
    assert tables["trend"].rows[-1][business] == first_responses["business"]["median_seconds"]
    curve = tables["response-curve"].rows
    assert curve[0] == [5, 50.0, pytest.approx(curve[0][2])]
    assert "<svg" in response.content.decode()


def test_dimension_filter_reads_that_dimension_s_snapshots(manager_client, computed_today):
    response = manager_client.get(reverse("reports:volume"), {**DAY, "segment": "channel:email"})
    assert response.context["current"].dimension == "channel"
    assert response.context["tables"][0].rows[-1][1] == 1
    assert "Channel: Email" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-03-10", "end": "2026-03-01"}, "The end date must not be before the start date."),
        ({"granularity": "day", "start": "2020-01-01", "end": "2026-03-01"}, "Choose at most 400 periods"),
        ({"granularity": "year"}, "Select a valid choice."),
        ({"start": "yesterday"}, "Enter a valid date."),
    ],
)
def test_bad_filters_re_render_with_the_reason(manager_client, params, message):
    response = manager_client.get(reverse("reports:times"), params)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_page_queries_do_not_grow_with_the_range(manager_client, django_assert_max_num_queries):
    today = timezone.localdate()
    make_tickets(today)
    report_snapshot_compute(granularity="day", period=period_of("day", today))
    with django_assert_max_num_queries(20) as one:
        manager_client.get(reverse("reports:times"), {**DAY, "start": today.isoformat()})
    for offset in range(1, 6):
        report_snapshot_compute(granularity="day", period=period_of("day", today - timedelta(days=offset)))
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = manager_client.get(
            reverse("reports:times"), {**DAY, "start": (today - timedelta(days=5)).isoformat()}
        )
    assert len(response.context["tables"][0].rows) == 6


def test_manager_refresh_recomputes_the_period(manager_client, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    make_tickets(today)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = manager_client.post(
            reverse("reports:refresh"),
            {"granularity": "day", "day": today.isoformat(), "next": reverse("reports:times")},
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:times")
    # queued once the request's transaction commits; tasks run eagerly in the tests
    assert len(queued) == 1
    assert ReportSnapshot.objects.filter(dimension="overall", start=period_of("day", today).start).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"granularity": "day", "day": "2999-01-01"},
        {"granularity": "hour", "day": "2026-03-01"},
        {"granularity": "day", "day": "not a date"},
    ],
)
def test_refresh_refuses_bad_input_with_a_message(manager_client, data):
    response = manager_client.post(
        reverse("reports:refresh"), {**data, "next": "https://elsewhere.example/"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("reports:home")
    assert "The report could not be refreshed" in response.content.decode()
    assert not ReportSnapshot.objects.exists()


def test_api_lists_snapshots_as_the_pages_show_them(manager_client, computed_today):
    response = manager_client.get(
        reverse("api:report-snapshot-list"), {"granularity": "day", "dimension": "channel", "end": computed_today}
    )
    assert response.status_code == 200
    rows = {row["key"]: row for row in response.json()["results"]}
    assert set(rows) == {"web", "email"}
    assert rows["web"]["data"]["volume"]["created"] == 1
    assert rows["email"]["data"]["csat"]["score"] == 0.0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"granularity": "year"}, "granularity"),
        ({"start": "2026-03-10", "end": "2026-03-01"}, "end"),
        ({"dimension": "planet"}, "dimension"),
        ({"start": "soon"}, "start"),
    ],
)
def test_api_refuses_bad_parameters_with_a_reason(manager_client, params, field):
    response = manager_client.get(reverse("api:report-snapshot-list"), params)
    assert response.status_code == 400
    assert field in response.json()


def test_api_is_documented_in_the_schema(manager_client):
    schema = manager_client.get(reverse("api:schema"), {"format": "json"}).json()
    operation = schema["paths"]["/api/reports/snapshots/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"granularity", "start", "end", "dimension"}


def test_pages_render_in_chinese(manager, manager_client, computed_today):
    manager.language = "zh-hans"  # a signed-in person reads their account's language
    manager.save()
    page = manager_client.get(reverse("reports:satisfaction"), DAY)
    html = page.content.decode()
    assert "满意度与净推荐值" in html
    assert "下载 CSV" in html


def test_filters_show_the_range_shown(manager_client):
    today = timezone.localdate()
    page = manager_client.get(reverse("reports:volume"), {**DAY, "granularity": "week"}).content.decode()
    assert f'name="end" value="{today.isoformat()}"' in page


def test_customer_comments_are_escaped_on_the_page_and_not_formulas_in_csv(manager_client):
    today = timezone.localdate()
    make_tickets(today)
    from tickets.models import CSATResponse

    CSATResponse.objects.update(comment="=HYPERLINK(1)<script>alert(1)</script>")
    report_snapshot_compute(granularity="day", period=period_of("day", today))
    page = manager_client.get(reverse("reports:satisfaction"), DAY).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    export = manager_client.get(reverse("reports:satisfaction"), {**DAY, "export": "csat-comments"}).content.decode(
        "utf-8-sig"
    )
    assert "'=HYPERLINK(1)" in export


def test_customers_page_shows_each_course_s_buyers_in_the_latest_period(manager_client):
    from decimal import Decimal

    from accounts.tests.factories import CourseFactory, CustomerFactory, OrderFactory

    today = timezone.localdate()
    now = timezone.now()
    python = CourseFactory(title="Python 入门")
    photo = CourseFactory(title="Photography basics")
    x, y, z = CustomerFactory(), CustomerFactory(), CustomerFactory()
    for customer, course, amount in ((x, python, 100), (x, python, 100), (y, python, 100), (z, photo, 50)):
        OrderFactory(customer=customer, course=course, amount=Decimal(amount), paid_at=now)
    report_snapshot_compute(granularity="day", period=period_of("day", today))
    response = manager_client.get(reverse("reports:customers"), DAY)
    table = {table.name: table for table in response.context["tables"]}["courses"]
    by_name = {row[0]: dict(zip([c.label for c in table.columns], row, strict=True)) for row in table.rows}
    assert [row[0] for row in table.rows] == ["Python 入门", "Photography basics"]
    assert by_name["Python 入门"]["Buyers"] == 2
    assert by_name["Python 入门"]["Repurchase rate"] == 50.0
    assert by_name["Python 入门"]["Revenue, 12 months"] == 300.0
    assert by_name["Photography basics"]["Repurchase rate"] == 0.0
    assert by_name["Photography basics"]["Revenue, 12 months"] == 50.0
    assert "Customers by course, latest period" in response.content.decode()


def test_deflection_page_shows_automation_and_the_questions_no_article_answers(manager_client, computed_today):
    # when
    response = manager_client.get(reverse("reports:deflection"), {"granularity": "day"})
    # then: the fixture's tickets match no article (there are none): one gap table row per topic
    tables = {table.name: table for table in response.context["tables"]}
    assert [column.label for column in tables["trend"].columns][1:4] == [
        "Tickets created",
        "Auto-answered",
        "Involvement",
    ]
    gaps = tables["content-gaps"]
    assert gaps.rows
    assert sum(row[1] for row in gaps.rows) <= int(gaps.note.split(" of the latest ")[0])
    assert "match no public article closely in meaning" in gaps.note


def test_deflection_page_shows_the_searches_that_opened_no_article_grouped_by_topic(manager_client, time_machine):
    import uuid

    from kb.services import search_record

    # given: a day's help-center searches, none of which opened an article
    time_machine.move_to(datetime(2026, 3, 11, 15, tzinfo=TZ), tick=False)
    at = timezone.now()
    for query, times, results in (("直播间背景音乐怎么换", 3, 0), ("Can I become a teacher?", 1, 2)):
        for _ in range(times):
            search_record(token=uuid.uuid4(), query=query, results=results, language="zh-hans", created_at=at)
    report_snapshot_compute(granularity="day", period=period_of("day", timezone.localdate()))
    # when
    response = manager_client.get(reverse("reports:deflection"), DAY)
    # then
    table = {table.name: table for table in response.context["tables"]}["search-gaps"]
    assert table.rows == [["直播间背景音乐怎么换", 3, 3, ""], ["can i become a teacher?", 1, 0, ""]]
    assert table.note.startswith("4 of the period's 4 help-center searches opened no article (3 found none)")
    zh = manager_client.get(reverse("reports:deflection"), DAY, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "直播间背景音乐怎么换" in zh


def test_live_chat_appears_beside_the_other_channels_in_seconds(manager_client, time_machine):
    time_machine.move_to(datetime(2026, 3, 12, 9, tzinfo=TZ), tick=False)
    make_tickets(date(2026, 3, 11))  # web answered in 4 min, e-mail in 20
    from accounts.tests.factories import CustomerFactory
    from tickets.choices import Channel
    from tickets.models import Ticket

    created = datetime(2026, 3, 11, 11, tzinfo=TZ)
    for seconds in (40, 50):
        Ticket.objects.create(
            subject="chat",
            customer=CustomerFactory(),
            channel=Channel.CHAT,
            created_at=created,
            first_responded_at=created + timedelta(seconds=seconds),
            resolved_at=created + timedelta(minutes=10),
        )
    report_snapshot_compute(granularity="day", period=period_of("day", date(2026, 3, 11)))
    response = manager_client.get(reverse("reports:times"), {**DAY, "end": "2026-03-11"})
    tables = {table.name: table for table in response.context["tables"]}
    rows = {row[0]: row for row in tables["by-channel"].rows}
    assert sorted(rows) == ["Email", "Live chat", "Web form"]
    assert rows["Live chat"][1] == 2  # first responses
    assert rows["Live chat"][2] == pytest.approx(45.0)  # median, in seconds
    assert "45 s" in response.content.decode()
