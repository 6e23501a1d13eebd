// The administrators' area: articles, videos and dermatologists, the access log, support's
// reset links (support.js), and the log of every change.

import { gql } from "../graphql.js";
import {
  append, busy, choice, clear, errorBox, field, focusOn, formValue, h, listFromText, notice,
  onSubmit, when,
} from "../dom.js";
import { mark, t } from "../i18n.js";
import { TYPES as CONSULTATION_TYPES } from "./hours.js";
import { previewPanel } from "./preview.js";
import { accessLog } from "./sharing.js";
import { supportResets } from "./support.js";

const ARTICLE_FIELDS = `slug title summary tags readingMinutes body url locale availableLocales
  staleLocales status`;
// Drafts too: the editors' lists are the only place they show.
const ARTICLES = `query { articles(first: 100, includeDrafts: true) {
  edges { node { ${ARTICLE_FIELDS} } } } }`;
const VIDEOS = `query { videos(includeDrafts: true) { slug title tags durationSeconds description
  url locale availableLocales staleLocales status transcript transcriptLocale } }`;
const LOG = "query { editorLog(first: 20) { at action kind target summary } }";
const SAVE_ARTICLE = `mutation($input: ArticleInput!, $mode: SaveMode!, $locale: String,
  $status: ContentStatus) {
  saveArticle(input: $input, mode: $mode, locale: $locale, status: $status) { slug } }`;
const SAVE_VIDEO = `mutation($input: VideoInput!, $mode: SaveMode!, $locale: String,
  $status: ContentStatus) {
  saveVideo(input: $input, mode: $mode, locale: $locale, status: $status) { slug } }`;
const PUBLISH = `mutation($kind: ContentType!, $slug: String!) {
  publishContent(kind: $kind, slug: $slug) }`;
const UNPUBLISH = `mutation($kind: ContentType!, $slug: String!) {
  unpublishContent(kind: $kind, slug: $slug) }`;
// A new item is a draft until its editor publishes it (it went live at the first save before).
const STATUSES = [["DRAFT", mark("Draft: only administrators see it")],
  ["PUBLISHED", mark("Published: readers see it")]];
// The languages an item's words can be written in, each named in its own language.
const CONTENT_LANGUAGES = ["en", "fr", "de"];
const DELETE = "mutation($kind: ContentType!, $slug: String!) { deleteContent(kind: $kind, slug: $slug) }";
const CREATE_DOCTOR = `mutation($email: String!, $input: DermatologistInput!) {
  createDermatologist(email: $email, input: $input) { id name } }`;
// The dermatologists' accounts by name, a page at a time, and whether each has chosen a
// password from their invitation yet; `search` by name or address.
const DOCTOR_PAGE = 50;
const ACCOUNTS = `query($after: String, $search: String) {
  users(role: DERMATOLOGIST, orderBy: NAME, first: ${DOCTOR_PAGE}, after: $after,
    search: $search) {
    edges { node { id email activated profile { displayName } } }
    pageInfo { hasNextPage endCursor } } }`;
const PATIENTS = `query($search: String) { users(role: PATIENT, first: 2, search: $search) {
  edges { node { id email profile { displayName } } } } }`;
const RESEND = "mutation($id: ID!) { resendDermatologistInvitation(id: $id) }";
const DELETE_DOCTOR = "mutation($id: ID!) { deleteDermatologist(id: $id) }";
const DOCTOR = `query($id: ID!) { dermatologist(id: $id) { name specialties languages timeZone
  consultationTypes fee { amount currency } bio bioLocale
  practice { name address city country lat lon phone } } }`;
const UPDATE_DOCTOR = `mutation($id: ID!, $input: DermatologistInput!, $locale: String) {
  updateDermatologist(id: $id, input: $input, locale: $locale) { id } }`;

const input = (name, attributes = {}) => h("input", { name, ...attributes });
const languageName = (code) => new Intl.DisplayNames([code], { type: "language" }).of(code);
const languages = () => choice("locale",
  CONTENT_LANGUAGES.map((code) => [code, languageName(code)]), CONTENT_LANGUAGES[0]);
