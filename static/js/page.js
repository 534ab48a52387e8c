// Small behaviours of every page, as event listeners (the Content-Security-Policy allows
// no inline handlers): insert a text into a field, select all rows, confirm a form.
document.addEventListener("click", (event) => {
  const insert = event.target.closest("[data-insert-into]");
  if (insert) {
    const field = document.getElementById(insert.dataset.insertInto);
    if (field) {
      field.value = (field.value ? `${field.value}\n` : "") + insert.dataset.text;
      field.focus();
    }
  }
  const all = event.target.closest("[data-select-all]");
  if (all) {
    document.querySelectorAll(`input[name="${all.dataset.selectAll}"]`).forEach((box) => {
      box.checked = all.checked;
    });
  }
});
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
