"""Compute this week's staffing forecast now (beat does it every night)."""

from typing import Any

from django.core.management.base import BaseCommand

from analytics.services import staffing_forecast_compute


class Command(BaseCommand):
    help = "Compute and store this week's staffing forecast, replacing the stored one."

    def handle(self, *args: Any, **options: Any) -> None:
        forecast = staffing_forecast_compute()
        self.stdout.write(f"Staffing forecast of the week from {forecast.week_start:%Y-%m-%d} computed.")
