// The article form: a file's reference goes into the text at the cursor; a CI picked in the
// type-ahead (app.js fills its list from /cmdb/search.json) is added to the CIs field.
(() => {
  const body = document.querySelector("#kb-form textarea[name=body]");
  document.querySelectorAll("[data-kb-insert]").forEach((button) => {
    button.addEventListener("click", () => {
      if (!body) {
        return;
      }
      const text = button.dataset.kbInsert;
      const start = body.selectionStart ?? body.value.length;
      const end = body.selectionEnd ?? start;
      body.setRangeText(text, start, end, "end");
      body.focus();
    });
  });

  const picker = document.querySelector("[data-kb-ci-picker]");
  const field = document.querySelector("#kb-form input[name=cis]");
  if (!picker || !field) {
    return;
  }
  const add = () => {
    const picked = picker.value.trim();
    if (!/\(#\d+\)$/.test(picked)) {
      return;
    }
    const present = field.value.split(",").map((part) => part.trim()).filter(Boolean);
    if (!present.includes(picked)) {
      present.push(picked);
    }
    field.value = present.join(", ");
    picker.value = "";
  };
  picker.addEventListener("change", add);
  picker.addEventListener("input", () => {
    const options = [...document.querySelectorAll(`#${picker.getAttribute("list")} option`)];
    if (options.some((option) => option.value === picker.value)) {
      add();
    }
  });
  picker.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      add();
    }
  });
})();
