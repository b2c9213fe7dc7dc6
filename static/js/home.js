// Loaded on every page from the footer: the cookie notice, and «Недавно смотрели» (a product
// page remembers itself in localStorage, the home page asks for those products' cards). Both
// live in the browser, never in a cookie or the session, so cached pages stay the same for all.
(() => {
  const RECENT_KEY = "lavka:recently-viewed";
  const RECENT_KEEP = 16; // the server shows at most 8, skipping products hidden since
  const COOKIES_KEY = "lavka:cookies-notice-dismissed";

  // localStorage may be missing or refuse writes (private modes, full quota): nothing breaks.
  function read(key) {
    try {
      return window.localStorage.getItem(key);
    } catch {
      return null;
    }
  }
  function write(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, value);
    } catch {
      // remembered for this page only
    }
  }

  function recentIds() {
    try {
      const ids = JSON.parse(read(RECENT_KEY) || "[]");
      return Array.isArray(ids) ? ids.filter((id) => Number.isInteger(id) && id > 0) : [];
    } catch {
      return [];
    }
  }

  // The product page: its id from data-recently-viewed, or else from the view counter's
  // address (/p/<id>/seen/), which only a page a buyer may see carries.
  function viewedProductId() {
    const marked = document.querySelector("[data-recently-viewed]");
    if (marked) return Number.parseInt(marked.dataset.recentlyViewed, 10);
    const counter = document.querySelector("[hx-post*='/seen/']");
    const match = counter && counter.getAttribute("hx-post").match(/\/p\/(\d+)\/seen\/$/);
    return match ? Number.parseInt(match[1], 10) : null;
  }

  function rememberViewedProduct() {
    const id = viewedProductId();
    if (!Number.isInteger(id) || id <= 0) return;
    const ids = [id, ...recentIds().filter((other) => other !== id)].slice(0, RECENT_KEEP);
    write(RECENT_KEY, JSON.stringify(ids));
  }

  function showRecentlyViewed() {
    const section = document.getElementById("recently-viewed");
    if (!section) return;
    const ids = recentIds();
    const clear = section.querySelector(".js-recently-viewed-clear");
    if (clear) {
      clear.addEventListener("click", () => {
        write(RECENT_KEY, null);
        section.hidden = true;
      });
    }
    if (!ids.length) return;
    const url = `${section.dataset.url}?ids=${ids.join(",")}`;
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then((response) => (response.status === 200 ? response.text() : ""))
      .then((html) => {
        if (!html.trim()) return;
        const cards = section.querySelector(".js-recently-viewed-cards");
        cards.innerHTML = html;
        if (window.htmx) window.htmx.process(cards);
        section.hidden = false;
      })
      .catch(() => {
        // the section simply stays hidden
      });
  }

  function cookieNotice() {
    const notice = document.getElementById("cookie-notice");
    if (!notice || read(COOKIES_KEY)) return;
    notice.hidden = false;
    document.body.classList.add("has-cookie-notice");
    notice.querySelector(".js-cookie-notice-ok").addEventListener("click", () => {
      write(COOKIES_KEY, "1");
      notice.hidden = true;
      document.body.classList.remove("has-cookie-notice");
    });
  }

  rememberViewedProduct();
  showRecentlyViewed();
  cookieNotice();
})();
