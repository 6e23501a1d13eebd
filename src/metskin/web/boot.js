// Before the app (a classic script, run before the module): a first load whose modules did
// not all arrive (the connection dropped on the way) said "Loading…" for ever. It now shows
// why (index.html's #load-failed, in English as the rest of that page: the app's texts come
// with the modules that did not arrive), with a button to try again, and tries again by
// itself once the device is back online.

(() => {
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
