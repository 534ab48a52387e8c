// Solves the proof-of-work challenge of a form (ALTCHA v1: the n with
// sha256(salt + n) == challenge) and puts the signed answer in the hidden field. The
// submit button waits meanwhile (about a second).
(async () => {
  const encoder = new TextEncoder();
  for (const field of document.querySelectorAll("input[data-challenge]")) {
    const task = JSON.parse(field.dataset.challenge);
    const buttons = field.form.querySelectorAll("button[type=submit]");
    buttons.forEach((button) => { button.disabled = true; });
    for (let n = 0; n <= task.maxnumber; n += 1) {
      const digest = await crypto.subtle.digest("SHA-256", encoder.encode(task.salt + n));
      const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
      if (hex === task.challenge) {
        field.value = btoa(JSON.stringify({
          algorithm: task.algorithm, challenge: task.challenge, number: n, salt: task.salt, signature: task.signature,
        }));
        break;
      }
    }
    buttons.forEach((button) => { button.disabled = false; });
    field.form.dataset.challengeSolved = "true";
  }
})();
