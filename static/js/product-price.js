// Product page: the shown price and wholesale table follow the chosen option variants
// (seed 001: «покупатель будет видеть, как меняется цена»). The rules are catalog/pricing.py's,
// in whole kopecks: a % is taken off the unit price and rounded half up; a rubles tier
// «N pieces for T ₽» costs T + options × N for its N pieces. Without JavaScript the server's
// prices (without options) stay on the page. The phones' sticky bar shows the same price.
document.addEventListener("DOMContentLoaded", () => {
  const block = document.querySelector(".js-product-price");
  const form = document.getElementById("add-to-cart");
  if (!block || !form) return;

  const kopecks = (text) => Math.round(parseFloat(text || "0") * 100);
  const percentOff = (amount, percent) => amount - Math.round((amount * percent) / 100);
  const rub = (amount) => {
    const sign = amount < 0 ? "\u2212" : "";
    const value = Math.abs(amount);
    const whole = Math.floor(value / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, "\u00a0");
    const rest = value % 100;
    return `${sign}${whole}${rest ? "," + String(rest).padStart(2, "0") : ""}\u00a0₽`;
  };

  const price = kopecks(block.dataset.price);
  const discount = parseInt(block.dataset.discount || "0", 10);

  const optionsDelta = () => {
    let delta = 0;
    form.querySelectorAll("select[name^='option_']").forEach((select) => {
      const chosen = select.selectedOptions[0];
      if (chosen) delta += kopecks(chosen.dataset.delta);
    });
    form.querySelectorAll("input[name^='option_']:checked").forEach((input) => {
      delta += kopecks(input.dataset.delta);
    });
    return delta;
  };

  // The line total the cart charges for `quantity` pieces: the best single discount.
  const lineTotal = (base, delta, quantity, tier) => {
    const totals = [base * quantity];
    if (discount) totals.push(percentOff(base, discount) * quantity);
    if (tier && tier.kind === "percent") totals.push(percentOff(base, parseFloat(tier.value)) * quantity);
    if (tier && tier.kind === "total") totals.push(Math.round((kopecks(tier.value) * quantity) / tier.qty) + delta * quantity);
    return Math.max(0, Math.min(...totals));
  };

  const update = () => {
    const delta = optionsDelta();
    const base = Math.max(0, price + delta);
    const unit = lineTotal(base, delta, 1, null);
    document.querySelectorAll("[data-role=price], [data-role=bar-price]").forEach((shown) => {
      shown.textContent = rub(unit);
    });
    document.querySelectorAll("[data-role=price-old], [data-role=bar-price-old]").forEach((old) => {
      old.textContent = rub(base);
    });
    document.querySelectorAll(".wholesale .js-tier").forEach((row) => {
      const qty = parseInt(row.dataset.qty, 10);
      const tier = row.dataset.kind ? { kind: row.dataset.kind, value: row.dataset.value, qty } : null;
      const total = lineTotal(base, delta, qty, tier);
      const each = Math.round(total / qty);
      row.querySelector(".js-tier-unit").textContent = (each * qty === total ? "" : "≈\u00a0") + rub(each);
      row.querySelector(".js-tier-total").textContent = rub(total);
    });
  };

  form.addEventListener("change", (event) => {
    if (event.target.name && event.target.name.startsWith("option_")) update();
  });
  update();
});
