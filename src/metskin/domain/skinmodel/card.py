"""The model card of a skin model version: what it learned from (origin and licence of every
source), how it was evaluated, and where it beats the engine and where it does not."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from metskin.domain.skinmodel.gate import BANDS, MIN_TONE_FACES, decide, spans

COMPANY_DATA = (
    "MetSkin analyses labelled by dermatologists (under a share) and by their owners, of people "
    "who consented to learning when the dataset was exported (company data; not for release)."
)


def model_card(
    name: str,
    dataset_hash: str,
    code_version: str,
    sources: Iterable[str],
    metrics: Mapping[str, Any],
) -> str:
    candidate, engine = metrics["candidate"], metrics["engine"]
    beats = metrics.get("beats_engine_on", [])
    lines = [
        f"# Model card: {name}",
        "",
        "A small CNN (about 8k weights) over 32 px region patches of the face (forehead, "
        "cheeks, nose, chin, under the eyes), each face against its own mean colour: each "
        "patch adds a contribution per concern and gives a lesion heat map; a face's grade "
        "is the sigmoid of its patches' sum. CPU only.",
        "",
        f"- Dataset content hash: `{dataset_hash}`",
        f"- Code version: `{code_version}`",
        f"- Held-out split: `{metrics.get('held_out')}` (people never seen in training), "
        f"{candidate['faces']} faces",
        f"- Training: {_training(metrics.get('training', {}))}",
        "",
        "## Data: origin and licence",
        "",
        *[f"- {source}" for source in sources],
        "",
        "No dataset limited to research or non-commercial use (ACNE04, HAM10000, UTKFace, SCIN, "
        "Fitzpatrick17k) was used.",
        "",
        "A person who withdraws their learning consent after this training (or whose account "
        "or labelled analysis is erased) leaves every later dataset, and their withdrawal makes "
        "a retrain due: the retrain job trains a candidate without them, promoted only through "
        "the gate. Until then `metskin skin-model list` says how many of the people a version "
        "learnt from have left (`withdrawn=N`); such a version is neither promoted, put in "
        "shadow nor brought back by a rollback, and a dataset folder exported before they left "
        "is refused for training (`DATASET_CONSENT_WITHDRAWN`).",
        "",
        "## Held-out mean absolute error (grade steps; lower is better)",
        "",
        "| concern | model | engine | faces |",
        "|---|---|---|---|",
        *[
            f"| {c} | {e:.3f} | {engine['per_concern'].get(c, float('nan')):.3f} | "
            f"{candidate['counts'][c]} |"
            for c, e in candidate["per_concern"].items()
        ],
        "",
        "Per Monk tone (mean over concerns, model / engine, faces):",
        "",
        *[
            f"- Monk {tone}: {_mean(by):.3f} / {_mean(engine['per_tone'].get(tone, {})):.3f} "
            f"({candidate['tone_counts'][tone]})"
            for tone, by in candidate["per_tone"].items()
        ],
        "",
        *_fairness(metrics),
        "",
        _heat(metrics.get("heat_map") or {}),
        "",
        f"Beats the engine (overall and on no Monk tone worse) on: {', '.join(beats) or 'none'}.",
        "Once promoted it scores only those concerns; the engine scores the others.",
        "",
        _verdict(metrics),
        "",
        "## Limits",
        "",
        "Grades come from the labels it was trained on; the engine's score is read as a grade "
        "by a line fitted on the training split. Small Monk tone groups give noisy errors: "
        f"the promotion gate judges a tone with fewer than {MIN_TONE_FACES} held-out faces "
        "together with the other small tones of its band (Monk "
        f"{', '.join(f'{b[0]}-{b[-1]}' for b in BANDS)}), never with a larger tone, and "
        "refuses the model while they are still too few.",
        "",
    ]
    return "\n".join(lines)


def _fairness(metrics: Mapping[str, Any]) -> list[str]:
    """The worst tone group beside the median (of what people would see once it is live),
    and the Monk tones nobody checked it on."""
    decision = decide(metrics, metrics.get("live_version"))
    worst, lines = decision.worst, []
    if worst is not None and decision.median is not None:
        lines.append(
            f"Worst Monk tone group: {worst.group}, {worst.shown:.3f} ({worst.faces} faces); "
            f"median over the {len(decision.tones)} groups judged: {decision.median:.3f}."
        )
    if decision.unproven:
        lines.append(
            f"Unproven on Monk {spans(decision.unproven)}: no held-out face of these tones, "
            "so nothing here says how it scores them; once live, the engine scores faces "
            "measured at these tones."
        )
    return lines or ["Every Monk tone has held-out faces."]


def _verdict(metrics: Mapping[str, Any]) -> str:
    """What the promotion gate said when it was trained (`skin-model gate N` says it now)."""
    decision = decide(metrics, metrics.get("live_version"))
    if decision.passed:
        return "The promotion gate passed it when it was trained (`metskin skin-model gate N`)."
    return (
        "The promotion gate refused it when it was trained, so none of the figures above "
        f"makes it fit to score anyone: {'; '.join(decision.reasons)}."
    )


def _heat(heat: Mapping[str, Any]) -> str:
    if not heat.get("patches"):
        return (
            "Lesion heat map: unchecked (no held-out patch has a labelled lesion); it says "
            "nothing of where lesions are."
        )
    return (
        f"Lesion heat map: on {heat.get('patches', 0)} held-out patches with lesions, one lies "
        f"in the 3 hottest of 64 cells in {100 * heat.get('hit_rate', 0.0):.0f} % "
        f"(3 random cells: {100 * heat.get('chance', 0.0):.0f} %)."
    )


def _training(training: Mapping[str, Any]) -> str:
    seconds = training.get("epoch_seconds") or [0.0]
    return (
        f"{training.get('patches', 0)} patches of {training.get('faces', 0)} faces, "
        f"{training.get('epochs', 0)} epochs (seed {training.get('seed', 0)}), "
        f"{sum(seconds) / len(seconds):.2f} s per epoch"
    )


def _mean(values: Mapping[str, float]) -> float:
    return sum(values.values()) / len(values) if values else float("nan")
