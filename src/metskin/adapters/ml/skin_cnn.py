"""The learned skin model: a small CNN over 32 px region patches, in torch, CPU only.

It reads a region patch (and which region it is) and gives a grade per concern (as a fraction
of the concern's scale) and an 8 x 8 lesion heat map of the patch (logits). A face's grade is
the mean over its region patches. About 11k weights; inference of a face's 7 patches takes
well under the 15 ms photo budget (bench/skin_model_bench.py).

Files: `skin-cnn-v{N}.pt` (a plain state dict, loaded with `weights_only=True`) beside
`skin-cnn-v{N}.json` (the config) and `skin-cnn-v{N}.md` (the model card).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from metskin.domain.labels.model import Concern
from metskin.domain.skinmodel.patches import REGIONS, SIDE

HEAT_SIDE = SIDE // 4  # the lesion heat map's cells per side
WIDTH = 24  # feature channels


@dataclass(frozen=True)
class CnnConfig:
    concerns: tuple[str, ...]  # labels' concern names, in output order
    regions: tuple[str, ...] = REGIONS
    side: int = SIDE
    seed: int = 0
    epochs: int = 12


class SkinCnn(nn.Module):
    def __init__(self, config: CnnConfig) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 12, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(12, WIDTH, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(WIDTH, WIDTH, 3, padding=1),
            nn.ReLU(),
        )
        self.heat = nn.Conv2d(WIDTH, 1, 1)
        self.grades = nn.Linear(2 * WIDTH + len(config.regions), len(config.concerns))

    def forward(self, x: torch.Tensor, regions: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x: (n, 3, side, side) in -0.5..0.5; regions: (n, R) one-hot. Returns grade
        fractions (n, C) in 0..1 and heat-map logits (n, side/4, side/4)."""
        found = self.features(x)
        heat = self.heat(found)[:, 0]
        pooled = torch.cat([found.mean(dim=(2, 3)), found.amax(dim=(2, 3)), regions], dim=1)
        return torch.sigmoid(self.grades(pooled)), heat


def as_input(patches: np.ndarray) -> torch.Tensor:
    """(n, side, side, 3) uint8 RGB -> (n, 3, side, side) float in -0.5..0.5."""
    return torch.from_numpy(patches).permute(0, 3, 1, 2).float() / 255.0 - 0.5


def region_codes(regions: list[str], known: tuple[str, ...]) -> torch.Tensor:
    codes = torch.zeros((len(regions), len(known)))
    for row, region in enumerate(regions):
        if region in known:
            codes[row, known.index(region)] = 1.0
    return codes


def scales(concerns: tuple[str, ...]) -> torch.Tensor:
    return torch.tensor([float(Concern(c).max_grade) for c in concerns])


@dataclass
class LoadedCnn:
    network: SkinCnn
    config: CnnConfig

    def face_grades(self, patches: list[tuple[str, np.ndarray]]) -> dict[str, float]:
        """Labels' concern name -> the face's grade (mean over its region patches)."""
        per_patch = self.patch_grades(patches)
        if per_patch.shape[0] == 0:
            return {}
        mean = per_patch.mean(axis=0)
        return {c: float(mean[i]) for i, c in enumerate(self.config.concerns)}

    def patch_grades(self, patches: list[tuple[str, np.ndarray]]) -> np.ndarray:
        if not patches:
            return np.zeros((0, len(self.config.concerns)), dtype=np.float32)
        pixels = as_input(np.stack([p for _, p in patches]))
        codes = region_codes([r for r, _ in patches], self.config.regions)
        with torch.inference_mode():
            fractions, _ = self.network(pixels, codes)
        return (fractions * scales(self.config.concerns)).numpy()

    def heat_map(self, region: str, patch: np.ndarray) -> np.ndarray:
        """The lesion heat map of one patch, 0..1, HEAT_SIDE x HEAT_SIDE."""
        with torch.inference_mode():
            _, heat = self.network(
                as_input(patch[None]), region_codes([region], self.config.regions)
            )
        return torch.sigmoid(heat[0]).numpy()


def build(config: CnnConfig) -> SkinCnn:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(config.seed)
        return SkinCnn(config)


def save(loaded: LoadedCnn, folder: Path, name: str, card: str) -> str:
    """Write name.pt, name.json and name.md; returns the weights' file name."""
    folder.mkdir(parents=True, exist_ok=True)
    torch.save(loaded.network.state_dict(), folder / f"{name}.pt")
    (folder / f"{name}.json").write_text(json.dumps(asdict(loaded.config), indent=2) + "\n")
    (folder / f"{name}.md").write_text(card)
    return f"{name}.pt"


def load(folder: Path, weights: str) -> LoadedCnn:
    stem = weights.removesuffix(".pt")
    raw = json.loads((folder / f"{stem}.json").read_text())
    config = CnnConfig(
        concerns=tuple(raw["concerns"]),
        regions=tuple(raw["regions"]),
        side=int(raw["side"]),
        seed=int(raw["seed"]),
        epochs=int(raw["epochs"]),
    )
    network = SkinCnn(config)
    network.load_state_dict(torch.load(folder / weights, weights_only=True))
    network.eval()
    return LoadedCnn(network, config)