const area = (name, rows = 6) => h("textarea", { name, rows });
// A button that cannot be undone asks first (the dermatologist's erasure cancels bookings).
const sure = (question) => window.confirm(question);

/** `action` on submit, the earlier save's notice gone first (after an error it still said
 * "Saved." or "Listed." beside the refusal). */
const onSave = (form, action) => onSubmit(form, async () => {
  for (const old of form.querySelectorAll(":scope > .notice")) old.remove();
  await action();
});

function fill(form, values) {
  for (const [name, value] of Object.entries(values)) {
    const element = form.elements.namedItem(name);
    if (element) element.value = Array.isArray(value) ? value.join(", ") : value;
  }
}

/** `item` (as read in `language`) in the form. Without a translation in that language yet, its
 * `words` are emptied, the English shown as their placeholder: before, choosing French kept the
 * English words in the form (saved as the French unless all retyped), and a French text
 * already saved could not be read back to correct it. */
// Words with a language of their own: a video's transcript falls back to the English.
const OWN_LANGUAGE = { transcript: "transcriptLocale" };

function fillIn(form, item, language, words) {
  fill(form, item);
  for (const name of words) {
    const translated = (item[OWN_LANGUAGE[name]] || item.locale) === language;
    const element = form.elements.namedItem(name);
    element.placeholder = translated ? "" : element.value;
    if (!translated) element.value = "";
    element.lang = language;
  }
  form.elements.locale.value = language;
}

/** A form that creates (or, with an existing slug, updates) one item, and the list under it;
 * `words` name its fields written in each language (the rest are shared). */
function editor({ id, kind, title, fields, words, list, toInput, save, remove, describe },
  changed) {
  const verb = choice("verb", [["CREATE", t("Create")], ["UPDATE", t("Update")]], "CREATE");
  const form = h("form", { class: "admin-form", id: `${id}-form`, novalidate: true },
    errorBox(), h("div", { class: "grid" }, fields, field(t("Action"), verb),
      field(t("Language of the words"), languages(),
        t("Another language than English saves a translation of an existing item.")),
      field(t("Status"), choice("status", STATUSES, "DRAFT"),
        t("A draft is in no list, search or page for patients; preview it below."))),
    h("button", { type: "submit" }, t("Save")));
  const items = h("ul", { class: "admin-list", id: `${id}-list` });
  const preview = previewPanel(`${id}-preview`, kind, languages());
  const section = h("section", { class: "card", id }, h("h2", {}, title), form, preview.panel,
    items);
  const draft = (item) => item.status === "DRAFT";
  const reload = async () => {
    const found = await list();
    clear(items, found.map((item) => h("li", { "data-slug": item.slug, lang: item.locale },
      describe(item), h("span", { class: "muted" }, ` (${item.availableLocales.join(", ")}) `),
      item.staleLocales.length ? h("span", { class: "stale" },
        t("Translation older than the English: {languages}",
          { languages: item.staleLocales.join(", ") }), " ") : null,
      draft(item) ? h("span", { class: "stale draft" }, t("Draft"), " ") : null,
      h("button", { type: "button", class: "link preview-item", "aria-label":
        t("Preview {item}", { item: item.title }),
      onclick: () => preview.show(item) }, t("Preview")), " ",
      h("button", { type: "button", class: `link ${draft(item) ? "publish" : "unpublish"}`,
        "aria-label": draft(item) ? t("Publish {item}", { item: item.title })
          : t("Unpublish {item}", { item: item.title }),
        onclick: () => published(item, draft(item)) },
      draft(item) ? t("Publish") : t("Unpublish")), " ",
      // Named with the item (a list of "Edit", "Delete" says nothing); the focus goes to what
      // the button changed: the form filled, or the list's heading once the item is gone.
      h("button", { type: "button", class: "link edit", "aria-label": t("Edit {item}",
        { item: item.title }), onclick: () => {
        fillIn(form, item, item.locale, words);
        form.elements.verb.value = "UPDATE";
        form.querySelector("input, select, textarea").focus();
      } }, t("Edit")), " ",
      h("button", { type: "button", class: "link danger delete", "aria-label": t("Delete {item}",
        { item: item.title }), onclick: () => sure(t("Delete {item}? It leaves every list and "
        + "page, in every language.", { item: item.title })) && deleted(item) }, t("Delete")))));
  };
  // Published: in every list and page, each language it has; unpublished: back to draft,
  // its translations kept (deleting was the only way to take it down before).
  const published = (item, publish) => busy(section, async () => {
    await gql(publish ? PUBLISH : UNPUBLISH, { kind, slug: item.slug });
    await reload();
    const now = publish ? "unpublish" : "publish"; // the button it became
    focusOn(items.querySelector(`li[data-slug="${item.slug}"] .${now}`));
    await changed();
  });
  const deleted = (item) => busy(section, async () => {
    await remove(item);
    await reload();
    focusOn(section.querySelector("h2"));
    await changed();
  });
  // Another language for an item being updated: its words in that language, to correct them.
  form.elements.locale.addEventListener("change", () => {
    const slug = formValue(form, "slug");
    const language = form.elements.locale.value;
    if (form.elements.verb.value !== "UPDATE" || !slug) return;
    busy(form, async () => {
      const item = (await list(language)).find((found) => found.slug === slug);
      if (item) fillIn(form, item, language, words);
    });
  });
  onSave(form, async () => {
    await save(form.elements.verb.value, toInput(form), form.elements.locale.value,
      form.elements.status.value);
    form.append(notice(t("Saved.")));
    await reload();
    await changed();
  });
  section.prepend(errorBox());
  return { section, reload };
}

