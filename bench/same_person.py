"""May two analyses not be of the same person? (`progress.identity`) on the London Set.

    PYTHONPATH=src:. .venv/bin/python bench/same_person.py [--fit]

Same-person pairs: each face's neutral photo against its smiling one (same session: the smile
changes the geometry), also with the smiling photo re-lit (tungsten, shade) or exposed at 0.7
and 1.4 times the light, turned (its own 3-D mesh rotated, then projected), or a mirror image
the spots did not tell. Different-person pairs: every cross-id pair of photos (neutral and
smiling), and those within the same self-reported group and gender (the hardest impostors).
Fitted on odd ids (`--fit` prints the constants for identity.py), reported on even ids. The
group is a sanity check, never a label. Results are cached (bench/same_person_data.py).
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Callable, Iterable

import numpy as np
from bench.same_person_data import CASTS, EXPOSURES, Photo, measure

from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis import mirror
from metskin.domain.analysis.readout import ResultReadout
from metskin.domain.progress import identity
from metskin.domain.progress.alignment import RIGID
from metskin.domain.progress.comparability import THRESHOLD, comparability

Key = tuple[str, str]  # (face id, shot)
FALSE_FLAGS = 0.02  # at most this share of the odd ids' same-person pairs is flagged
TURNS = ((10.0, 0.0), (-10.0, 0.0), (20.0, 0.0), (0.0, 15.0), (0.0, -15.0))  # yaw, pitch


def turned(points: np.ndarray, yaw: float, pitch: float) -> np.ndarray:
    """The (478, 3) mesh turned by `yaw` and nodded by `pitch` degrees about its centre,
    projected (orthographic) to stored 2-D landmarks (0.1 px)."""
    centre = points[list(RIGID)].mean(axis=0)
    y, x = np.radians(yaw), np.radians(pitch)
    turn = np.array([[np.cos(y), 0, np.sin(y)], [0, 1, 0], [-np.sin(y), 0, np.cos(y)]])
    nod = np.array([[1, 0, 0], [0, np.cos(x), -np.sin(x)], [0, np.sin(x), np.cos(x)]])
    moved = (points - centre) @ (nod @ turn).T + centre
    return np.round(moved[:, :2], 1)


class Pairs:
    def __init__(self, photos: list[Photo]) -> None:
        self.photo = {(p.face_id, p.shot): p for p in photos}
        self.readout = {k: ResultReadout.from_stored(p.stored) for k, p in self.photo.items()}
        self.ids = sorted(
            {p.face_id for p in photos if (p.face_id, "smiling") in self.photo}
            & {p.face_id for p in photos if p.shot == "neutral"}
        )

    def side(self, odd: bool) -> list[str]:
        return [i for i in self.ids if int(i) % 2 == int(odd)]

    def points(self, key: Key) -> np.ndarray:
        capture = self.readout[key].capture
        assert capture is not None
        return np.array(capture.landmarks)

    def evidence(self, a: Key, b: Key, later: np.ndarray | None = None) -> float:
        """`later`: other landmarks for `b` (a turned or mirrored copy)."""
        first, second = self.readout[a], self.readout[b]
        assert first.capture is not None and second.capture is not None
        shape = identity.shape_distance(self.points(a), self.points(b) if later is None else later)
        return identity.combined(shape, identity.tone_gap(first, second))

    def same(self, ids: Iterable[str], shot: str = "smiling") -> list[tuple[Key, Key]]:
        return [((i, "neutral"), (i, shot)) for i in ids if (i, shot) in self.photo]

    def different(self, ids: list[str], hardest: bool = False) -> list[tuple[Key, Key]]:
        found = []
        for i, j in itertools.combinations(ids, 2):
            pi, pj = self.photo[(i, "neutral")], self.photo[(j, "neutral")]
            if hardest and (pi.group, pi.gender) != (pj.group, pj.gender):
                continue
            found += [
                ((i, s), (j, t)) for s in ("neutral", "smiling") for t in ("neutral", "smiling")
            ]
        return found


def fit(pairs: Pairs) -> dict[str, tuple[float, ...] | float]:
    """DEPTH (the odd ids' mean), WEIGHTS (1 / mean squared residual over the odd ids'
    same-person pairs and their turned copies), SHAPE_LIMIT (at FALSE_FLAGS)."""
    odd = pairs.side(True)
    depth = []
    for face in odd:
        points = pairs.photo[(face, "neutral")].points.astype(np.float64)
        centre = points[list(RIGID)].mean(axis=0)
        depth.append((points[list(identity.SHAPE), 2] - centre[2]) / lm.eye_distance(points))
    mean_depth = np.mean(depth, axis=0)
    found = []
    for a, b in pairs.same(odd):
        found.append(identity.shape_residuals(pairs.points(a), pairs.points(b), mean_depth))
        for yaw, pitch in TURNS:
            later = turned(pairs.photo[b].points.astype(np.float64), yaw, pitch)
            found.append(identity.shape_residuals(pairs.points(a), later, mean_depth))
    weights = 1.0 / np.mean(found, axis=0)
    weights /= weights.mean()
    shapes = [
        identity.shape_distance(pairs.points(a), pairs.points(b), mean_depth, weights)
        for a, b in pairs.same(odd)
    ]
    return {
        "DEPTH": tuple(round(float(v), 3) for v in mean_depth),
        "WEIGHTS": tuple(round(float(v), 3) for v in weights),
        "SHAPE_LIMIT": round(float(np.quantile(shapes, 1.0 - FALSE_FLAGS, method="higher")), 4),
    }


def auc(same: list[float], different: list[float]) -> float:
    """P(a different-person pair has more evidence than a same-person pair); ties count half."""
    a, b = np.asarray(same)[:, None], np.asarray(different)[None, :]
    return float(np.mean((b > a) + 0.5 * (b == a)))


def share(values: list[float]) -> str:
    flagged = sum(1 for v in values if v >= 1.0)
    return f"{100 * flagged / max(len(values), 1):.1f} % ({flagged}/{len(values)})"


def held_out(pairs: Pairs, ids: list[str]) -> dict[str, list[float]]:
    """Evidence of each kind of pair over `ids`."""
    ev: Callable[..., float] = pairs.evidence
    rows = {"same person, neutral vs smiling": [ev(a, b) for a, b in pairs.same(ids)]}
    for name in (*CASTS, *EXPOSURES):
        shot = f"smiling {name}"
        rows[f"same person, smiling {name}"] = [ev(a, b) for a, b in pairs.same(ids, shot)]
    for yaw, pitch in TURNS:
        rows[f"same person, smiling turned yaw {yaw:+.0f} pitch {pitch:+.0f}"] = [
            ev(a, b, turned(pairs.photo[b].points.astype(np.float64), yaw, pitch))
            for a, b in pairs.same(ids)
        ]
    rows["same person, smiling mirror image not told"] = [
        ev(a, b, mirror.mirror_points(pairs.points(b))) for a, b in pairs.same(ids)
    ]
    rows["different people, all cross-id pairs"] = [ev(a, b) for a, b in pairs.different(ids)]
    rows["different people, same group and gender"] = [
        ev(a, b) for a, b in pairs.different(ids, hardest=True)
    ]
    return rows


def per_group(pairs: Pairs, ids: list[str]) -> list[str]:
    """Impostors flagged within each self-reported group (and gender), and same-person false
    flags per group: the worst group beside the median."""
    groups = sorted({pairs.photo[(i, "neutral")].group for i in ids})
    lines, caught, missed = [], {}, {}
    for group in groups:
        members = [i for i in ids if pairs.photo[(i, "neutral")].group == group]
        inside = [pairs.evidence(a, b) for a, b in pairs.different(members, hardest=True)]
        same = [pairs.evidence(a, b) for a, b in pairs.same(members)]
        if inside:
            caught[group] = np.mean([v >= 1.0 for v in inside])
        missed[group] = np.mean([v >= 1.0 for v in same])
        lines.append(
            f"| {group} | {len(members)} | {share(inside)} | {share(same)} | "
            f"{auc(same, inside) if inside and same else float('nan'):.3f} |"
        )
    worst = min(caught, key=lambda g: caught[g])
    lines.append(
        f"\nImpostors flagged within group and gender: median over groups "
        f"{100 * np.median(list(caught.values())):.1f} %, worst {worst} "
        f"{100 * caught[worst]:.1f} %; same-person false flags: worst group "
        f"{100 * max(missed.values()):.1f} %"
    )
    return lines


def report(pairs: Pairs) -> list[str]:
    lines = []
    for name, ids in (
        ("odd ids (fit)", pairs.side(True)),
        ("even ids (held out)", pairs.side(False)),
    ):
        rows = held_out(pairs, ids)
        same = rows["same person, neutral vs smiling"]
        everyone = rows["different people, all cross-id pairs"]
        hardest = rows["different people, same group and gender"]
        lines += [f"### {name}: {len(ids)} faces", "", "| pairs | flagged |"]
        lines += ["|---|---|"]
        lines += [f"| {kind} | {share(values)} |" for kind, values in rows.items()]
        scores = np.array(
            [
                comparability(pairs.readout[a], pairs.readout[b]).score
                for a, b in pairs.different(ids)
            ]
        )
        unflagged = scores >= THRESHOLD
        caught = np.array(everyone)[unflagged] >= 1.0
        lines += [
            "",
            f"Before (comparability under {THRESHOLD} was the only flag, and it still called "
            f"changes): {100 * np.mean(~unflagged):.1f} % of the cross-id pairs flagged, median "
            f"comparability {np.median(scores):.2f}; of the {int(unflagged.sum())} it left "
            f"unflagged, DIFFERENT_PERSON flags {share(list(np.where(caught, 1.0, 0.0)))}.",
            "",
            f"ROC AUC, neutral vs smiling against all cross-id pairs: "
            f"{auc(same, everyone):.3f}; against the same group and gender: "
            f"{auc(same, hardest):.3f}",
            "",
            "| self-reported group | faces | impostors flagged (same group and gender) | "
            "same person flagged | AUC |",
            "|---|---|---|---|---|",
            *per_group(pairs, ids),
            "",
        ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fit", action="store_true", help="print the constants fitted on odd ids")
    args = parser.parse_args()
    pairs = Pairs(measure(lambda face: None))
    if args.fit:
        for name, value in fit(pairs).items():
            print(f"{name} = {value}")
        return
    print("\n".join(report(pairs)))


if __name__ == "__main__":
    main()
