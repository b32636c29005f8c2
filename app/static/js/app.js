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
      // The panel says what it will do: "Resolve", "Close" … as the button that opened it.
      const label = button.textContent.trim();
      document.getElementById("transition-heading").textContent = label;
      transitionForm.querySelector("[type=submit]").value = label;
      transitionForm.classList.remove("d-none");
      transitionForm.querySelector("select, textarea").focus();
    } else {
      transitionForm.requestSubmit();
    }
  });
});

// Portal: files by drag and drop, several at once, added to the form's file input.
function fileSize(bytes) {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
document.querySelectorAll("[data-dropzone]").forEach((zone) => {
  const input = zone.querySelector("input[type=file]");
  const list = zone.querySelector("[data-file-list]");
  const show = () => {
    list.replaceChildren();
    Array.from(input.files).forEach((file, index) => {
      const item = document.createElement("li");
      item.className = "d-flex justify-content-between align-items-center gap-2 border-top py-1";
      const name = document.createElement("span");
      name.textContent = `${file.name} (${fileSize(file.size)})`;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn btn-sm btn-link text-danger p-0";
      remove.textContent = "×";
      remove.setAttribute("aria-label", `${file.name}: ×`);
      remove.addEventListener("click", () => {
        const kept = new DataTransfer();
        Array.from(input.files).forEach((other, at) => { if (at !== index) kept.items.add(other); });
        input.files = kept.files;
        show();
      });
      item.append(name, remove);
      list.append(item);
    });
  };
  ["dragenter", "dragover"].forEach((name) => zone.addEventListener(name, (event) => {
    event.preventDefault();
    zone.classList.add("dragover");
  }));
  ["dragleave", "drop"].forEach((name) => zone.addEventListener(name, () => zone.classList.remove("dragover")));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    const all = new DataTransfer();
    Array.from(input.files).forEach((file) => all.items.add(file));
    Array.from(event.dataTransfer.files).forEach((file) => all.items.add(file));
    input.files = all.files;
    show();
  });
  input.addEventListener("change", show);
});

// Portal, new ticket: live advice on the title, the hint of the chosen category,
// and open tickets of the organization that look like this one.
const newTicket = document.getElementById("new-ticket");
if (newTicket) {
  const title = newTicket.querySelector("input[name=title]");
  const system = newTicket.querySelector("input[name=affected_system]");
  const description = newTicket.querySelector("textarea[name=description]");
  const hint = document.getElementById("title-hint");
  const vague = new Set(newTicket.dataset.vagueWords.split(" "));
  const adviseOnTitle = () => {
    const words = (title.value.match(/[\p{L}\p{N}'’.-]+/gu) || []).map((w) => w.toLowerCase().replace(/[.'’-]+$/, ""));
    let message = "";
    let good = false;
    if (!words.length) {
      message = "";
    } else if (words.every((w) => vague.has(w))) {
      message = hint.dataset.vague;
    } else if (words.length < 2) {
      message = hint.dataset.short;
    } else if (system.value.trim() && !title.value.toLowerCase().includes(system.value.trim().toLowerCase())) {
      message = hint.dataset.noSystem.replace("{system}", system.value.trim());
    } else {
      message = hint.dataset.good;
      good = true;
    }
    hint.textContent = message;
    hint.classList.toggle("d-none", !message);
    hint.classList.toggle("title-hint-good", good);
  };
  title.addEventListener("input", adviseOnTitle);
  system.addEventListener("input", adviseOnTitle);
  adviseOnTitle();

  const category = newTicket.querySelector("select[name=category]");
  const categoryHint = document.getElementById("category-hint");
  category.addEventListener("change", () => {
    const text = category.selectedOptions[0]?.dataset.hint || "";
    categoryHint.querySelector("[data-hint-text]").textContent = text;
    categoryHint.classList.toggle("d-none", !text);
  });

  const similar = document.getElementById("similar");
  const similarList = similar.querySelector("[data-similar-list]");
  let timer = null;
  let asked = "";
  const lookForSimilar = async () => {
    const query = new URLSearchParams({ title: title.value, description: description.value.slice(0, 2000) });
    if (query.toString() === asked || title.value.trim().length < 3) return;
    asked = query.toString();
    const response = await fetch(`${newTicket.dataset.similarUrl}?${query}`, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const found = await response.json();
    similarList.replaceChildren();
    found.forEach((ticket) => {
      const item = document.createElement("li");
      item.className = "list-group-item d-flex flex-wrap justify-content-between align-items-center gap-2";
      const link = document.createElement("a");
      link.href = ticket.url;
      link.target = "_blank";
      link.textContent = `${ticket.number} · ${ticket.title}`;
      const status = document.createElement("span");
      status.className = "small text-muted";
      status.textContent = ticket.status;
      const add = document.createElement("button");
      add.type = "button";
      add.className = "btn btn-sm btn-outline-primary";
      add.textContent = similarList.dataset.addLabel;
      add.addEventListener("click", () => {
        newTicket.querySelector("input[name=add_to]").value = ticket.number;
        newTicket.requestSubmit();
      });
      const text = document.createElement("div");
      text.append(link, document.createElement("br"), status);
      item.append(text, add);
      similarList.append(item);
    });
    similar.classList.toggle("d-none", !found.length);
    newTicket.querySelector("[data-similar-empty]").classList.toggle("d-none", found.length > 0);
  };
  // Knowledge-base articles for what is being typed; "this solved it" ends the flow without a ticket.
  const articles = document.getElementById("kb-suggestions");
  const articleList = articles?.querySelector("[data-kb-list]");
  let askedArticles = "";
  const lookForArticles = async () => {
    if (!articles) return;
    const query = new URLSearchParams({ title: title.value, description: description.value.slice(0, 2000) });
    if (query.toString() === askedArticles || title.value.trim().length < 2) return;
    askedArticles = query.toString();
    const response = await fetch(`${articles.dataset.kbUrl}?${query}`, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const found = await response.json();
    const token = newTicket.querySelector("input[name=csrf_token]")?.value || "";
    articleList.replaceChildren();
    found.forEach((article) => {
      const item = document.createElement("li");
      item.className = "list-group-item d-flex flex-wrap justify-content-between align-items-center gap-2 kb-suggestion";
      const text = document.createElement("div");
      const link = document.createElement("a");
      link.href = article.url;
      link.target = "_blank";
      link.textContent = article.title;
      const snippet = document.createElement("div");
      snippet.className = "small text-muted";
      snippet.innerHTML = article.snippet; // escaped by the server, only <mark> added
      text.append(link, snippet);
      const solved = document.createElement("form");
      solved.method = "post";
      solved.action = article.solved_url;
      const csrf = document.createElement("input");
      csrf.type = "hidden";
      csrf.name = "csrf_token";
      csrf.value = token;
      const button = document.createElement("button");
      button.type = "submit";
      button.className = "btn btn-sm btn-success";
      button.textContent = articleList.dataset.solvedLabel;
      solved.append(csrf, button);
      item.append(text, solved);
      articleList.append(item);
    });
    articles.classList.toggle("d-none", !found.length);
  };
  [title, description].forEach((field) => field.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => { lookForSimilar(); lookForArticles(); }, 400);
  }));
  lookForSimilar();
  lookForArticles();
}

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

