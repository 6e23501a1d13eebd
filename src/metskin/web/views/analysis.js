// Upload a photo or video, follow the analysis live, and show the result.

import { gql, localError, newUploadKey, uploadByKey, uploadMedia } from "../graphql.js";
import {
  append, busy, clear, errorBox, field, h, humanize, navigate, onSubmit, showError, when,
} from "../dom.js";
import { mark, number, plural, t } from "../i18n.js";
import { FINAL, followProgress, progressPanel } from "./progress.js";
import { sinceLastCard } from "./since.js";
import { renderReferral } from "./referral.js";
import { photoConsent, uploadConsentBox } from "./consent.js";
import { forConcerns, readMore } from "./learn.js";
import { deleteBox } from "./forget.js";
import { stallWatch } from "./stall.js";
import { retakeNow, takeHandedPhoto } from "./retake.js";

export const DETAIL = `query($id: ID!) { analysis(id: $id) {
  id status stage progress createdAt finishedAt failureCode failureReason overlayUrl
  media { kind width height durationSeconds thumbnailUrl }
  result { ok confidence retakeNeeded framesAnalysed summary
    quality { code message guidance value blocking }
    tone { lab itaDeg fitzpatrick itaCategory monk monkDeltaE undertone confidence itaUncertaintyDeg monkRange fitzpatrickRange }
    skinType { kind decidedBy imageKind selfReported confidence }
    concerns { name score explanation title band bandLabel meaning advice scoreLow scoreHigh
      overlayColour regions { region score } }
    spots { x y areaMm2 darkness region } }
} }`;
const CAPTURE_TIPS = [
  mark("Face a window or soft light; avoid a strong light behind you."),
  mark("Remove glasses, a cap or hat, and make-up if you can, and keep hair off your face."),
  mark("Hold the camera at eye level, about an arm's length away, face straight on."),
  mark("A short video (a few seconds, turning slightly) can give a steadier result."),
];

// --- upload ----------------------------------------------------------------------------------

const CHECK_WAIT_MS = 3000; // between asks while the server checks a copy that arrived
const CHECK_WAITS = 100; // the server holds a key 5 minutes at most

const uploadCancelled = () => localError("UPLOAD_CANCELLED", mark("The upload was cancelled."));

/** `ms` of waiting, cut short (rejecting UPLOAD_CANCELLED) when `signal` aborts. */
function pause(ms, signal) {
  return new Promise((resolve, reject) => {
    const cancelled = () => {
      clearTimeout(timer);
      reject(uploadCancelled());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", cancelled);
      resolve();
    }, ms);
    if (signal.aborted) cancelled();
    else signal.addEventListener("abort", cancelled, { once: true });
  });
}

/** The chosen file's preview and the function that lets its file go. A photo is drawn once,
 * so its link goes when it has loaded; a video reads its file as it plays and seeks (its link
 * revoked at the first frame, it played only what was buffered then: a seek into a 30 s clip
 * stopped there), so its link goes with the preview: another file chosen, the page left. */
function previewOf(file) {
  const url = URL.createObjectURL(file);
  const release = () => URL.revokeObjectURL(url);
  const media = file.type.startsWith("video/")
    ? h("video", { src: url, muted: true, controls: true, class: "preview",
      "aria-label": t("The video you chose") })
    : h("img", { src: url, alt: t("The photo you chose"), class: "preview" });
  if (media.tagName === "IMG") media.addEventListener("load", release, { once: true });
  // A file the browser cannot draw (a PDF, or HEIC in most browsers): words, not a broken image.
  media.addEventListener("error", () => {
    release();
    media.replaceWith(h("p", { class: "muted no-preview" }, t("No preview: this browser cannot "
      + "show this file. It is checked when you upload it.")));
  }, { once: true });
  return [media, release];
}

