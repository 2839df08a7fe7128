// The consultation finder: show the places as soon as a choice changes. The form is a plain
// GET form and works without this script (its 探す button sends it); this only saves a tap.
document.querySelectorAll("form[data-auto-submit]").forEach((form) => {
  form.addEventListener("change", () => form.requestSubmit ? form.requestSubmit() : form.submit());
});