// Agent's new ticket: the requester list holds the chosen organization's contacts only.
const requesterOrg = document.querySelector("form[data-requesters] select[name$=organization]");
if (requesterOrg) {
  const requester = requesterOrg.form.querySelector("select[name$=requester]");
  requesterOrg.addEventListener("change", async () => {
    const url = `${requesterOrg.form.dataset.requesters}?organization=${encodeURIComponent(requesterOrg.value)}`;
    const response = await fetch(url, {headers: {Accept: "application/json"}});
    if (!response.ok) {
      return;
    }
    requester.replaceChildren(...(await response.json()).map((choice) => new Option(choice.label, choice.value)));
  });
}

// CI page: "Depends on" asks the CMDB for CIs as one types (name, hostname or IP) and offers them.
document.querySelectorAll("input[data-ci-search]").forEach((input) => {
  const list = document.getElementById(input.getAttribute("list"));
  let timer = null;
  let asked = "";
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = input.value.trim();
      if (q.length < 2 || q === asked || /\(#\d+\)$/.test(q)) {
        return;
      }
      asked = q;
      const response = await fetch(`${input.dataset.ciSearch}?q=${encodeURIComponent(q)}`,
        { headers: { Accept: "application/json" } });
      if (!response.ok) {
        return;
      }
      const found = await response.json();
      list.replaceChildren(...found.items.map((ci) => {
        const option = document.createElement("option");
        option.value = ci.value;
        option.textContent = ci.detail;
        return option;
      }));
    }, 200);
  });
});

// A CMDB import running as a job: its progress bar follows the job; the page reloads once it ends.
const importProgress = document.getElementById("import-progress");
if (importProgress) {
  const bar = importProgress.querySelector("progress");
  const percent = importProgress.querySelector("[data-progress-percent]");
  const said = importProgress.querySelector("[data-progress-text]");
  const poll = async () => {
    const response = await fetch(importProgress.dataset.progressUrl, { headers: { Accept: "application/json" } });
    if (response.ok) {
      const state = await response.json();
      if (state.state === "done" || state.state === "failed") {
        window.location.reload();
        return;
      }
      bar.value = state.percent;
      percent.textContent = `${state.percent}%`;
      if (state.state === "running") {
        said.textContent = `${state.done} / ${state.total}`;
      }
    }
    window.setTimeout(poll, 1000);
  };
  window.setTimeout(poll, 1000);
}

// Knowledge-base panel on the ticket page: "insert link into reply" puts the article's link
// where the cursor is in the reply box and counts a use; without the script the form posts.
// (Delegated: the related articles arrive after the page, see data-fragment below.)
document.addEventListener("submit", async (event) => {
  const form = event.target;
  const box = document.querySelector("#reply textarea[name=body]");
  if (!form.matches("#kb-panel form.kb-insert") || !box) return;
  event.preventDefault();
  const link = form.dataset.link;
  const at = box.selectionStart ?? box.value.length;
  box.value = `${box.value.slice(0, at)}${link}${box.value.slice(box.selectionEnd ?? at)}`;
  box.focus();
  box.selectionStart = box.selectionEnd = at + link.length;
  await fetch(form.action, { method: "POST", body: new FormData(form), headers: { Accept: "application/json" } });
});

// Parts of a page that cost more than the page itself (similar tickets, related articles) are
// asked for once it is shown: the element with data-fragment is replaced by the answer's HTML
// (which may be empty: nothing to show). On an error the placeholder says so, if it has words for it.
document.querySelectorAll("[data-fragment]").forEach(async (slot) => {
  try {
    const response = await fetch(slot.dataset.fragment, { headers: { Accept: "text/html" } });
    if (!response.ok) throw new Error(String(response.status));
    const parts = document.createRange().createContextualFragment(await response.text());
    slot.replaceWith(parts);
  } catch (error) {
    if (slot.dataset.fragmentError) slot.textContent = slot.dataset.fragmentError;
  }
});

// A "print" button (the client's monthly report): no inline script under the CSP.
document.querySelectorAll('[data-print]').forEach((button) => {
  button.addEventListener('click', () => window.print());
});
