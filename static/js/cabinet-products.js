// Seller cabinet «Товары»: small enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // A text box that narrows the category <select> to the options containing the typed words.
  document.querySelectorAll(".js-category-filter").forEach((input) => {
    const select = document.getElementById(input.dataset.select);
    if (!select) return;
    input.classList.remove("d-none");
    const original = Array.from(select.children).map((node) => node.cloneNode(true));
    const matches = (text, words) => words.every((word) => text.includes(word));
    input.addEventListener("input", () => {
      const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      const chosen = select.value;
      select.replaceChildren();
      original.forEach((node) => {
        if (node.tagName === "OPTGROUP") {
          const groupHit = matches(node.label.toLowerCase(), words);
          const kids = Array.from(node.children).filter(
            (option) => option.value === chosen || groupHit || matches(option.text.toLowerCase(), words),
          );
          if (kids.length) {
            const group = node.cloneNode(false);
            kids.forEach((option) => group.appendChild(option.cloneNode(true)));
            select.appendChild(group);
          }
        } else if (!node.value || node.value === chosen || matches(node.text.toLowerCase(), words)) {
          select.appendChild(node.cloneNode(true));
        }
      });
      select.value = chosen;
    });
  });

  // «Цифровой товар»: show the digital product's fields (activation, download limit) instead of
  // stock and delivery while the tick is on (the server decides the same on submit).
  const digital = document.querySelector(".product-form input[name='is_digital']");
  if (digital) {
    const toggle = () => {
      document.querySelectorAll(".js-digital-only").forEach((node) => node.classList.toggle("d-none", !digital.checked));
      document.querySelectorAll(".js-physical-only").forEach((node) => node.classList.toggle("d-none", digital.checked));
    };
    digital.addEventListener("change", toggle);
    toggle();
  }

  // On a phone the product's tabs scroll sideways: bring the open one into view.
  const activeTab = document.querySelector(".product-tabs .nav-link.active");
  if (activeTab && activeTab.parentElement.parentElement.scrollWidth > activeTab.parentElement.parentElement.clientWidth) {
    activeTab.parentElement.parentElement.scrollLeft = activeTab.offsetLeft - 16;
  }

  // «Tick all» in the product table's header.
  document.querySelectorAll(".js-bulk-form").forEach((form) => {
    const all = form.querySelector(".js-check-all");
    const rows = Array.from(form.querySelectorAll(".js-check-row"));
    if (!all || !rows.length) return;
    all.classList.remove("d-none");
    all.addEventListener("change", () => rows.forEach((row) => { row.checked = all.checked; }));
    rows.forEach((row) => row.addEventListener("change", () => {
      all.checked = rows.every((box) => box.checked);
      all.indeterminate = !all.checked && rows.some((box) => box.checked);
    }));
  });
});
