// After django-otp-webauthn has registered a passkey (its "otp_webauthn.register_complete"
// event), go on to where the person was headed, or show the list with the new passkey.
document.addEventListener("otp_webauthn.register_complete", () => {
  const next = document.getElementById("passkey-next");
  window.location.assign(next && next.value ? next.value : window.location.pathname);
});
