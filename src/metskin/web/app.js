// The single-page app: a hash router, the navigation, and a safety net for errors.
// A link from a message is a path (/appointments/<id>, served with this page by the server):
// it becomes the hash route of the same name before the first route.

import { gql, session } from "./graphql.js";
import {
  clear, errorBox, errorInWords, focusHeading, h, navigate, showError,
} from "./dom.js";
import { inAppLanguage, loadMessages, locale, mark, supportedLocales, t } from "./i18n.js";
import {
  renderAcceptInvitation, renderForgotPassword, renderLogin, renderRegister, renderResetPassword,
} from "./views/auth.js";
import { renderProfile } from "./views/profile.js";
import { drawEmailBanner, renderChangeEmail, renderVerifyEmail } from "./views/email.js";
import { renderReleaseEmail } from "./views/release.js";
import { renderAnalyse, renderAnalysis } from "./views/analysis.js";
import { renderHistory } from "./views/history.js";
import { renderRoutine } from "./views/routine.js";
import { renderDirectory } from "./views/directory.js";
import { renderAppointment, renderAppointments } from "./views/appointments.js";
import { renderAdmin } from "./views/admin.js";
import { renderSharing } from "./views/sharing.js";
import { renderDashboard } from "./views/dashboard.js";
import { renderPatient, renderPatients, renderSharedAnalysis } from "./views/patients.js";
import { renderHours } from "./views/hours.js";
import { inboxBadge, renderInbox, stopInboxBadge } from "./views/inbox.js";
import { menuButton, noMenu } from "./menu.js";
import { renderTrends } from "./views/trends.js";
import { renderConsent } from "./views/consent.js";

const DERMATOLOGIST = "DERMATOLOGIST";
const ADMIN = "ADMIN";

const ROUTES = [
  { path: /^\/login$/, view: renderLogin, open: true },
  { path: /^\/register$/, view: renderRegister, open: true },
  { path: /^\/forgot-password$/, view: renderForgotPassword, open: true },
  // A reset link may be opened in a browser that is signed in (to this or another account).
  { path: /^\/reset-password$/, view: renderResetPassword, open: true, signedIn: true },
  { path: /^\/accept-invitation$/, view: renderAcceptInvitation, open: true, signedIn: true },
  // What the photo-analysis consent covers: read before signing up, and after.
  { path: /^\/consent$/, view: renderConsent, open: true, signedIn: true },
  // So may the links that verify or change an email address.
  { path: /^\/verify-email$/, view: renderVerifyEmail, open: true, signedIn: true },
  { path: /^\/change-email$/, view: renderChangeEmail, open: true, signedIn: true },
  // The owner of a mailbox frees its address from an account that never confirmed it.
  { path: /^\/release-email$/, view: renderReleaseEmail, open: true, signedIn: true },
  { path: /^\/analyse$/, view: renderAnalyse },
  { path: /^\/analysis\/([^/]+)$/, view: renderAnalysis },
  { path: /^\/analyses\/([^/]+)$/, view: renderAnalysis },
  { path: /^\/history$/, view: renderHistory },
  { path: /^\/routine\/([^/]+)$/, view: renderRoutine },
  { path: /^\/profile$/, view: renderProfile, everyone: true },
  { path: /^\/dermatologists$/, view: renderDirectory },
  { path: /^\/appointments$/, view: renderAppointments },
  { path: /^\/appointments\/([^/]+)$/, view: renderAppointment },
  { path: /^\/sharing$/, view: renderSharing },
  { path: /^\/inbox$/, view: renderInbox },
  { path: /^\/progress$/, view: renderTrends },
  { path: /^\/dashboard$/, view: renderDashboard, role: DERMATOLOGIST },
  { path: /^\/patients$/, view: renderPatients, role: DERMATOLOGIST },
  { path: /^\/patients\/([^/]+)$/, view: renderPatient, role: DERMATOLOGIST },
  { path: /^\/shared\/([^/]+)$/, view: renderSharedAnalysis, role: DERMATOLOGIST },
  { path: /^\/hours$/, view: renderHours, role: DERMATOLOGIST },
  { path: /^\/admin$/, view: renderAdmin, role: ADMIN },
];

