// The app's language: texts through t(), from the server's catalog (the same .po files as the
// emails); numbers, money and dates through Intl in the same locale. English is the source.
// The locale is the signed-in profile's, else what the browser asks for (Accept-Language).

const CATALOG = "/i18n/messages.json";
let state = { locale: "en-GB", messages: {}, supported: [] };

/** `text` in the current language; `{name}` placeholders take `values[name]`. A value that
 * ends with its own full stop ends the sentence with it: an abbreviated date ("lun. 4 janv.",
 * "Mo., 4. Jan.") before the text's own "." read "janv..". */
export function t(text, values = {}) {
  const found = state.messages[text] || text;
  return found.replace(/\{(\w+)\}(\.?)/g, (whole, name, stop) => {
    if (!(name in values)) return whole;
    const value = String(values[name]);
    return stop && value.endsWith(".") ? value : value + stop;
  });
}

/** `one` or `other` (catalog texts, placeholders from `values`) as the language's plural rule
 * says of `count`: French takes the singular for 0 and under 2 ("0 tache", "1,5 point"),
 * English and German only for 1 ("0 spots", "0 Flecken"). */
export function plural(count, one, other, values = {}) {
  const singular = new Intl.PluralRules(state.locale).select(Number(count)) === "one";
  const text = singular ? one : other;
  return t(text, values);
}

/** Marks a text for the catalog where it is written; t() translates it where it is shown. */
export function mark(text) {
  return text;
}

export function locale() {
  return state.locale;
}

export function supportedLocales() {
  return state.supported;
}

/** Load the catalog for `wanted` (a profile's locale), or the browser's language. */
export async function loadMessages(wanted = null) {
  const url = wanted ? `${CATALOG}?locale=${encodeURIComponent(wanted)}` : CATALOG;
  try {
    const response = await fetch(url, { headers: { accept: "application/json" } });
    if (!response.ok && wanted) return loadMessages(null); // a stored locale no longer offered
    const body = await response.json();
    state = { locale: body.locale, messages: body.messages || {}, supported: body.supported };
  } catch {
    // Offline or refused: the app stays in English.
  }
  document.documentElement.lang = state.locale;
  return state.locale;
}

/** A link to a server page (`/learn/...`) that asks for it in the app's language. */
export function inAppLanguage(url) {
  const [path, query = ""] = url.split("?");
  const params = new URLSearchParams(query);
  params.set("locale", state.locale);
  return `${path}?${params}`;
}

/** A language's name ("gu" -> "Gujarati", "Goudjarati" in fr-FR), in `inLocale` (the app's
 * by default); the code itself where the browser has no name for it. */
export function languageName(code, inLocale = state.locale) {
  try {
    return new Intl.DisplayNames([inLocale], { type: "language" }).of(code) || code;
  } catch {
    return code;
  }
}

/** `12,50 £` in fr-FR, `£12.50` in en-GB. */
export function money(amount, currency) {
  try {
    return new Intl.NumberFormat(state.locale, { style: "currency", currency,
      currencyDisplay: "narrowSymbol" }).format(Number(amount));
  } catch {
    return `${amount} ${currency}`;
  }
}

/** `29.5` in en-GB, `29,5` in fr-FR: at most `digits` decimals. */
export function number(value, digits = 0) {
  return new Intl.NumberFormat(state.locale, { maximumFractionDigits: digits }).format(value);
}

/** A share as the language writes it, `fraction` 0.5 being "50%" in en-GB, "50 %" in fr-FR
 * and de-DE: at most `digits` decimals ("0,5 %"). */
export function percent(fraction, digits = 0) {
  return new Intl.NumberFormat(state.locale, { style: "percent",
    maximumFractionDigits: digits }).format(fraction);
}

export function dateTimeFormat(options) {
  return new Intl.DateTimeFormat(state.locale, options);
}
