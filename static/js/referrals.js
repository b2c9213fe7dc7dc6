// «Дружные скидки»: copy buttons (the link, the code). Without the clipboard API the text is selected for Ctrl+C.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  if (!source) return;
  const text = "value" in source && source.value !== undefined ? source.value : source.textContent.trim();
  const done = () => {
    const label = button.innerHTML;
    button.textContent = "✓ " + (button.dataset.copied || "");
    setTimeout(() => { button.innerHTML = label; }, 2000);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, () => select(source));
  } else {
    select(source);
    try { if (document.execCommand("copy")) done(); } catch (error) { /* the text stays selected */ }
  }
});

function select(element) {
  if (element.select) { element.focus(); element.select(); return; }
  const range = document.createRange();
  range.selectNodeContents(element);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}