function articles(changed) {
  return editor({
    id: "admin-articles",
    kind: "ARTICLE",
    title: t("Articles"),
    fields: [field(t("Slug"), input("slug")), field(t("Title"), input("title")),
      field(t("Tags"), input("tags"), t("Comma separated, e.g. acne, routine")),
      field(t("Reading minutes"), input("readingMinutes", { type: "number", min: 1, value: 3 })),
      field(t("Summary"), input("summary")), field(t("Body (markdown)"), area("body"))],
    words: ["title", "summary", "body"],
    list: async (language) => (await gql(ARTICLES, {}, language)).articles.edges
      .map((edge) => edge.node),
    toInput: (form) => ({ slug: formValue(form, "slug"), title: formValue(form, "title"),
      tags: listFromText(formValue(form, "tags")),
      readingMinutes: Number(formValue(form, "readingMinutes")),
      summary: formValue(form, "summary"), body: form.elements.body.value }),
    save: (mode, value, locale, status) => gql(SAVE_ARTICLE,
      { input: value, mode, locale, status }),
    remove: (item) => gql(DELETE, { kind: "ARTICLE", slug: item.slug }),
    describe: (item) => h("a", { href: item.url }, item.title),
  }, changed);
}

function videos(changed) {
  return editor({
    id: "admin-videos",
    kind: "VIDEO",
    title: t("Videos"),
    fields: [field(t("Slug"), input("slug")), field(t("Title"), input("title")),
      field(t("Tags"), input("tags")), field(t("Address (https)"), input("url", { type: "url" })),
      field(t("Length (seconds)"), input("durationSeconds", { type: "number", min: 1 })),
      field(t("Description"), input("description")),
      field(t("Transcript"), area("transcript", 8), t("What is said and shown, in plain words, "
        + "for who cannot hear the video. A blank line between paragraphs."))],
    words: ["title", "description", "transcript"],
    list: async (language) => (await gql(VIDEOS, {}, language)).videos,
    toInput: (form) => ({ slug: formValue(form, "slug"), title: formValue(form, "title"),
      tags: listFromText(formValue(form, "tags")), url: formValue(form, "url"),
      durationSeconds: Number(formValue(form, "durationSeconds")),
      description: formValue(form, "description"),
      transcript: form.elements.transcript.value }),
    save: (mode, value, locale, status) => gql(SAVE_VIDEO, { input: value, mode, locale, status }),
    remove: (item) => gql(DELETE, { kind: "VIDEO", slug: item.slug }),
    describe: (item) => h("a", { href: item.url }, item.title),
  }, changed);
}

