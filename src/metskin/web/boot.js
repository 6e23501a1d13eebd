// Before the app (a classic script, run before the module): a first load whose modules did
// not all arrive (the connection dropped on the way) said "Loading…" for ever. It now shows
// why (index.html's #load-failed), with a button to try again, and tries again by itself once
// the device is back online.
//
// index.html's own texts ("Loading…", that message, the footer) are said at once in the
// page's language, without the app: the signed-in profile's (the session the app stored),
// else the browser's first language MetSkin speaks. Their translations come in the page
// itself (`#first-load-texts`, from the same catalogs as the app's), since the catalog the
// app loads may be what did not arrive.

(() => {
  const SESSION_KEY = "metskin.session"; // graphql.js's STORAGE_KEY

  function profileLocale() {
    try {
      const stored = JSON.parse(localStorage.getItem(SESSION_KEY) || "null");
      return (stored && stored.user && stored.user.profile && stored.user.profile.locale) || null;
    } catch {
      return null; // storage off or unreadable: the browser's language
    }
  }

  /** [tag, texts] of the first wanted language the page has texts for; null for English. */
  function pageLanguage(table) {
    const wanted = [profileLocale(), ...(navigator.languages || [navigator.language])];
    for (const tag of wanted.filter(Boolean)) {
      const language = String(tag).split(/[-_]/)[0].toLowerCase();
      if (language === "en") return null;
      if (table[language]) return [tag, table[language]];
    }
    return null;
  }

  function translate() {
    const data = document.getElementById("first-load-texts");
    let table = {};
    try {
      table = data ? JSON.parse(data.textContent) : {};
    } catch {
      return;
    }
    const chosen = pageLanguage(table);
    if (!chosen) return;
    const [tag, texts] = chosen;
    document.documentElement.lang = tag;
    for (const element of document.querySelectorAll("[data-first-load]")) {
      const english = element.textContent.replace(/\s+/g, " ").trim();
      if (texts[english]) element.textContent = texts[english];
    }
  }

  translate();
  const app = document.querySelector('script[type="module"][src$="/app.js"]');
  if (!app) return;
  app.addEventListener("error", () => {
    const failed = document.getElementById("load-failed");
    if (!failed) return;
    for (const loading of document.querySelectorAll("#view .loading")) loading.hidden = true;
    failed.hidden = false;
    document.getElementById("load-again").addEventListener("click", () => window.location.reload());
    window.addEventListener("online", () => window.location.reload(), { once: true });
  });
})();
