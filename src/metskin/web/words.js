// Words for the codes the API sends (enum values and result codes), keyed by the code in lower
// case. humanize() shows them through t(), so each is marked here for the catalogs: a code built
// into a word on the fly ("SKIN_CANCER" -> "Skin cancer") never reached them, and stayed English
// in French and German. tests/unit/i18n/test_code_words.py checks that every code has its word.
import { mark } from "./i18n.js";

export const WORDS = {
  // an analysis's stage and status
  queued: mark("Queued"), decoding: mark("Reading the file"), face_mesh: mark("Finding the face"),
  measuring: mark("Measuring"), recommending: mark("Choosing products"), done: mark("Done"),
  failed: mark("Failed"), running: mark("In progress"),
  // media
  photo: mark("Photo"), video: mark("Video"),
  // skin tone: ITA category and undertone
  very_light: mark("Very light"), light: mark("Light"), intermediate: mark("Intermediate"),
  tan: mark("Tan"), brown: mark("Brown"), dark: mark("Dark"),
  cool: mark("Cool"), neutral: mark("Neutral"), warm: mark("Warm"),
  // skin type and who decided it ("Decided by {how}")
  oily: mark("Oily"), dry: mark("Dry"), combination: mark("Combination"), normal: mark("Normal"),
  image: mark("the photo"), questionnaire: mark("your answer"),
  "image+questionnaire": mark("the photo and your answer"),
  // concerns (profile, trends, labels) and tone as a trend
  acne: mark("Acne"), wrinkles: mark("Wrinkles"), pigmentation: mark("Pigmentation"),
  redness: mark("Redness"), pores: mark("Pores"), dark_circles: mark("Dark circles"),
  shine: mark("Shine"), dryness: mark("Dryness"), sensitivity: mark("Sensitivity"),
  tone: mark("Skin tone"),
  // routine slots and how a product went
  cleanser: mark("Cleanser"), toner: mark("Toner"), serum: mark("Serum"),
  spot_treatment: mark("Spot treatment"), eye_care: mark("Eye care"),
  moisturiser: mark("Moisturiser"), sunscreen: mark("Sunscreen"), exfoliant: mark("Exfoliant"),
  mask: mark("Mask"), worked: mark("Worked"), irritated: mark("Irritated"),
  stopped: mark("Stopped"),
  // referrals and appointments
  medical: mark("Medical"), rosacea: mark("Rosacea"), skin_cancer: mark("Skin cancer"),
  scarring: mark("Scarring"), paediatric: mark("Paediatric"), cosmetic: mark("Cosmetic"),
  routine: mark("Not urgent"), soon: mark("Soon"), urgent: mark("Urgent"),
  booked: mark("Booked"), cancelled: mark("Cancelled"), completed: mark("Completed"),
  no_show: mark("Did not attend"),
  in_person: mark("In person"),
  monday: mark("Monday"), tuesday: mark("Tuesday"), wednesday: mark("Wednesday"),
  thursday: mark("Thursday"), friday: mark("Friday"), saturday: mark("Saturday"),
  sunday: mark("Sunday"),
  // people, sharing and labels
  patient: mark("Patient"), dermatologist: mark("Dermatologist"), admin: mark("Admin"),
  female: mark("Female"), male: mark("Male"), other: mark("Other"),
  undisclosed: mark("Prefer not to say"),
  analysis: mark("Analysis"), referral: mark("Referral"), profile: mark("Profile"),
  appointment: mark("Appointment"), labels: mark("Labels"),
  comedone: mark("Comedone"), papule: mark("Papule"), pustule: mark("Pustule"),
  nodule: mark("Nodule"), pigmented_spot: mark("Pigmented spot"), scar: mark("Scar"),
};
