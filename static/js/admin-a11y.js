// Django's autocomplete (select2) draws a combobox whose accessible name is the selected text,
// empty until something is chosen. Give each the label of the <select> it stands for, however
// late select2 draws it.
"use strict";
(function () {
  function name(select) {
    const label = document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.replace(/[:：]\s*$/, "").trim() : "";
  }

  function label() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      const text = name(select);
      const box = select.parentElement.querySelector(".select2-selection");
      if (!text || !box || box.getAttribute("aria-label") === text) {
        return;
      }
      box.setAttribute("aria-label", text);
      box.querySelectorAll('[role="textbox"]').forEach(function (part) {
        part.setAttribute("aria-label", text);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    label();
    new MutationObserver(label).observe(document.body, { childList: true, subtree: true });
  });
  window.addEventListener("load", label);
})();
