// Phones: small enhancements of the header, tabs and sticky action bars; every page works without it.

// Sideways-scrolling tabs ([data-scroll-tabs] around a .nav): the current tab is scrolled into view and the
// edge with more tabs behind it fades, so a person sees there is more to swipe to.
function syncTabFades(wrapper, list) {
  const more = list.scrollWidth - list.clientWidth;
  wrapper.classList.toggle("fade-start", more > 1 && list.scrollLeft > 1);
  wrapper.classList.toggle("fade-end", more > 1 && list.scrollLeft < more - 1);
}

document.querySelectorAll("[data-scroll-tabs]").forEach((wrapper) => {
  const list = wrapper.querySelector(".nav");
  if (!list) return;
  const active = list.querySelector(".active");
  if (active && list.scrollWidth > list.clientWidth) {
    // scrollIntoView() would also scroll the page; only the strip moves.
    list.scrollLeft = active.offsetLeft - (list.clientWidth - active.offsetWidth) / 2;
  }
  syncTabFades(wrapper, list);
  list.addEventListener("scroll", () => syncTabFades(wrapper, list), { passive: true });
  window.addEventListener("resize", () => syncTabFades(wrapper, list));
});