export async function renderAnalyse(view) {
  const input = h("input", { name: "file", type: "file", required: true,
    accept: "image/jpeg,image/png,image/webp,image/heic,.heic,image/avif,.avif,video/mp4,video/quicktime,video/webm" });
  const preview = h("div", { class: "preview-box" });
  const bar = h("progress", { id: "upload-progress", max: 1, value: 0, hidden: true,
    "aria-label": t("Upload progress") });
  const status = h("p", { class: "muted", id: "upload-status", role: "status" });
  // On a slow connection a photo or a video takes minutes: the person may stop it, and leaving
  // the page stops it too (it had gone on, started an analysis and brought them back here).
  const cancel = h("button", { type: "button", id: "upload-cancel", class: "secondary",
    hidden: true }, t("Cancel the upload"));
  let sending = null; // the upload on its way: its AbortController
  let left = false; // the person has gone to another page
  // The file sent and what the server made of it: a retry after the start failed (the
  // connection dropped just after the upload) starts that upload, not the file sent again.
  let uploaded = null;
  // The file's upload key, one per file chosen and kept across its retries: an upload whose
  // answer was lost (the bytes arrived, the phone never heard) sent again is the first one.
  let uploadKey = null;
  cancel.addEventListener("click", () => sending && sending.abort());
  // A try that stopped moving: "Try again" ends it and sends the file again (its key kept).
  let again = false;
  const stall = stallWatch({
    onRetry: () => { if (sending) { again = true; sending.abort(); } },
    onCancel: () => sending && sending.abort(),
    replaces: cancel,
  });
  let release = () => {}; // the preview's file
  // A try that failed with the phone offline (the signal went mid-way) is sent again by
  // itself when the connection is back (asked for by its key first): it waited for the person
  // to notice and press again.
  let resend = false;
  const back = () => {
    if (!resend || left || sending || !input.files[0]) return;
    resend = false;
    form.requestSubmit();
  };
  window.addEventListener("online", back);
  input.addEventListener("change", () => {
    resend = false;
    uploaded = null;
    uploadKey = null;
    release();
    const [media, letGo] = input.files[0] ? previewOf(input.files[0]) : [null, () => {}];
    release = letGo;
    clear(preview, media);
  });
  const form = h("form", { id: "upload-form", novalidate: true },
    errorBox(),
    field(t("Face photo or video"), input, t("JPEG, PNG, WebP, HEIC or AVIF photos; MP4, MOV or WebM videos.")),
    preview, bar, status, cancel, stall.box,
    h("button", { type: "submit" }, t("Upload and analyse")));
  // Without a current consent the box is shown first; an upload refused for want of one
  // (withdrawn in another tab, a new text) shows it again, and agreeing goes on with the file.
  const consent = uploadConsentBox();
  const state = await photoConsent();
  // While the box is up, a file is not sent (the API would refuse it): the box is brought into
  // view with its tick box focused, and agreeing sends the file. Before, the photo went up,
  // came back CONSENT_REQUIRED, and the box above (out of view on a phone) said so again.
  let asking = state.needsAsking;
  const agreed = () => { asking = false; };
  if (asking) consent.ask(state, agreed);
  const upload = async () => {
    const file = input.files[0];
    if (!file) {
      const error = new Error(t("Choose a photo or a video first."));
      error.code = "NO_FILE";
      error.field = "file";
      throw error;
    }
    if (asking) {
      consent.ask(state, () => { agreed(); return busy(form, upload); }, { focus: true });
      return;
    }
    let said = "";
    try {
      let media = uploaded && uploaded.file === file ? uploaded.media : null;
      if (!media) {
        sending = new AbortController();
        bar.hidden = false;
        bar.value = 0;
        cancel.hidden = false;
        cancel.disabled = false; // busy() disabled the form's buttons
        // Before a file is sent again (pressed again after a try that failed, "Try again",
        // UPLOAD_IN_PROGRESS), MetSkin is asked by its key alone whether a copy arrived:
        // stored, it is the upload (its answer was lost); still being checked, the page waits
        // for it, asking every few seconds (it sent the whole file again each time, the worst
        // thing to send on a weak signal); nothing kept, the file goes again.
        let ask = uploadKey !== null;
        uploadKey = uploadKey || newUploadKey();
        let waits = 0;
        while (!media) {
          if (ask) {
            ask = false;
            const { signal } = sending;
            let found;
            try {
              found = await uploadByKey(uploadKey);
            } catch (error) { // refused: sending says why; unreachable: asked again, not sent
              found = { state: error.status === 200 ? "UNKNOWN" : "UNREACHED" };
            }
            if (signal.aborted) throw uploadCancelled();
            if (found.state === "STORED") {
              media = found.media;
              break;
            }
            if (found.state !== "UNKNOWN" && waits < CHECK_WAITS) {
              waits += 1;
              stall.stop();
              if (found.state === "RECEIVING") {
                status.textContent = t("MetSkin is still checking the copy that arrived; "
                  + "waiting for it…");
              }
              await pause(CHECK_WAIT_MS, signal);
              ask = true;
              continue;
            }
          }
          status.textContent = t("Uploading…");
          again = false;
          stall.start();
          try {
            media = await uploadMedia(file, null, (share) => {
              bar.value = share;
              stall.progress(share);
            }, sending.signal, uploadKey);
          } catch (error) {
            // Sent again while MetSkin still checks the copy that did arrive (its answer
            // was slow, or lost): that copy is the upload, so wait for it.
            const checking = error.code === "UPLOAD_IN_PROGRESS" && waits < CHECK_WAITS;
            if (!checking && (!again || error.code !== "UPLOAD_CANCELLED")) throw error;
            stall.stop();
            if (!checking) {
              sending = new AbortController(); // "Try again": sent again, from its first byte
              bar.value = 0;
            }
            ask = true;
          }
        }
        stall.stop();
        uploaded = { file, media };
        cancel.hidden = true;
      }
      if (left) return;
      status.textContent = t("Starting the analysis…");
      const { startAnalysis } = await gql(
        "mutation($m: ID!) { startAnalysis(mediaId: $m) { id status stage } }", { m: media.id });
      if (!left) navigate(`#/analysis/${encodeURIComponent(startAnalysis.id)}?live=1`);
    } catch (error) {
      if (error.code === "UPLOAD_CANCELLED") {
        // Cancelled while waiting for the answer, the file may well have arrived.
        said = bar.value >= 1
          ? t("Upload cancelled. The file had already been sent whole; it is not analysed.")
          : t("Upload cancelled: nothing was sent to MetSkin.");
        return;
      }
      if (error.code === "NETWORK_ERROR" && !navigator.onLine) {
        resend = true;
        said = t("It is sent again by itself once the connection is back.");
      }
      if (error.code !== "CONSENT_REQUIRED") throw error;
      consent.ask(await photoConsent(), () => busy(form, upload));
    } finally {
      sending = null;
      stall.stop();
      bar.hidden = true;
      cancel.hidden = true;
      status.textContent = said;
    }
  };
  onSubmit(form, upload);
  // A photo taken from a retake message ("Take a new photo now") is sent at once.
  const photo = takeHandedPhoto();
  if (photo) {
    try {
      const chosen = new DataTransfer();
      chosen.items.add(photo);
      input.files = chosen.files;
      input.dispatchEvent(new Event("change"));
      setTimeout(() => form.requestSubmit(), 0);
    } catch {
      // A browser without DataTransfer: the person chooses it here.
    }
  }
  append(view, [
    h("h1", {}, t("Analyse your skin")),
    h("ul", { class: "tips" }, CAPTURE_TIPS.map((tip) => h("li", {}, t(tip)))),
    consent.panel,
    form,
  ]);
  return () => {
    left = true;
    window.removeEventListener("online", back);
    if (sending) sending.abort();
    stall.stop();
    release();
  };
}

