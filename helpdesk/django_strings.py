"""Strings Django 6.1 shows on our pages without a Chinese translation of its own, so that
``make messages-update`` keeps them in our catalogue (translated there)."""

from django.utils.translation import gettext_noop

DJANGO_STRINGS = (
    gettext_noop("- Select an option -"),  # BLANK_CHOICE_LABEL of select fields (Django 6.0)
    # django-otp-webauthn (passkeys) has no Chinese catalogue: the messages its endpoints
    # send to the passkey scripts, which show them, and its admin's names.
    gettext_noop("Error processing WebAuthn request."),
    gettext_noop("Malformed request. JSON not parsable."),
    gettext_noop("State is missing or invalid. Please begin the operation first before trying to complete it."),
    gettext_noop("Unprocessable Entity"),
    gettext_noop("Passwordless login is disabled."),
    gettext_noop("This user account is marked as disabled."),
    gettext_noop("This Passkey has been marked as disabled."),
    gettext_noop("The Passkey you tried to use was not found. Perhaps it was removed?"),
    gettext_noop(
        "The Passkey you tried to use does not belong to the currently logged-in user. Try using a different "
        "Passkey or logout first to use this Passkey."
    ),
    gettext_noop("Authentication required."),
    gettext_noop("User is not verified."),
    gettext_noop(
        "You must verify your identity first with an existing MFA device before you can register a new passkey."
    ),
    gettext_noop("OTP WebAuthn"),
    gettext_noop("WebAuthn credential"),
    gettext_noop("WebAuthn credentials"),
    gettext_noop("WebAuthn attestation"),
    gettext_noop("WebAuthn attestations"),
)
