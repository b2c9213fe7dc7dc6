// Seller cabinet: small enhancements of the shop and product pages; every page works without
// JavaScript (the preview is a button, the logo crop a choice, the photo order arrow buttons).
(() => {
  const token = () => {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  };

  // «О нас»: «Текст» and «Предпросмотр» switch over one box; htmx fills the preview.
  document.querySelectorAll(".js-about-editor").forEach((form) => {
    const writeTab = form.querySelector(".js-about-write");
    const previewTab = form.querySelector(".js-about-preview");
    const write = form.querySelector("#about-write");
    const preview = form.querySelector("#about-preview");
    if (!writeTab || !previewTab || !write || !preview) return;
    const show = (previewing) => {
      write.hidden = previewing;
      preview.hidden = !previewing;
      writeTab.classList.toggle("active", !previewing);
      previewTab.classList.toggle("active", previewing);
      writeTab.setAttribute("aria-pressed", String(!previewing));
      previewTab.setAttribute("aria-pressed", String(previewing));
    };
    writeTab.addEventListener("click", () => {
      show(false);
      form.querySelector("textarea")?.focus();
    });
    document.body.addEventListener("htmx:afterSwap", (event) => {
      if (event.detail.target === preview) show(true);
    });
    // A preview shown by a page load (without htmx) keeps the text box under it.
  });

  // Logo: a picture that is not square is previewed as the square that will be kept.
  document.querySelectorAll(".js-logo-form").forEach((form) => {
    const input = form.querySelector("input[type=file][name=logo]");
    const crop = form.querySelector(".js-logo-crop");
    if (!input || !crop) return;
    const previewBox = crop.querySelector(".js-logo-crop-preview");
    const choice = crop.querySelector(".js-logo-crop-choice");
    const square = crop.querySelector(".js-logo-crop-square");
    const circle = crop.querySelector(".js-logo-crop-circle");
    const text = crop.querySelector(".js-logo-crop-text");
    const radios = Array.from(crop.querySelectorAll("input[name=logo_crop]"));
    let objectUrl = null;
    const hide = () => { crop.hidden = !crop.querySelector(".invalid-feedback"); };
    hide(); // until a picture that needs it is chosen
    const keep = () => (radios.find((radio) => radio.checked) || { value: "center" }).value;
    radios.forEach((radio) => radio.addEventListener("change", () => { crop.dataset.keep = keep(); }));
    const previewChosen = () => {
      if (objectUrl) URL.revokeObjectURL(objectUrl);
      objectUrl = null;
      hide();
      const file = input.files && input.files[0];
      if (!file) return;
      objectUrl = URL.createObjectURL(file);
      const probe = new Image();
      probe.onload = () => {
        const { naturalWidth: width, naturalHeight: height } = probe;
        if (Math.abs(width - height) <= Math.max(2, Math.floor(Math.min(width, height) / 100))) return;
        const shape = width > height ? "wide" : "tall";
        radios.forEach((radio) => {
          const label = crop.querySelector(`label[for="${radio.id}"]`);
          const name = radio.value === "center" ? crop.dataset.center : crop.dataset[`${radio.value}${shape === "wide" ? "Wide" : "Tall"}`];
          if (label && name) label.textContent = name;
        });
        square.src = objectUrl;
        circle.src = objectUrl;
        text.textContent = crop.dataset.text.replace("{size}", `${width}×${height}`);
        crop.dataset.keep = keep();
        previewBox.classList.remove("d-none");
        choice.querySelector("legend")?.classList.add("visually-hidden");
        crop.hidden = false;
      };
      probe.src = objectUrl;
    };
    input.addEventListener("change", previewChosen);
    // A file chosen before this script ran (a fast hand, or a slow page) is previewed too.
    if (input.files && input.files.length) previewChosen();
  });

  // Create page: the chosen photos as small pictures, the first marked as the cover.
  document.querySelectorAll(".js-photo-picks").forEach((list) => {
    const input = list.closest(".field-images")?.querySelector("input[type=file]");
    if (!input) return;
    let urls = [];
    input.addEventListener("change", () => {
      urls.forEach((url) => URL.revokeObjectURL(url));
      urls = Array.from(input.files || []).filter((file) => file.type.startsWith("image/")).map((file) => URL.createObjectURL(file));
      list.replaceChildren(...urls.map((url, index) => {
        const item = document.createElement("li");
        const img = document.createElement("img");
        img.src = url;
        img.alt = "";
        item.appendChild(img);
        if (index === 0) {
          const badge = document.createElement("span");
          badge.className = "badge bg-primary";
          badge.textContent = list.dataset.cover;
          item.appendChild(badge);
        }
        return item;
      }));
      list.hidden = urls.length === 0;
    });
  });

  // «Фото»: drag a photo to another place; the move is saved at once, then the page reloads
  // so the cover and the buttons follow the new order.
  document.querySelectorAll(".js-photo-sort").forEach((grid) => {
    const items = Array.from(grid.querySelectorAll(".photo-grid-item"));
    if (items.length < 2) return;
    grid.classList.add("photo-sortable");
    document.querySelectorAll(".js-drag-hint").forEach((hint) => hint.classList.remove("d-none"));
    let dragged = null;
    const clearMarks = () => items.forEach((item) => item.classList.remove("drop-before", "drop-after"));
    const after = (item, event) => {
      const box = item.getBoundingClientRect();
      return event.clientX > box.left + box.width / 2;
    };
    items.forEach((item) => {
      item.draggable = true;
      item.addEventListener("dragstart", (event) => {
        dragged = item;
        item.classList.add("dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", item.dataset.photo);
      });
      item.addEventListener("dragend", () => {
        item.classList.remove("dragging");
        clearMarks();
      });
      item.addEventListener("dragover", (event) => {
        if (!dragged || dragged === item) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        clearMarks();
        item.classList.add(after(item, event) ? "drop-after" : "drop-before");
      });
      item.addEventListener("drop", (event) => {
        if (!dragged || dragged === item) return;
        event.preventDefault();
        const isAfter = after(item, event);
        const from = items.indexOf(dragged);
        let to = items.indexOf(item) + (isAfter ? 1 : 0);
        if (from < to) to -= 1; // the dragged photo leaves its old place first
        clearMarks();
        if (to === from) return;
        item.parentNode.insertBefore(dragged, isAfter ? item.nextSibling : item);
        grid.classList.add("saving");
        const body = new URLSearchParams({ position: String(to) });
        fetch(dragged.dataset.moveUrl, {
          method: "POST",
          body,
          headers: { "X-CSRFToken": token(), "X-Requested-With": "fetch" },
          credentials: "same-origin",
        }).then((response) => {
          if (!response.ok) window.alert(grid.dataset.error);
        }).catch(() => window.alert(grid.dataset.error)).finally(() => window.location.reload());
      });
    });
  });
})();