// --- result ----------------------------------------------------------------------------------

function labToRgb([lightness, a, b]) {
  const fy = (lightness + 16) / 116;
  const inverse = (t) => (t ** 3 > 0.008856 ? t ** 3 : (116 * t - 16) / 903.3);
  const [x, y, z] = [0.95047 * inverse(fy + a / 500), inverse(fy), 1.08883 * inverse(fy - b / 200)];
  const linear = [3.2406 * x - 1.5372 * y - 0.4986 * z, -0.9689 * x + 1.8758 * y + 0.0415 * z,
    0.0557 * x - 0.204 * y + 1.057 * z];
  return linear.map((c) => {
    const encoded = c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055;
    return Math.round(Math.min(1, Math.max(0, encoded)) * 255);
  });
}

function toneCard(tone) {
  if (!tone) return h("div", { class: "card" }, h("h2", {}, t("Tone")), h("p", {}, t("Not measured.")));
  const measured = h("span", { class: "swatch measured", title: t("Your measured skin colour"),
    role: "img", "aria-label": t("Your measured skin colour") });
  measured.style.backgroundColor = `rgb(${labToRgb(tone.lab).join(" ")})`;
  // One picture to a screen reader: its name says which tone (ten numbered swatches say little).
  const scale = h("div", { class: "monk-scale", role: "img",
    "aria-label": t("Monk scale, tone {tone}", { tone: tone.monk }) },
    Array.from({ length: 10 }, (_, index) => h("span", { "aria-hidden": "true",
      class: `swatch monk-${index + 1}${index + 1 === tone.monk ? " chosen" : ""}`,
      title: t("Monk {tone}", { tone: index + 1 }),
    }, String(index + 1))));
  return h("div", { class: "card", id: "tone" },
    h("h2", {}, t("Skin tone")),
    h("dl", {},
      h("dt", {}, "ITA°"), h("dd", { id: "ita" }, `${number(tone.itaDeg, 1)}°${tone.itaUncertaintyDeg != null ? ` ± ${number(tone.itaUncertaintyDeg, 1)}°` : ""} (${humanize(tone.itaCategory)})`),
      h("dt", {}, t("Fitzpatrick")), h("dd", { id: "fitzpatrick" }, tone.fitzpatrick,
        tone.fitzpatrickRange && tone.fitzpatrickRange[0] !== tone.fitzpatrickRange[1]
          ? ` ${t("({low}–{high} within the uncertainty)",
            { low: tone.fitzpatrickRange[0], high: tone.fitzpatrickRange[1] })}` : ""),
      h("dt", {}, t("Monk")), h("dd", { id: "monk" }, t("{tone} of 10", { tone: tone.monk }),
        tone.monkRange && tone.monkRange[0] !== tone.monkRange[1]
          ? ` ${t("({low}–{high} within the uncertainty)",
            { low: tone.monkRange[0], high: tone.monkRange[1] })}` : ""),
      h("dt", {}, t("Undertone")), h("dd", {}, humanize(tone.undertone)),
      h("dt", {}, t("Measured colour")), h("dd", {}, measured)),
    scale,
    h("p", { class: "muted", id: "monk-note" }, t("Skin in a photo looks darker than these "
      + "display swatches; your place on the scale allows for that, so it need not be the "
      + "swatch nearest to your measured colour.")),
    h("small", { class: "muted" }, t("Confidence {percent}%",
      { percent: Math.round(tone.confidence * 100) })));
}