// A new listing's defaults, put back once an edited listing is saved.
const NEW_LISTING = { timeZone: "Europe/London", feeAmount: "120.00", feeCurrency: "GBP" };

function dermatologists(changed) {
  const email = input("email", { type: "email" });
  const types = h("fieldset", { class: "checks", id: "admin-doctor-types" },
    h("legend", {}, t("Consultations")), CONSULTATION_TYPES.map(([value, text]) =>
      h("label", { class: "check" }, h("input", { type: "checkbox", name: "consultationTypes",
        value, checked: true }), " ", t(text))));
  const submit = h("button", { type: "submit" }, t("List dermatologist"));
  const anew = h("button", { type: "button", class: "link", id: "admin-doctor-new",
    hidden: true, onclick: () => listNew() }, t("List a new dermatologist instead"));
  const form = h("form", { class: "admin-form", id: "admin-doctor-form", novalidate: true },
    errorBox(), h("div", { class: "grid" },
      field(t("Email"), email,
        t("We email an invitation there: the dermatologist chooses their own password.")),
      field(t("Name"), input("name")), field(t("Specialties"), input("specialties")),
      field(t("Languages"), input("languages"), t("Language codes, e.g. en, fr")),
      field(t("Practice"), input("practiceName")),
      field(t("Address"), input("address")), field(t("City"), input("city")),
      field(t("Country (2 letters)"), input("country", { maxlength: 2 })),
      field(t("Practice phone"), input("practicePhone", { type: "tel", autocomplete: "off" }),
        t("International form, e.g. +44 20 7946 0123. Patients see it to call the practice.")),
      field(t("Latitude"), input("lat", { type: "number", step: "any" })),
      field(t("Longitude"), input("lon", { type: "number", step: "any" })),
      field(t("Time zone"), input("timeZone", { value: NEW_LISTING.timeZone })),
      field(t("Fee"), input("feeAmount", { value: NEW_LISTING.feeAmount })),
      field(t("Currency"), input("feeCurrency", { value: NEW_LISTING.feeCurrency,
        maxlength: 3 })), types),
    submit, " ", anew);
  // The dermatologist whose listing the form holds (their English bio, sent back as it is);
  // null: the form lists a new one.
  let editing = null;
  const listNew = () => {
    editing = null;
    for (const box of form.querySelectorAll("input:not([type=checkbox])")) box.value = "";
    for (const box of types.querySelectorAll("input")) box.checked = true;
    fill(form, NEW_LISTING);
    email.disabled = false;
    submit.textContent = t("List dermatologist");
    anew.hidden = true;
  };
  /** The listing of `id` in the form, to change its practice, fee, languages or types. */
  const edit = async (id) => {
    const listing = (await gql(DOCTOR, { id }, "en")).dermatologist;
    const { practice, fee } = listing;
    fill(form, { name: listing.name, specialties: listing.specialties,
      languages: listing.languages, timeZone: listing.timeZone, practiceName: practice.name,
      address: practice.address, city: practice.city, country: practice.country,
      practicePhone: practice.phone || "", lat: practice.lat, lon: practice.lon,
      feeAmount: fee.amount, feeCurrency: fee.currency, email: "" });
    for (const box of types.querySelectorAll("input")) {
      box.checked = listing.consultationTypes.includes(box.value);
    }
    editing = { id, bio: listing.bio };
    email.disabled = true; // the account's address is the dermatologist's to change
    submit.textContent = t("Save the listing");
    anew.hidden = false;
    form.elements.name.focus();
  };
  const items = h("ul", { class: "admin-list", id: "admin-doctor-list" });
  const bio = bioEditor(changed);
  const search = h("form", { class: "admin-search", id: "admin-doctor-search",
    novalidate: true, role: "search" }, errorBox(),
  field(t("Find a dermatologist"), input("search", { type: "search", maxlength: 100 }),
    t("Part of the name or the email address")),
  h("button", { type: "submit" }, t("Search")));
  const more = h("button", { type: "button", class: "link", id: "admin-doctor-more",
    hidden: true }, t("Show more"));
  const section = h("section", { class: "card", id: "admin-doctors" }, errorBox(),
    h("h2", {}, t("Dermatologists")), form, bio.form, search, items, more);
  let after = null;
  let searched = null; // the search of the rows shown: "Show more" continues it, not the box
  const row = (node) => {
    const name = node.profile.displayName || node.email;
    return h("li", { "data-id": node.id }, `${name} · ${node.email} `,
      node.activated ? null : invited(section, node.id),
      h("button", { type: "button", class: "link edit-listing", "aria-label": t("Edit the "
        + "listing of {name}", { name }), onclick: () => busy(section, () => edit(node.id)) },
      t("Edit the listing")), " ",
      h("button", { type: "button", class: "link edit-bio", "aria-label": t("Edit the bio of "
        + "{name}", { name }), onclick: () => busy(section, () => bio.open(node.id)) },
      t("Edit the bio")), " ",
      h("button", { type: "button", class: "link danger delete",
        "aria-label": t("Remove {name}", { name }), onclick: () => sure(t("Remove {name}? Their "
          + "account is erased, their upcoming appointments are cancelled (the patients are "
          + "told why) and what patients shared with them ends. This cannot be undone.",
        { name })) && removed(node.id) }, t("Remove")));
  };
  const removed = (id) => busy(section, async () => {
    await gql(DELETE_DOCTOR, { id });
    await reload();
    focusOn(section.querySelector("h2"));
    await changed();
  });
  /** The next page (the first when `fresh`), under the ones shown. */
  const load = async (fresh) => {
    if (fresh) searched = formValue(search, "search") || null;
    const { users } = await gql(ACCOUNTS, { after: fresh ? null : after, search: searched });
    const rows = users.edges.map(({ node }) => row(node));
    const none = h("li", { class: "muted" }, t("No dermatologist found."));
    if (!fresh) append(items, rows);
    else clear(items, rows.length ? rows : none);
    after = users.pageInfo.endCursor;
    more.hidden = !users.pageInfo.hasNextPage;
  };
  const reload = () => load(true);
  onSubmit(search, reload);
  more.addEventListener("click", () => busy(section, () => load(false)));
  onSave(form, async () => {
    const value = (name) => formValue(form, name);
    const listing = { name: value("name"), specialties: listFromText(value("specialties")),
      languages: listFromText(value("languages")), timeZone: value("timeZone"),
      practice: { name: value("practiceName"), address: value("address"), city: value("city"),
        country: value("country"), lat: Number(value("lat")), lon: Number(value("lon")),
        phone: value("practicePhone") || null },
      consultationTypes: [...types.querySelectorAll("input:checked")].map((box) => box.value),
      feeAmount: value("feeAmount"), feeCurrency: value("feeCurrency") };
    if (editing) {
      await gql(UPDATE_DOCTOR, { id: editing.id, input: { ...listing, bio: editing.bio } });
      listNew();
      form.append(notice(t("Listing saved.")));
    } else {
      await gql(CREATE_DOCTOR, { email: value("email"), input: listing });
      form.append(notice(t("Listed. We emailed them an invitation to choose their password.")));
    }
    await reload();
    await changed();
  });
  return { section, reload };
}

