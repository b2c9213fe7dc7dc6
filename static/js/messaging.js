// Conversation pages: quick replies go into the box with the chosen order's number, and the
// thread stays scrolled to the newest message when htmx brings new ones. Works without it too.
(function () {
  function scrollThread() {
    const thread = document.getElementById("thread");
    if (thread) thread.scrollTop = thread.scrollHeight;
  }

  function orderNumber(form) {
    const select = form.querySelector("[data-order-select]");
    const id = select ? select.value : "";
    const first = form.querySelector("[data-order-number]");
    const chosen = id ? form.querySelector(`[data-order-number="${CSS.escape(id)}"]`) : first;
    return chosen ? chosen.textContent.trim() : "";
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-quick-reply]");
    if (!button) return;
    const form = button.closest("form");
    const box = form && form.querySelector("[data-message-text]");
    if (!box) return;
    event.preventDefault();
    const number = orderNumber(form);
    let text = button.dataset.quickReply;
    if (number) text = text.replaceAll("{номер}", number).replaceAll("{number}", number);
    box.value = box.value.trim() ? `${box.value.trim()}\n${text}` : text;
    box.focus();
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target && event.detail.target.id === "thread") scrollThread();
  });
  document.addEventListener("htmx:afterSettle", scrollThread, { once: true });
  scrollThread();
})();
