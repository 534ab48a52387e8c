"""Sign-in and sessions: login throttling (django-axes), the second factor for staff
(django-otp), idle staff sessions, and the client address behind a reverse proxy.

https://django-axes.readthedocs.io/en/latest/4_configuration.html
https://django-otp-official.readthedocs.io/en/stable/overview.html
"""

from datetime import timedelta

from django.utils.csp import CSP

from .environment import DEBUG, env

# How many reverse proxies stand in front of the web server. Each appends the address it
# saw to X-Forwarded-For, so the client is the one that many places from the end (earlier
# entries are whatever the client sent). 0: the peer address itself (no proxy).
HELPDESK_PROXY_COUNT = env.int("HELPDESK_PROXY_COUNT", default=0 if DEBUG else 1)

# Login throttling: after HELPDESK_LOGIN_FAILURE_LIMIT wrong passwords for one account, or
# from one address, that account or address waits HELPDESK_LOGIN_LOCKOUT_MINUTES (each new
# attempt during the wait starts it again). Attempts are stored in the database, so the
# limit holds across web workers and without Redis.
AXES_FAILURE_LIMIT = env.int("HELPDESK_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("HELPDESK_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "helpdesk.throttle.login_username"
AXES_CLIENT_IP_CALLABLE = "helpdesk.throttle.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = False
AXES_VERBOSE = False

# Second factor (TOTP) for staff: "enrolled" asks it of every desk user or administrator
# who has set one up; "required" also sends those who have not to set one up before any
# staff page. Customers are never asked.
HELPDESK_STAFF_SECOND_FACTOR = env.str("HELPDESK_STAFF_SECOND_FACTOR", default="enrolled")
OTP_TOTP_ISSUER = env.str("HELPDESK_OTP_ISSUER", default="Helpdesk")
# The name a passkey prompt shows (the domain and origins are in base.py, beside the site URL).
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
# Nobody, administrators included, reads a device's secret back in the admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Staff sessions (desk, reports, admin) end after this many minutes without a request.
HELPDESK_STAFF_IDLE_MINUTES = env.int("HELPDESK_STAFF_IDLE_MINUTES", default=30)

# Content-Security-Policy (Django's own middleware): scripts only from our origin (or with
# the page's nonce), nothing framed, forms posted to us only. Styles may be inline: ReDoc
# and the admin's widgets set them; scripts may not.
# https://docs.djangoproject.com/en/6.1/ref/csp/
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "worker-src": [CSP.SELF, "blob:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Browser features no page of ours uses (helpdesk.middleware.SecurityHeadersMiddleware).
HELPDESK_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)