/** "Not activated yet": the dermatologist has not chosen a password from the invitation; the
 * administrator can send it again. */
function invited(section, id) {
  const status = h("span", { class: "stale not-activated" }, t("Not activated yet"), " ");
  const again = h("button", { type: "button", class: "link resend-invitation",
    onclick: () => busy(section, async () => {
      const sent = (await gql(RESEND, { id })).resendDermatologistInvitation;
      const said = h("span", { class: "muted", role: "status" }, sent
        ? t("Invitation sent again.") : t("Activated already."));
      again.replaceWith(said, " ");
      focusOn(said); // the button is gone: the focus on what took its place
    }) }, t("Send the invitation again"));
  return h("span", {}, status, again, " ");
}

/** A dermatologist's bio in one language: the English, or that language's translation (the
 * rest of the listing is sent back as it is). */
function bioEditor(changed) {
  const language = languages();
  const text = h("textarea", { name: "bio", rows: 5 });
  const form = h("form", { class: "admin-form", id: "admin-bio-form", novalidate: true,
    hidden: true }, errorBox(), h("h3", { class: "bio-of" }), h("div", { class: "grid" },
    field(t("Language of the words"), language,
      t("Another language than English saves a translation; the English bio stays.")),
    field(t("Bio"), text)), h("button", { type: "submit" }, t("Save the bio")));
  let id = null;
  let listing = null;
  const load = async () => {
    const code = language.value;
    listing = (await gql(DOCTOR, { id }, code)).dermatologist;
    form.querySelector(".bio-of").textContent = listing.name;
    text.value = listing.bioLocale === code ? listing.bio : "";
    text.placeholder = text.value ? "" : listing.bio; // the English, until it is translated
    text.lang = code;
  };
  language.addEventListener("change", () => busy(form, load));
  onSave(form, async () => {
    const { fee, practice, bio: _bio, bioLocale: _locale, ...kept } = listing;
    const input = { ...kept, practice, feeAmount: fee.amount, feeCurrency: fee.currency,
      bio: text.value };
    await gql(UPDATE_DOCTOR, { id, input, locale: language.value });
    form.append(notice(t("Bio saved.")));
    await load();
    await changed();
  });
  const open = async (doctorId) => {
    id = doctorId;
    form.hidden = false;
    await load();
    text.focus();
  };
  return { form, open };
}

