// Zayavka's little page behaviour; no inline script anywhere (CSP forbids it).
document.addEventListener("submit", (event) => {
  const question = event.target.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// Workspace list: select all rows; show only the bulk fields of the chosen action.
const selectAll = document.getElementById("select-all");
if (selectAll) {
  selectAll.addEventListener("change", () => {
    document.querySelectorAll(".row-check").forEach((box) => { box.checked = selectAll.checked; });
  });
}
const bulkAction = document.querySelector("#bulk-form select[name=action]");
function showBulkFields() {
  document.querySelectorAll("#bulk-form [data-bulk]").forEach((field) => {
    field.classList.toggle("d-none", field.dataset.bulk !== bulkAction.value);
  });
}
if (bulkAction) {
  bulkAction.addEventListener("change", showBulkFields);
  showBulkFields();
}

// Ticket page: a canned response goes into the reply box where the cursor is.
const canned = document.getElementById("canned-select");
if (canned) {
  canned.addEventListener("change", () => {
    const box = document.querySelector("#reply textarea[name=body]");
    if (canned.value && box) {
      const at = box.selectionStart ?? box.value.length;
      box.value = box.value.slice(0, at) + canned.value + box.value.slice(at);
      box.focus();
    }
    canned.value = "";
  });
}

// Ticket page: status buttons; resolving asks for the resolution first.
const transitionForm = document.getElementById("transition-form");
document.querySelectorAll("[data-transition]").forEach((button) => {
  button.addEventListener("click", () => {
    transitionForm.querySelector("input[name=status]").value = button.dataset.transition;
    if (button.dataset.needsResolution === "yes") {
      transitionForm.classList.remove("d-none");
      transitionForm.querySelector("select, textarea").focus();
    } else {
      transitionForm.requestSubmit();
    }
  });
});

// Change calendar: its view and filters apply as soon as they change.
document.querySelectorAll("#calendar-filters .auto-submit").forEach((field) => {
  field.addEventListener("change", () => field.form.requestSubmit());
});

// Change form: answering the risk questionnaire lets the answers suggest the risk.
document.querySelectorAll("#risk-questions input[type=checkbox]").forEach((box) => {
  box.addEventListener("change", () => {
    const risk = document.querySelector("#change-form select[name=risk]");
    if (risk) {
      risk.value = "";
    }
  });
});