function skinTypeCard(skinType) {
  if (!skinType) return null;
  return h("div", { class: "card", id: "skin-type" },
    h("h2", {}, t("Skin type")),
    h("p", { class: "big" }, humanize(skinType.kind)),
    h("p", { class: "muted" }, t("Decided by {how}", { how: humanize(skinType.decidedBy) }),
      skinType.selfReported ? ` ${t("(you said {kind})",
        { kind: humanize(skinType.selfReported) })}` : "",
      ` · ${t("confidence {percent}%", { percent: Math.round(skinType.confidence * 100) })}`));
}

const REGION_WORDS = {
  forehead: mark("forehead"), cheek_right: mark("right cheek"), cheek_left: mark("left cheek"),
  nose: mark("nose"), chin: mark("chin"), under_eye_right: mark("under right eye"),
  under_eye_left: mark("under left eye"), periorbital_right: mark("beside right eye"),
  periorbital_left: mark("beside left eye"), nasolabial_right: mark("right smile line"),
  nasolabial_left: mark("left smile line"),
};

function regionWords(region) {
  return REGION_WORDS[region] ? t(REGION_WORDS[region]) : humanize(region);
}

/** A concern's card: its name, band, score with its likely range, what it means, where it
 * shows most (each place's own score out of 100; none under a "none" band, where a place's
 * number read as contradicting "Nothing worth noting was seen") and what helps. */