const LINKS = Object.entries({
  "#/analyse": mark("Analyse"), "#/history": mark("History"), "#/progress": mark("Progress"),
  "#/dermatologists": mark("Dermatologists"), "#/appointments": mark("Appointments"),
  "#/sharing": mark("Sharing"), "#/profile": mark("Profile"),
});
const DERMATOLOGIST_LINKS = Object.entries({
  "#/dashboard": mark("Dashboard"), "#/patients": mark("Patients"),
  "#/hours": mark("Working hours"), "#/profile": mark("Profile"),
});

const main = document.getElementById("view");
const nav = document.getElementById("nav");
const globalError = document.getElementById("global-error");
const emailBanner = document.getElementById("email-banner");
// The page on screen: `hash` and `locale` it was asked for and drawn in (locale null while it
// waits for the language), `token` to tell a page replaced while it loaded.
let current = { cleanup: null, token: 0, hash: null, locale: null };
let language = Promise.resolve(false); // the signed-in profile's language, while it loads
let loaded = false; // a page has been drawn since the app started

/**
 * A page is drawn: the window's title names it (its h1, or `data-title`), and but for the
 * first page of a visit the focus goes to its heading, so that a keyboard or screen-reader user
 * starts there rather than on a link that is gone; not when they have moved into it meanwhile.
 */
function drawn(view) {
  const heading = view.querySelector("h1");
  const name = view.dataset.title || (heading ? heading.textContent.trim() : "");
  document.title = name ? t("{page} · MetSkin", { page: name }) : "MetSkin";
  if (loaded && !view.contains(document.activeElement)) focusHeading(view);
  loaded = true;
}

/** A page of someone else's role (admin pages for admins; patients and admins share the rest,
 * but for the pages of everyone: the profile). */
function forOtherRole(found) {
  if (found.everyone) return false;
  const role = session.user ? session.user.role : null;
  if (found.role === ADMIN) return role !== ADMIN;
  return (found.role === DERMATOLOGIST) !== isDermatologist();
}

/** Dermatologists get the dashboard; everyone else the patient journey. */
function isDermatologist() {
  return Boolean(session.user && session.user.role === DERMATOLOGIST);
}

function home() {
  return isDermatologist() ? "#/dashboard" : "#/analyse";
}

