// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // The language switch submits on change; its button stays for no-JS visitors.
  document.querySelectorAll(".js-language-form").forEach((form) => {
    const submit = form.querySelector(".js-language-submit");
    if (submit) submit.classList.add("d-none");
    form.querySelector("select").addEventListener("change", () => form.submit());
  });
});