export function concernCard(concern) {
  const headingId = `concern-${concern.name}`;
  const range = concern.scoreLow === null || concern.scoreLow === undefined ? ""
    : ` ${t("(likely {low}–{high})", { low: Math.round(concern.scoreLow),
      high: Math.round(concern.scoreHigh) })}`;
  const where = concern.band === "none" ? [] : concern.regions.filter((r) => r.score >= 15)
    .sort((a, b) => b.score - a.score)
    .map((r) => `${regionWords(r.region)} (${t("{score} of 100", { score: Math.round(r.score) })})`);
  return h("li", { class: `concern band-${concern.band}`, "data-concern": concern.name },
    h("div", { class: "concern-head" },
      h("h3", { id: headingId }, concern.title || humanize(concern.name)),
      h("span", { class: `chip band-${concern.band}` }, concern.bandLabel || concern.band)),
    h("p", { class: "concern-score" },
      h("meter", { min: 0, max: 100, low: 15, high: 60, optimum: 0, value: concern.score,
        "aria-labelledby": headingId }),
      ` ${t("{score} of 100", { score: Math.round(concern.score) })}${range}`),
    h("p", { class: "explain" }, concern.explanation),
    concern.meaning ? h("p", { class: "muted" }, concern.meaning) : null,
    where.length ? h("p", { class: "muted where" }, t("Where: {places}", { places: where.join(", ") })) : null,
    concern.advice ? h("details", {}, h("summary", {}, t("What helps")),
      h("p", {}, concern.advice)) : null);
}

const SPOT_RING = "#00ff78"; // overlay.SPOT_COLOUR, the rings around measured dark spots

/** The overlay image and its legend in words, in the app's language (the stored image has no
 * words drawn on it). */
function overlayFigure(url, result) {
  const swatch = (colour, ring) => {
    const element = h("span", { class: `swatch${ring ? " ring" : ""}`, "aria-hidden": "true" });
    element.style[ring ? "borderColor" : "backgroundColor"] = colour; // CSSOM: allowed by the CSP
    return element;
  };
  const items = result.concerns.filter((c) => c.overlayColour).map((c) =>
    h("li", { "data-concern": c.name }, swatch(c.overlayColour, false),
      t("{concern}: {band}", { concern: c.title || humanize(c.name), band: c.bandLabel || c.band })));
  if (result.spots && result.spots.length) {
    items.push(h("li", { "data-concern": "spots" }, swatch(SPOT_RING, true),
      t("Rings: dark spots measured one by one")));
  }
  // The picture's words: which concerns it maps, and the legend (in words) describes it.
  const mapped = result.concerns.filter((c) => c.overlayColour)
    .map((c) => c.title || humanize(c.name)).join(", ");
  return h("figure", { class: "card wide overlay" },
    h("img", { id: "overlay", src: url, "aria-describedby": items.length ? "overlay-legend" : null,
      alt: mapped ? t("Your photo with the face regions and where each concern was seen: {concerns}",
        { concerns: mapped })
        : t("Your photo with the face regions and concern heat maps drawn on it") }),
    h("figcaption", {}, t("Regions and where each concern was seen."),
      items.length ? h("ul", { class: "legend", id: "overlay-legend" }, items) : null));
}

function concernCards(concerns) {
  const sorted = [...concerns].sort((a, b) => b.score - a.score);
  return h("div", { class: "card wide", id: "concerns" },
    h("h2", {}, t("What we saw")),
    h("p", { class: "muted" }, t("Each score runs from 0 (none seen) to 100 (strong), "
      + "with the range it would likely fall in on another photo.")),
    h("ul", { class: "concern-list" }, sorted.map(concernCard)));
}

const FACE_UNIT_MM = 150; // one unit of the aligned face frame, nominally

/** Where a spot is, from the point between the eyes, in the person's own left and right. */
function spotPlace(spot) {
  const across = Math.round(spot.x * FACE_UNIT_MM);
  const down = Math.round(spot.y * FACE_UNIT_MM);
  const values = { across: Math.abs(across), down: Math.abs(down) };
  const sideways = across >= 0 ? t("{across} mm to their left", values)
    : t("{across} mm to their right", values);
  return `${sideways}, ${down >= 0 ? t("{down} mm below the eyes", values)
    : t("{down} mm above the eyes", values)}`;
}

