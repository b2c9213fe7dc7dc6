// Small progressive enhancements; every page works without JavaScript.
function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) return decodeURIComponent(match[1]);
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

// htmx requests carry the CSRF token from the cookie, so cached pages need no token inside.
document.addEventListener("htmx:configRequest", (event) => {
  event.detail.headers["X-CSRFToken"] = csrfToken();
});

// Buttons that destroy something ask first.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});

// The shipment form asks for the carrier's name only for "another carrier", and shows the
// chosen carrier's number format as the placeholder.
const TRACK_EXAMPLES = { russian_post: "RA123456785RU", cdek: "1106207236", other: "" };
function syncCarrierName(form) {
  const carrier = form.querySelector("[name=carrier]");
  const name = form.querySelector(".field-carrier_name");
  const track = form.querySelector("[name=track_number]");
  if (carrier && name) name.hidden = carrier.value !== "other";
  if (carrier && track) track.placeholder = TRACK_EXAMPLES[carrier.value] ?? "";
}
document.querySelectorAll("form[data-shipment-form]").forEach((form) => {
  syncCarrierName(form);
  form.addEventListener("change", () => syncCarrierName(form));
});
