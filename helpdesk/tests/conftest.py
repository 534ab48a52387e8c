"""The browser fixtures of test_browser.py (headless Chromium, the demo people), shared by
the other browser test modules here."""

from .test_browser import browser, people  # noqa: F401