function parseHash() {
  const raw = window.location.hash.replace(/^#/, "") || "/";
  const [path, query = ""] = raw.split("?");
  return { path, params: new URLSearchParams(query) };
}

async function logout() {
  try {
    await gql("mutation($t: String!) { logout(refreshToken: $t) }", { t: session.refreshToken });
  } catch {
    // The local session ends either way; the server ends it when the token expires.
  }
  navigate("#/login"); // first, so that clearing the session is not taken for an expiry
  session.clear();
}

/** The navigation: signed in, the pages in a menu (a button opens it on a narrow screen),
 * with the inbox and its unread count beside the button, never hidden in it. Drawn again when
 * the session changes (a refreshed token, a saved profile) with `keep`: an open menu stays
 * open, and the focus stays on the item it was on. */
function renderNav({ keep = false } = {}) {
  const at = document.activeElement;
  const focused = keep && at && nav.contains(at) ? at.id || at.getAttribute("href") : null;
  drawNav(keep);
  const again = focused && [...nav.querySelectorAll("a, button")]
    .find((item) => item.id === focused || item.getAttribute("href") === focused);
  if (again) again.focus();
}

function drawNav(keep) {
  const { path } = parseHash();
  drawEmailBanner(emailBanner).catch(showGlobal);
  nav.setAttribute("aria-label", t("Main"));
  const link = ([href, label]) => h("a", {
    href, "aria-current": href.slice(1) === path ? "page" : null,
  }, t(label));
  if (!session.loggedIn) {
    stopInboxBadge();
    noMenu();
    clear(nav, link(["#/login", mark("Log in")]), link(["#/register", mark("Register")]));
    return;
  }
  const user = session.user || {};
  const links = isDermatologist() ? DERMATOLOGIST_LINKS : LINKS;
  const inbox = isDermatologist() ? null : h("a", { href: "#/inbox", id: "inbox-link",
    "aria-current": path === "/inbox" ? "page" : null }, t("Inbox"), " ", inboxBadge());
  const admin = ["#/admin", mark("Admin")];
  const menu = h("div", { id: "nav-menu", class: "nav-menu" },
    (user.role === ADMIN ? [...links, admin] : links).map(link),
    h("span", { class: "who", id: "who" }, user.profile?.displayName || user.email || ""),
    h("button", { type: "button", id: "logout", class: "link", onclick: logout }, t("Log out")));
  clear(nav, inbox, menuButton(menu, { open: keep }), menu);
}

async function route() {
  const { path, params } = parseHash();
  if (current.cleanup) current.cleanup();
  const token = ++current.token;
  Object.assign(current, { cleanup: null, hash: window.location.hash, locale: null });
  await language; // drawn once, in the profile's language (logging in loads it)
  if (token !== current.token) return;
  current.locale = locale();
  globalError.hidden = true;
  renderNav();

  // Redirects replace the address asked for: Back leads to the page before it.
  if (path === "/") {
    navigate(session.loggedIn ? home() : "#/login", { replace: true });
    return;
  }
  const found = ROUTES.find((candidate) => candidate.path.test(path));
  if (!found) {
    const missing = h("section", { class: "view" }, h("h1", {}, t("Not found")),
      h("p", {}, t("There is no page here.")), " ", h("a", { href: "#/" }, t("Go to the start")));
    clear(main, missing);
    drawn(missing);
    return;
  }
  if (found.open && !found.signedIn && session.loggedIn) {
    navigate(home(), { replace: true }); // logging in or registering again
    return;
  }
  if (!found.open && !session.loggedIn) {
    navigate(`#/login?next=${encodeURIComponent(path)}`, { replace: true });
    return;
  }
  if (!found.open && forOtherRole(found)) {
    // the other side's page (also where logging in leads by default)
    navigate(home(), { replace: true });
    return;
  }
  const match = found.path.exec(path).slice(1).map(decodeURIComponent);
  const view = h("section", { class: "view" }, errorBox());
  clear(main, view);
  try {
    const cleanup = await found.view(view, { match, params });
    if (token === current.token) current.cleanup = typeof cleanup === "function" ? cleanup : null;
    else if (typeof cleanup === "function") cleanup();
  } catch (error) {
    if (token !== current.token) return;
    showError(view, error);
    // Opened while offline (a tunnel, a lift): drawn again once the connection is back,
    // rather than left on "Cannot reach MetSkin" until the person reloads.
    if (error && error.code === "NETWORK_ERROR") {
      window.addEventListener("online", () => {
        if (token === current.token) route();
      }, { once: true });
    }
  }
  if (token === current.token) drawn(view);
}

function showGlobal(error) {
  clear(globalError, ...errorInWords(error));
  globalError.hidden = false;
}

window.addEventListener("error", (event) => showGlobal(event.error || event.message));
window.addEventListener("unhandledrejection", (event) => showGlobal(event.reason));
if (window.location.pathname !== "/") {
  // A link's fragment (`/reset-password#token=...`: browsers never send it, so a token in it
  // stays out of server logs) joins the route's query.
  const query = [window.location.search.slice(1), window.location.hash.slice(1)]
    .filter(Boolean).join("&");
  const deep = window.location.pathname + (query ? `?${query}` : "");
  window.history.replaceState(null, "", `/#${deep}`);
}
/** The signed-in profile's language, else the browser's; the page follows a change. The
 * catalog (its texts and the languages offered) is loaded at start-up even in the default. */
async function speak() {
  const wanted = session.user?.profile?.locale || null;
  if (wanted && wanted === locale() && supportedLocales().length) return false;
  const before = locale();
  await loadMessages(wanted);
  document.getElementById("footer-note").textContent =
    t("MetSkin gives skin-care guidance, not a medical diagnosis.");
  document.getElementById("skip-link").textContent = t("Skip to the content");
  const footerLink = document.getElementById("footer-link");
  footerLink.textContent = t("When to see a dermatologist");
  footerLink.href = inAppLanguage(footerLink.getAttribute("href"));
  return before !== locale();
}

window.addEventListener("hashchange", route);
// The first stop of Tab: past the navigation, to the page's heading (not a route: no hash).
document.getElementById("skip-link").addEventListener("click", (event) => {
  event.preventDefault();
  focusHeading(main);
});
session.onChange(async () => {
  renderNav({ keep: true });
  if (!session.loggedIn && !ROUTES.find((r) => r.open && r.path.test(parseHash().path))) {
    navigate("#/login?ended=1", { replace: true });
  }
  if (!session.loggedIn) return;
  language = speak();
  await language;
  // A page drawn in another language is drawn again in the new one, unless it is about to be
  // anyway: one still waiting for the language, or a new address whose hashchange is to come.
  const shown = current.locale !== null && current.hash === window.location.hash;
  if (shown && current.locale !== locale()) route();
});
language = speak();
route();
