// Product page: «В корзину» without leaving the page — the form is posted with fetch and a toast
// offers «Перейти в корзину» and «Оформить»; a required option group left unchosen is outlined
// with its message before anything is sent (or when the server names it). Without JavaScript
// the form posts as usual and the server redirects back with a message.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("add-to-cart");
  if (!form || !form.querySelector("[type=submit]")) return; // nothing to add: preview, vacation, free files
  const toastElement = document.getElementById("cart-toast");
  const errorBox = form.querySelector("[data-role=cart-error]");
  const groups = Array.from(form.querySelectorAll("fieldset[data-required]"));
  const submitters = () => Array.from(document.querySelectorAll("#add-to-cart [type=submit], [form=add-to-cart]"));

  // A select always has a variant chosen; radios and checkboxes may have none.
  const unchosen = (group) => group.dataset.required !== "select" && !group.querySelector("input:checked");

  const mark = (group, invalid) => {
    group.classList.toggle("is-invalid", invalid);
    if (invalid) group.setAttribute("aria-invalid", "true");
    else group.removeAttribute("aria-invalid");
    const message = group.querySelector(".option-error");
    if (message) message.hidden = !invalid;
  };

  const showError = (text) => {
    if (!errorBox) return;
    errorBox.textContent = text || "";
    errorBox.hidden = !text;
  };

  const highlight = (missing) => {
    groups.forEach((group) => mark(group, missing.includes(group)));
    if (!missing.length) return;
    missing[0].scrollIntoView({ block: "center", behavior: "smooth" });
    const first = missing[0].querySelector("input, select");
    if (first) first.focus({ preventScroll: true });
  };

  form.addEventListener("change", (event) => {
    const group = event.target.closest("fieldset[data-required]");
    if (group && group.classList.contains("is-invalid") && !unchosen(group)) mark(group, false);
  });

  // The browser's own bubble points at one radio button only: the whole group is outlined instead.
  form.noValidate = true;

  // The endpoint may answer JSON; until then it redirects back here, and the page it redirects
  // to carries the flash message (success or error) and the header's new cart count.
  const readAnswer = async (response) => {
    const type = response.headers.get("Content-Type") || "";
    if (type.includes("application/json")) {
      const data = await response.json();
      return { ok: response.ok && !data.error, message: data.error || data.message, count: data.cart_count };
    }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const error = page.querySelector(".flash-messages .alert-danger");
    const success = page.querySelector(".flash-messages .alert-success");
    const badge = page.getElementById("cart-count");
    const text = (element) => (element ? element.textContent.trim() : "");
    return { ok: response.ok && !error && Boolean(success), message: text(error) || text(success), count: badge ? text(badge) : null };
  };

  const setCount = (count) => {
    const badge = document.getElementById("cart-count");
    if (!badge || count === null || count === undefined) return;
    badge.textContent = count;
    badge.classList.toggle("d-none", !Number(count));
  };

  const showToast = (message) => {
    toastElement.querySelector("[data-role=message]").textContent = message;
    const header = document.querySelector(".site-header");
    if (header) toastElement.parentElement.style.top = `${Math.max(0, header.getBoundingClientRect().bottom) + 12}px`;
    if (window.bootstrap) window.bootstrap.Toast.getOrCreateInstance(toastElement).show();
    else toastElement.classList.add("show");
  };

  let sending = false;
  form.addEventListener("submit", async (event) => {
    const missing = groups.filter(unchosen);
    highlight(missing);
    if (missing.length) {
      event.preventDefault();
      return;
    }
    const quantity = form.querySelector("[name=quantity]");
    if (quantity && !quantity.checkValidity()) {
      event.preventDefault();
      quantity.reportValidity();
      return;
    }
    if (!window.fetch || !window.DOMParser || !toastElement) return; // the ordinary post
    event.preventDefault();
    if (sending) return;
    sending = true;
    showError("");
    submitters().forEach((button) => button.setAttribute("disabled", ""));
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        keepalive: true, // a buyer who leaves at once (the cart icon, another link) still gets the product added
        headers: { Accept: "application/json, text/html;q=0.9", "X-Requested-With": "fetch" },
      });
      const answer = await readAnswer(response);
      if (answer.count !== null) setCount(answer.count);
      if (answer.ok) {
        showToast(answer.message);
      } else {
        const message = answer.message || toastElement.dataset.failed;
        const named = groups.filter((group) => message.includes(`«${group.dataset.groupName}»`));
        if (named.length) highlight(named);
        else showError(message);
      }
    } catch {
      showError(toastElement.dataset.failed);
    } finally {
      sending = false;
      submitters().forEach((button) => button.removeAttribute("disabled"));
    }
  });
});
