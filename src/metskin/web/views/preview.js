// An editor's preview: the page a reader would see of an article or a video, a draft's too,
// in each language, in a sandboxed frame (nothing in it runs).

import { gql } from "../graphql.js";
import { busy, errorBox, field, focusOn, h } from "../dom.js";
import { t } from "../i18n.js";

const PREVIEW = `query($kind: ContentType!, $slug: String!, $locale: String) {
  contentPreview(kind: $kind, slug: $slug, locale: $locale) }`;

/** A panel, hidden until `show(item)`: the item's page in the language chosen (`language`: a
 * select of the content's languages), as readers will see it once it is published. */
export function previewPanel(id, kind, language) {
  const frame = h("iframe", { sandbox: true, class: "preview-frame" });
  const heading = h("h3", {});
  const close = h("button", { type: "button", class: "link close-preview" },
    t("Close the preview"));
  const panel = h("div", { class: "content-preview", id, hidden: true }, errorBox(), heading,
    field(t("Language of the page"), language), frame, close);
  let slug = null;
  const load = () => busy(panel, async () => {
    const { contentPreview } = await gql(PREVIEW, { kind, slug, locale: language.value });
    frame.srcdoc = contentPreview;
  });
  language.addEventListener("change", load);
  close.addEventListener("click", () => { panel.hidden = true; });
  const show = async (item) => {
    slug = item.slug;
    heading.textContent = t("Preview: {item}", { item: item.title });
    frame.title = t("The page readers will see");
    panel.hidden = false;
    await load();
    focusOn(heading);
  };
  return { panel, show };
}
