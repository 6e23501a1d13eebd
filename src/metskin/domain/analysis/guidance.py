"""What a person is told about a photo that cannot be measured well: for each issue code, a
message (what is wrong) and guidance (how to retake it), from the capture gate (`quality.py`)
and from the validity gate (`validity.py`). The API lists these codes (`QualityIssue.code`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from metskin.domain.analysis.model import QualityIssue
from metskin.domain.i18n.locales import language_of
from metskin.domain.i18n.marks import _, n_
from metskin.domain.i18n.ports import Translator
from metskin.domain.i18n.said import Said, spoken

GUIDANCE = {
    # the capture gate (quality.py): the face, the pose, the light
    "NO_FACE": (
        _("No face was found."),
        _("Face the camera with your whole face in the frame and nothing covering it."),
    ),
    "MULTIPLE_FACES": (
        _("More than one face is in the picture; the largest was analysed."),
        _("Take the picture alone, with no other faces or portraits behind you."),
    ),
    "FACE_CUT_OFF": (
        _("Part of the face is outside the picture, so some of the skin cannot be measured."),
        _(
            "Hold the camera a little further away, with your whole face from hairline to chin "
            "in the frame."
        ),
    ),
    "FACE_TOO_SMALL": (
        _("The face is too small in the picture."),
        _("Move closer, so that your face fills at least a third of the frame."),
    ),
    "POSE_TOO_STRONG": (
        _("The head is turned or tilted too much."),
        _("Look straight into the camera, with your head level."),
    ),
    "BLURRY": (
        _("The face is out of focus or moving."),
        _("Hold the camera still, tap to focus on your face, and use more light."),
    ),
    "EYES_COVERED": (
        _(
            "Sunglasses or tinted glasses cover the eyes: the whites of the eyes are how the "
            "light is judged, and the skin under the eyes is measured too."
        ),
        _("Take off sunglasses or tinted glasses for the picture."),
    ),
    "EYES_CLOSED": (
        _(
            "The eyes are closed, so the whites of the eyes could not help judge the light; "
            "the colours were judged from the rest of the picture."
        ),
        _("Keep your eyes open and look at the camera."),
    ),
    "COMPRESSED": (
        _(
            "The photo was saved with strong compression, as chat apps and some websites do: "
            "part of its fine detail is lost, so pores and fine lines may be read wrongly."
        ),
        _("Send the photo as your camera saved it, not a copy from a chat or a screenshot."),
    ),
    "SMILING": (
        _(
            "You are smiling: a smile folds the skin around the mouth and the eyes, and the "
            "folds are read as lines."
        ),
        _("Relax your face and close your mouth for the picture."),
    ),
    "TOO_DARK": (
        _(
            "The picture is too dark to measure skin tone: even the whites of the eyes "
            "come out dark, so the skin would read several shades darker than it is."
        ),
        _(
            "Face a window or a lamp; avoid backlight and night mode, and take off a cap or hat "
            "that shades your eyes."
        ),
    ),
    "BACKLIT": (
        _(
            "The light is behind you (a window or the sky), so your face is in shadow and the "
            "skin would read darker than it is."
        ),
        _(
            "Turn round to face the window or the light, or move so that it is not behind you; "
            "take off a cap or hat that shades your face."
        ),
    ),
    "UNDEREXPOSED": (
        _(
            "The picture is underexposed: nothing in it is bright, not even the whites of the "
            "eyes, so the skin would read darker than it is."
        ),
        _(
            "Turn towards a window or a lamp, or tap your face on the screen so the camera "
            "brightens the picture; turn off any dark filter."
        ),
    ),
    "OVEREXPOSED": (
        _(
            "The picture is overexposed: the whites of the eyes or much of the skin came out "
            "pure white, so the skin would read lighter than it is."
        ),
        _("Step out of direct sunlight or turn off the flash; use soft, even light."),
    ),
    "STUBBLE": (
        _(
            "Stubble covers part of the skin around the mouth: lines and dark spots under it "
            "cannot be seen, so the smile lines were read on the bare skin beside it."
        ),
        _("For a reading of all the skin around the mouth, take the picture clean-shaven."),
    ),
    "UNEVEN_LIGHT": (
        _(
            "The light falls on one side of the face; the skin tone was read mostly from the lit "
            "side, so it is less certain."
        ),
        _("Face the window or the lamp, so that both sides of your face are lit alike."),
    ),
    "FOREHEAD_SHADE": (
        _(
            "Your forehead is in shade or under hair (the brim of a cap or a hat, or a fringe, for "
            "example); the skin tone was read mostly from your cheeks and chin, so it is less "
            "certain."
        ),
        _(
            "Take off your cap or hat, or push your hair back, and face the light, so that your "
            "forehead is bare and lit too."
        ),
    ),
    "FOREHEAD_COVERED": (
        _(
            "Your forehead is covered (a headscarf, a hat, a hood or a fringe, for example), so "
            "the skin tone and the concerns were read on the rest of your face, and the forehead "
            "is not scored."
        ),
        _(
            "Nothing to change if you keep it so: the rest of your face is measured. For a "
            "reading of the forehead too, push the fabric or your hair back from it."
        ),
    ),
    "MIXED_LIGHT": (
        _(
            "Light of two colours falls on the two sides of the face (a window and a lamp, for "
            "example), so the skin tone is less certain."
        ),
        _("Use one light: face a window with the lamps off, or turn away from the window."),
    ),
    # the validity gate (validity.py): what makes a measured face unfit to report
    "LOW_RESOLUTION": (
        _("The face has too few pixels to measure the skin."),
        _(
            "Move closer or use the main camera at full resolution; do not send a "
            "thumbnail or a screenshot."
        ),
    ),
    "FACE_COVERED": (
        _(
            "Something covers the lower part of the face (a face mask or a scarf), so the skin "
            "there cannot be measured."
        ),
        _("Take off the face mask or scarf, and keep hands and hair away from your face."),
    ),
    "GLASSES_GLARE": (
        _("Light reflects off glasses over the eyes."),
        _("Take your glasses off, or tilt them slightly so no light reflects."),
    ),
    "FILTER_SUSPECTED": (
        _("The skin looks smoothed or edited, as by a beauty filter or heavy make-up."),
        _("Turn off beauty mode, filters and retouching, and use bare skin."),
    ),
    "UNNATURAL_COLOUR": (
        _("The skin colour is not one that real skin has in this light."),
        _("Turn off colour filters and take the photo in daylight without coloured lamps."),
    ),
    "NO_COLOUR": (
        _(
            "The photo has no colour (black and white, or a filter took the colour out), so the "
            "skin tone cannot be read."
        ),
        _("Send a colour photo, with black-and-white mode and colour filters turned off."),
    ),
    "HEAVY_CAST": (
        _(
            "The light is too strongly coloured to correct: even the whites of the eyes keep its "
            "colour, so the skin tone would be off."
        ),
        _("Take the photo in daylight or under white light, away from coloured or orange lamps."),
    ),
    "LOW_CONFIDENCE": (
        _("The photo is not good enough to give reliable numbers."),
        _(
            "Retake in soft, even light, face straight on, filling a third of the "
            "frame, and hold still."
        ),
    ),
    "UNMEASURABLE": (
        _("Some of the numbers could not be measured on this photo (it may be damaged)."),
        _("Send the original photo again, or take a new one."),
    ),
    # a video's frames (`aggregate.face_frames_issue`): the messages say how many
    # (`FACE_FRAMES`); these are their words without the numbers
    "FEW_FACE_FRAMES": (
        _(
            "Your face was clearly seen in only a few of the video's frames, so the result comes "
            "from those frames only."
        ),
        _(
            "For a reading of the whole clip, record again with your whole face in the frame "
            "from start to end: hold the phone still and face the light."
        ),
    ),
    "TOO_FEW_FACE_FRAMES": (
        _(
            "Your face was clearly seen in too few of the video's frames to measure your skin "
            "reliably."
        ),
        _(
            "Record again with your whole face in the frame from start to end, holding the "
            "phone still and facing the light, or upload a photo."
        ),
    ),
}

# What a clip whose face was clearly seen in few of its frames is told, with the counts
# ("in only 3 of the 12 frames"; the form follows the frames looked at).
FACE_FRAMES = {
    "FEW_FACE_FRAMES": n_(
        "Your face was clearly seen in only {found} of the {count} frame we looked at, so the "
        "result comes from that frame only.",
        "Your face was clearly seen in only {found} of the {count} frames we looked at, so the "
        "result comes from those frames only.",
    ),
    "TOO_FEW_FACE_FRAMES": n_(
        "Your face was clearly seen in only {found} of the {count} frame we looked at: too "
        "few to measure your skin reliably.",
        "Your face was clearly seen in only {found} of the {count} frames we looked at: too "
        "few to measure your skin reliably.",
    ),
}


# A video's words where the photo's name a photo (the others say "picture", fit for both).
VIDEO_WORDS = {
    "COMPRESSED": (
        _(
            "The video was saved with strong compression, as chat apps and some websites do: "
            "part of its fine detail is lost, so pores and fine lines may be read wrongly."
        ),
        _("Send the video as your phone recorded it, not a copy from a chat."),
    ),
    "UNNATURAL_COLOUR": (
        GUIDANCE["UNNATURAL_COLOUR"][0],
        _("Turn off colour filters and record the video in daylight without coloured lamps."),
    ),
    "NO_COLOUR": (
        _(
            "The video has no colour (black and white, or a filter took the colour out), so the "
            "skin tone cannot be read."
        ),
        _("Send a colour video, with black-and-white mode and colour filters turned off."),
    ),
    "HEAVY_CAST": (
        GUIDANCE["HEAVY_CAST"][0],
        _("Record the video in daylight or under white light, away from coloured or orange lamps."),
    ),
    "LOW_CONFIDENCE": (
        _("The video is not good enough to give reliable numbers."),
        GUIDANCE["LOW_CONFIDENCE"][1],
    ),
    "UNMEASURABLE": (
        _("Some of the numbers could not be measured on this video (it may be damaged)."),
        _("Send the original video again, or record a new one."),
    ),
}


def in_video_words(issues: tuple[QualityIssue, ...]) -> tuple[QualityIssue, ...]:
    """The issues of a video's analysis, told about a video (before: "Send the photo as your
    camera saved it" of a clip)."""
    return tuple(
        replace(item, message=words[0], guidance=words[1])
        if (words := VIDEO_WORDS.get(item.code))
        else item
        for item in issues
    )


