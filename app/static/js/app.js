// Zayavka's little page behaviour; no inline script anywhere (CSP forbids it).
document.addEventListener("submit", (event) => {
  const question = event.target.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
