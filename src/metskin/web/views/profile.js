// The care profile: what personalises the analysis and the routine (updateProfile).

import { gql, session } from "../graphql.js";
import { dataRightsPanel } from "./mydata.js";
import { emailPanel } from "./email.js";
import { phonePanel } from "./phone.js";
import { SMS_CHANGES, smsHistory } from "./texts.js";
import {
  append, choice, errorBox, field, formValue, h, humanize, listFromText, notice, numberOrNull,
  onSubmit, zoneOptions,
} from "../dom.js";
import { languageName, mark, supportedLocales, t } from "../i18n.js";

const PROFILE_FIELDS = `displayName birthYear sex skinType concerns pregnant breastfeeding
  allergies prescribed budgetPerProduct budgetTotal currency locale timeZone phone phoneInternational
  emailOptIn smsOptIn phoneVerified`;
const CONCERNS = ["acne", "wrinkles", "pigmentation", "redness", "pores", "dark_circles", "shine",
  "dryness", "sensitivity"];
const SEXES = [["undisclosed", mark("Prefer not to say")], ["female", mark("Female")], ["male", mark("Male")],
  ["other", mark("Other")]];
const SKIN_TYPES = [["", mark("Not sure (measure it)")], ["OILY", mark("Oily")], ["DRY", mark("Dry")],
  ["COMBINATION", mark("Combination")], ["NORMAL", mark("Normal")]];

function checkbox(name, label, checked, value = "on") {
  return h("label", { class: "check" },
    h("input", { type: "checkbox", name, value, checked }), " ", label);
}

function ageHint(birthYear) {
  const year = Number(birthYear);
  return year > 1900 ? t("Age this year: {age}", { age: new Date().getFullYear() - year }) : "";
}

// The locales the server offers, each named in its own language ("français (France)"); a
// stored value outside the list stays choosable.
function locales() {
  return supportedLocales().map((tag) => [tag, languageName(tag, tag)]);
}

/** Options from `values`, with the current one kept even if it is not among them. */
function withCurrent(values, current) {
  const options = values.map((value) => (Array.isArray(value) ? value : [value, value]));
  return current && !options.some(([value]) => value === current)
    ? [[current, current], ...options] : options;
}

/** The form; for a dermatologist (`patient` false) without the fields that personalise
 * analyses and routines, kept hidden so that saving leaves them as they are. */
function profileForm(profile, currencies, patient, prescriptionActives, sms) {
  const forPatients = (element) => Object.assign(element, { hidden: !patient });
  const birthYear = h("input", { name: "birthYear", type: "number", min: 1900, step: 1,
    value: profile.birthYear ?? "" });
  const age = h("small", { class: "hint", id: "age-hint" }, ageHint(profile.birthYear));
  birthYear.addEventListener("input", () => { age.textContent = ageHint(birthYear.value); });
  const concerns = h("fieldset", { class: "checks", hidden: !patient }, h("legend", {}, t("Concerns you care about")),
    CONCERNS.map((name) => checkbox("concerns", humanize(name), profile.concerns.includes(name),
      name)),
    h("small", { class: "field-error", "data-field": "concerns" }));
  return h("form", { id: "profile-form", novalidate: true },
    errorBox(),
    h("div", { class: "grid" },
      field(t("Display name"), h("input", { name: "displayName", value: profile.displayName })),
      h("div", { hidden: !patient }, field(t("Birth year"), birthYear), age),
      forPatients(field(t("Sex"), choice("sex", SEXES, profile.sex))),
      forPatients(field(t("Skin type"), choice("skinType", SKIN_TYPES, profile.skinType || ""),
        t("Leave it to the analysis if unsure.")))),
    concerns,
    h("fieldset", { class: "checks", hidden: !patient }, h("legend", {}, t("Pregnancy")),
      checkbox("pregnant", t("Pregnant"), profile.pregnant),
      checkbox("breastfeeding", t("Breastfeeding"), profile.breastfeeding),
      h("small", { class: "hint" }, t("Routines then leave out retinoids and other unsafe actives.")),
      h("small", { class: "field-error", "data-field": "pregnant" })),
    forPatients(field(t("Allergies and ingredients to avoid"), h("input", { name: "allergies",
      value: profile.allergies.join(", "), placeholder: "e.g. fragrance, linalool" }),
    t("Separate them with commas."))),
    forPatients(field(t("Prescription treatments a doctor prescribed you"), h("input", {
      name: "prescribed", value: profile.prescribed.join(", "), placeholder: "e.g. tretinoin" }),
    t("Prescription-only products go in your routine only for the actives you list here; "
      + "the ones our products contain: {names}. Separate them with commas.",
    { names: prescriptionActives.join(", ") }))),
    h("div", { class: "grid" },
      forPatients(field(t("Budget per product"), h("input", { name: "budgetPerProduct",
        type: "number", min: 1, value: profile.budgetPerProduct ?? "" }))),
      forPatients(field(t("Budget for the routine"), h("input", { name: "budgetTotal",
        type: "number", min: 1, value: profile.budgetTotal ?? "" }))),
      forPatients(field(t("Currency"), choice("currency", withCurrent(currencies,
        profile.currency), profile.currency), t("Prices and budgets are shown and compared in it."))),
      field(t("Language"), choice("locale", withCurrent(locales(), profile.locale), profile.locale)),
      field(t("Time zone"), choice("timeZone", zoneOptions(profile.timeZone),
        profile.timeZone), t("Appointments and reminders use it.")),
      // grouped as people read it; saved back as the same number
      field(t("Mobile phone"), h("input", { name: "phone", type: "tel",
        value: profile.phoneInternational ?? profile.phone ?? "",
        placeholder: "+44 7700 900123" }))),
    h("fieldset", { class: "checks" }, h("legend", {}, t("Messages")),
      checkbox("emailOptIn", t("Email me appointment messages and check-in reminders"),
        profile.emailOptIn),
      checkbox("smsOptIn", t("Text me appointment messages and check-in reminders"),
        profile.smsOptIn),
      sms, // since when texts are on or off, and why (a STOP: reply START)
      h("small", { class: "field-error", "data-field": "smsOptIn" })),
    h("button", { type: "submit" }, t("Save profile")),
    h("div", { class: "saved", role: "status" }));
}