export function spotsCard(spots) {
  if (spots === null || spots === undefined) return null; // not measured
  const sorted = [...spots].sort((a, b) => b.darkness - a.darkness);
  return h("div", { class: "card wide", id: "spots", "data-count": spots.length },
    h("h2", {}, t("Dark spots, one by one")),
    h("p", { class: "big", id: "spots-count" },
      plural(spots.length, mark("{count} spot"), mark("{count} spots"),
        { count: number(spots.length) })),
    spots.length ? h("ul", { class: "spot-list" }, sorted.map((spot) => h("li", { class: "spot" },
      h("strong", {}, spot.region ? regionWords(spot.region)
        : t("Spot")),
      ` · ${number(spot.areaMm2, 1)} mm² · ${t("darkness {value} of 100",
        { value: Math.round(spot.darkness) })}`,
      h("br"), h("small", { class: "muted" }, spotPlace(spot)))))
      : h("p", { class: "muted" }, t("No pigmented spots found.")),
    h("small", { class: "muted" }, t("Sizes are nominal, from the distance between the eyes. "
      + "A spot that grows, changes or bleeds needs a dermatologist.")));
}

function qualityList(issues, extra = "") {
  return h("ul", { class: `quality ${extra}`.trim() }, issues.map((issue) =>
    h("li", { "data-code": issue.code }, h("strong", {}, issue.message), " ", issue.guidance)));
}

// Warnings a retake should fix too, listed under what blocked (a blurred photo refused as too
// dark was told only "too dark"); stubble is not the photo's.
const NOT_FOR_A_RETAKE = new Set(["STUBBLE"]);

function retakeBox(result, forPatient) {
  const blocking = result.quality.filter((issue) => issue.blocking);
  const also = blocking.length
    ? result.quality.filter((issue) => !issue.blocking && !NOT_FOR_A_RETAKE.has(issue.code)) : [];
  return h("div", { class: "card retake", id: "retake", role: "alert" },
    h("h2", {}, t("Please retake your photo")),
    h("p", {}, t("We could not measure your skin reliably from this capture.")),
    qualityList(blocking.length ? blocking : result.quality),
    also.length ? [h("p", { class: "also-heading" }, t("For the new photo, also:")),
      qualityList(also, "also")] : null,
    forPatient ? retakeActions(t("Upload a new photo or video")) : null);
}

/** The patient's next step after a capture that could not be used (to retake, or failed):
 * the front camera at once ("Take a new photo now"), or the upload page for a file or a
 * video (`other`, the link's words). */
function retakeActions(other) {
  return [h("p", { class: "actions" }, retakeNow()),
    h("p", {}, h("a", { href: "#/analyse" }, other))];
}

/**
 * The result of an analysis as cards. `forPatient` adds the patient's next steps (routine,
 * sharing, a new upload); a dermatologist reading a shared analysis sees the result only,
 * its times in `timeZone` (their practice's).
 */
