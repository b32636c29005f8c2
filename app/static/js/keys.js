// Keyboard shortcuts for staff ("?" lists them): j/k move in a ticket list, Enter opens,
// r reply, n internal note, a assign to me, / the go-to box, g then t the tickets.
(() => {
  const goBox = document.querySelector("#go-to-ticket input[name=q]");
  const ticketsUrl = document.getElementById("go-to-ticket")?.dataset.ticketsUrl;
  const rows = () => Array.from(document.querySelectorAll("tr")).filter((tr) => tr.querySelector(".row-check"));
  let current = -1;
  let pendingG = 0;

  const typing = (target) => target.closest("input, textarea, select, [contenteditable]") !== null;

  const choose = (step) => {
    const all = rows();
    if (!all.length) return;
    if (current >= 0 && all[current]) all[current].classList.remove("table-active");
    current = Math.max(0, Math.min(all.length - 1, current + step));
    all[current].classList.add("table-active");
    all[current].scrollIntoView({ block: "nearest" });
    all[current].querySelector("a[href]")?.focus({ preventScroll: true });
  };

  const write = (internal) => {
    const box = document.querySelector("#reply textarea[name=body]");
    if (!box) return false;
    const note = document.querySelector("#reply input[name=internal]");
    if (note) note.checked = internal;
    box.focus();
    return true;
  };

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    const key = event.key;
    if (pendingG && Date.now() - pendingG < 1000 && key === "t" && ticketsUrl) {
      window.location.assign(ticketsUrl);
      return;
    }
    pendingG = key === "g" ? Date.now() : 0;
    let handled = true;
    if (key === "j") choose(1);
    else if (key === "k") choose(-1);
    else if (key === "r") handled = write(false);
    else if (key === "n") handled = write(true);
    else if (key === "a") {
      const take = document.querySelector("form[action$='/take']");
      if (take) take.requestSubmit(); else handled = false;
    } else if (key === "/" && goBox) goBox.focus();
    else if (key === "?") {
      const overlay = document.getElementById("shortcuts");
      if (overlay && window.bootstrap) window.bootstrap.Modal.getOrCreateInstance(overlay).show();
    } else handled = false;
    if (handled) event.preventDefault();
  });
})();