/** The audit trail: every read of one patient's data, the patient found by address or name. */
function audit() {
  const form = h("form", { class: "admin-search", id: "admin-audit-form", novalidate: true,
    role: "search" }, errorBox(),
  field(t("Patient"), input("search", { type: "search", maxlength: 100 }),
    t("Their email address, or part of their name")),
  h("button", { type: "submit" }, t("Show their access log")));
  const found = h("div", { id: "admin-audit" });
  const section = h("section", { class: "card", id: "admin-access" },
    h("h2", {}, t("Access log")), h("p", { class: "muted" }, t("Who read which analysis: every "
      + "read of a patient's data by a dermatologist, newest first.")), form, found);
  onSubmit(form, async () => {
    const { users } = await gql(PATIENTS, { search: formValue(form, "search") || null });
    const people = users.edges.map(({ node }) => node);
    if (people.length !== 1) {
      clear(found, h("p", { class: "muted", role: "status" }, people.length
        ? t("More than one patient matches: give their whole address.")
        : t("No patient found.")));
      return;
    }
    const [person] = people;
    const log = accessLog(person.id, "admin-access-log");
    clear(found, h("h3", {}, `${person.profile.displayName || person.email} · ${person.email}`),
      ...log.parts);
    await log.load();
  });
  return { section, reload: async () => {} };
}

export async function renderAdmin(view) {
  const log = h("ul", { class: "admin-log", id: "admin-log" });
  const showLog = async () => {
    const { editorLog } = await gql(LOG);
    clear(log, editorLog.map((change) => h("li", {}, `${when(change.at)}: ${change.summary}`)));
  };
  const parts = [articles(showLog), videos(showLog), dermatologists(showLog), audit(),
    supportResets(showLog)];
  append(view, [h("h1", {}, t("Administration")), ...parts.map((part) => part.section),
    h("section", { class: "card" }, h("h2", {}, t("Recent changes")), log)]);
  await Promise.all([...parts.map((part) => part.reload()), showLog()]);
}