export function resultView(analysis, { forPatient = true, timeZone = undefined } = {}) {
  const { result } = analysis;
  const header = h("p", { class: "muted" },
    t("Started {time}", { time: when(analysis.createdAt, timeZone) }),
    analysis.media ? ` · ${humanize(analysis.media.kind)} ${analysis.media.width}×${analysis.media.height}` : "");
  if (analysis.status === "FAILED") {
    return [header, h("div", { class: "card retake", id: "failed", role: "alert" },
      h("h2", {}, t("The analysis failed")),
      h("p", {}, analysis.failureReason || t("Something went wrong.")),
      h("small", { class: "error-detail" }, t("Code for support: "),
        h("code", { class: "error-code" }, analysis.failureCode || "FAILED")),
      // As under a photo to retake: the camera at once, or another file from the upload page.
      forPatient ? retakeActions(t("Try another photo or video")) : null)];
  }
  if (!result) return [header, h("p", {}, t("No result yet."))];
  if (result.retakeNeeded) return [header, retakeBox(result, forPatient)];
  const notes = result.quality.filter((issue) => !issue.blocking);
  return [
    header,
    h("div", { id: "result", class: "cards" },
      result.summary ? h("div", { class: "card wide", id: "summary" },
        forPatient ? null : h("p", { class: "muted", id: "worded-for-patient" },
          t("This result's sentences are worded for the patient, as they read them.")),
        h("p", { class: "big-text" }, result.summary)) : null,
      toneCard(result.tone),
      skinTypeCard(result.skinType),
      forPatient ? h("div", { class: "card" }, h("h2", {}, t("Next")),
        h("p", {}, h("a", { class: "button", id: "routine-link",
          href: `#/routine/${encodeURIComponent(analysis.id)}` }, t("See my routine"))),
        h("p", {}, h("a", { href: `#/dermatologists?share=${encodeURIComponent(analysis.id)}` },
          t("Share this analysis with a dermatologist"))),
        h("small", { class: "muted" }, t("Confidence {percent}%",
          { percent: Math.round(result.confidence * 100) }),
          ` · ${result.framesAnalysed === 1 ? t("1 frame analysed")
            : t("{count} frames analysed", { count: result.framesAnalysed })}`))
        : null,
      concernCards(result.concerns),
      spotsCard(result.spots),
      notes.length ? h("div", { class: "card wide" }, h("h2", {}, t("About this capture")),
        qualityList(notes)) : null,
      analysis.overlayUrl ? overlayFigure(analysis.overlayUrl, result) : null),
  ];
}

export async function renderAnalysis(view, { match: [analysisId], params }) {
  const title = h("h1", {}, t("Your analysis"));
  const body = h("div", { id: "analysis", "data-analysis-id": analysisId });
  append(view, [title, body, deleteBox(analysisId)]);

  const showResult = async () => {
    const { analysis } = await gql(DETAIL, { id: analysisId });
    clear(body, resultView(analysis));
    if (analysis.status === "DONE" && analysis.result && !analysis.result.retakeNeeded) {
      readMore(forConcerns(analysis.result.concerns), { id: "result-articles" })
        .then((card) => card && body.querySelector("#result").append(card))
        .catch(() => {}); // reading suggestions are optional
      // what changed since the photo before, beside the summary (none for a first photo)
      sinceLastCard(analysisId)
        .then((card) => card && body.querySelector("#summary, #result > *").after(card))
        .catch(() => {}); // the progress page says it too

      const panel = h("div", { class: "card wide", id: "referral" }, errorBox());
      body.append(panel);
      renderReferral(panel, analysisId).catch((error) => showError(panel, error));
    }
    return analysis;
  };

  const { analysis } = await gql(
    "query($id: ID!) { analysis(id: $id) { id status stage progress } }", { id: analysisId });
  if (FINAL.has(analysis.stage) && !params.get("live")) {
    await showResult();
    return null;
  }
  // Right after an upload (?live=1) the stream is followed even if the analysis is already
  // over: it starts with the latest state, so the steps always end on DONE or FAILED.
  const progress = progressPanel();
  progress.update(analysis);
  const progressBox = h("div", {}, progress.panel);
  const showAll = async () => {
    const analysis = await showResult();
    if (analysis.result && analysis.result.retakeNeeded) progress.measuredNothing();
    body.prepend(progressBox);
  };
  clear(body, progressBox);
  let note = ""; // what the panel says of the connection while online
  return followProgress(analysisId, {
    onEvent: (event) => progress.update(event),
    onFallback: () => progress.say(
      note = t("Live updates are unavailable; checking every few seconds.")),
    onConnection: (online) => progress.say(online ? note : t("You are offline. The analysis "
      + "goes on at MetSkin; this page catches up when you are back online.")),
    onEnd: (error) => {
      if (error) {
        const box = errorBox();
        progress.panel.append(box);
        showError(progress.panel, error);
        return;
      }
      progress.panel.querySelector("h2").textContent = t("Analysis finished");
      progress.announce(t("Analysis finished: the result is below."));
      showAll().catch((failure) => showError(view, failure));
    },
  });
}