def issue(code: str, value: float | None = None, *, blocking: bool = False) -> QualityIssue:
    message, guidance = GUIDANCE[code]
    return QualityIssue(code, message, guidance, value, blocking)


def face_frames(found: int, sampled: int, *, blocking: bool) -> QualityIssue:
    """FEW_FACE_FRAMES (a warning), or TOO_FEW_FACE_FRAMES (blocking): the face clearly seen
    in `found` of the `sampled` frames; `value` is their share."""
    code = "TOO_FEW_FACE_FRAMES" if blocking else "FEW_FACE_FRAMES"
    message = Said.counted(FACE_FRAMES[code], sampled, found=Decimal(found))
    return QualityIssue(code, message, GUIDANCE[code][1], found / sampled, blocking)


def retake_needed(result: Mapping[str, Any]) -> bool:
    """A stored result that gives no measurement: not ok, or a blocking quality issue (no face,
    too few face frames, ...). The person is asked for a new photo, not shown a result."""
    return not result.get("ok") or any(i.get("blocking") for i in result.get("quality", []))


def issue_words(issue: Mapping[str, Any], tr: Translator) -> tuple[str, str]:
    """A stored issue's message and guidance in `tr`'s language: a message with numbers from
    its template (`said`, stored beside it), else its stored English through the catalog, else
    (an older wording) the current wording of its code."""
    current = GUIDANCE.get(issue["code"], ("", ""))
    said = issue.get("said")
    message = spoken(said, tr) if said else _words(issue["message"], current[0], tr)
    return message, _words(issue["guidance"], current[1], tr)


def _words(stored: str, current: str, tr: Translator) -> str:
    translated = tr.gettext(stored)
    if translated != stored or not current or language_of(tr.locale) == "en":
        return translated
    return tr.gettext(current)