function readForm(form) {
  const checked = (name) => form.elements.namedItem(name).checked;
  return {
    displayName: formValue(form, "displayName"),
    birthYear: numberOrNull(formValue(form, "birthYear")),
    sex: formValue(form, "sex"),
    skinType: formValue(form, "skinType") || null,
    concerns: [...form.querySelectorAll("input[name=concerns]:checked")].map((box) => box.value),
    pregnant: checked("pregnant"),
    breastfeeding: checked("breastfeeding"),
    allergies: listFromText(formValue(form, "allergies")),
    prescribed: listFromText(formValue(form, "prescribed")),
    budgetPerProduct: numberOrNull(formValue(form, "budgetPerProduct")),
    budgetTotal: numberOrNull(formValue(form, "budgetTotal")),
    currency: formValue(form, "currency"),
    locale: formValue(form, "locale"),
    timeZone: formValue(form, "timeZone"),
    phone: formValue(form, "phone") || null,
    emailOptIn: checked("emailOptIn"),
    smsOptIn: checked("smsOptIn"),
  };
}

/** A new password: the current one first (a wrong one counts as a failed login). The other
 * sessions end; this one stays signed in. */
function passwordPanel() {
  const form = h("form", { id: "password-form", novalidate: true },
    errorBox(),
    field(t("Current password"), h("input", { name: "currentPassword", type: "password",
      autocomplete: "current-password", required: true })),
    field(t("New password"), h("input", { name: "newPassword", type: "password",
      autocomplete: "new-password", required: true }),
    t("At least 10 characters; a few unrelated words work well.")),
    h("button", { type: "submit" }, t("Change password")),
    h("div", { class: "saved", role: "status" }));
  onSubmit(form, async () => {
    form.querySelector(".saved").replaceChildren();
    await gql(`mutation($c: String!, $n: String!) {
      changePassword(currentPassword: $c, newPassword: $n) }`,
    { c: form.elements.currentPassword.value, n: form.elements.newPassword.value });
    form.reset();
    form.querySelector(".saved").append(notice(t("Password changed. You were logged out on "
      + "your other devices.")));
  });
  return h("section", { class: "card", id: "password" }, h("h2", {}, t("Change password")), form);
}

export async function renderProfile(view) {
  const data = await gql(`{ me { id email emailVerified role createdAt ${SMS_CHANGES} profile {
    ${PROFILE_FIELDS} } }
    exchangeRates { base rates { currency } } prescriptionActives }`);
  const rates = data.exchangeRates;
  const currencies = [rates.base, ...rates.rates.map((rate) => rate.currency)].sort();
  const sms = smsHistory(data.me.profile, data.me.smsChanges);
  const form = profileForm(data.me.profile, currencies, data.me.role !== "DERMATOLOGIST",
    data.prescriptionActives, sms);
  const phone = phonePanel(data.me.profile);
  onSubmit(form, async () => {
    form.querySelector(".saved").replaceChildren();
    const saved = await gql(
      `mutation($input: ProfileInput!) { updateProfile(input: $input) { id emailTrouble
        ${SMS_CHANGES} profile { ${PROFILE_FIELDS} } } }`, { input: readForm(form) });
    const { displayName, locale } = saved.updateProfile.profile;
    // a new language redraws the page; emails on again end the spam report's banner
    const { emailTrouble } = saved.updateProfile;
    session.setUser({ profile: { displayName, locale }, emailTrouble });
    form.querySelector(".saved").append(notice(t("Profile saved.")));
    phone.update(saved.updateProfile.profile); // a new number is unverified: its code form
    sms.update(saved.updateProfile.profile, saved.updateProfile.smsChanges);
  });
  append(view, [
    h("h1", {}, t("Your profile")),
    h("p", { class: "muted" }, `${data.me.email} · ${humanize(data.me.role)}`),
    form,
    phone,
    emailPanel(data.me),
    passwordPanel(),
    await dataRightsPanel({ patient: data.me.role !== "DERMATOLOGIST" }),
  ]);
}
