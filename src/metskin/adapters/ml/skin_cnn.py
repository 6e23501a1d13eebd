"""The learned skin model: a small CNN over 32 px region patches, in torch, CPU only.

It reads a face's region patches (one slot per region) and gives a grade per concern (as a
fraction of the concern's scale) and an 8 x 8 lesion heat map per patch. About 8k weights;
inference of a face's 7 patches takes about a millisecond on one thread, well under the 15 ms
photo budget (bench/skin_model_bench.py).

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

from metskin.domain.i18n.marks import _
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
    """A face is its region patches (one slot per region, masked when missing). Each patch
    gives a contribution per concern (a shared CNN, plus a bias per region) and a lesion
    heat map; a face's grade is the sigmoid of its patches' summed contributions, so papules
    anywhere on the face add up (trained on the face's grades, the labels' unit)."""

    def __init__(self, config: CnnConfig) -> None:
        super().__init__()
        self.side = config.side
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
        self.parts = nn.Linear(2 * WIDTH, len(config.concerns))
        self.region_bias = nn.Parameter(torch.zeros(len(config.regions), len(config.concerns)))
        self.bias = nn.Parameter(torch.full((len(config.concerns),), -1.0))

    def forward(
        self, faces: torch.Tensor, mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """faces: (F, R, 3, side, side) from `as_input`; mask: (F, R) 1 where a patch is.
        Returns grade fractions (F, C) in 0..1, contributions (F, R, C) and heat-map logits
        (F, R, side/4, side/4)."""
        count, regions = mask.shape
        found = self.features(faces.reshape(count * regions, 3, self.side, self.side))
        heat = self.heat(found)[:, 0].reshape(count, regions, HEAT_SIDE, HEAT_SIDE)
        pooled = torch.cat([found.mean(dim=(2, 3)), found.amax(dim=(2, 3))], dim=1)
        parts = self.parts(pooled).reshape(count, regions, -1) + self.region_bias
        parts = parts * mask[..., None]
        return torch.sigmoid(parts.sum(dim=1) + self.bias), parts, heat


def as_input(faces: np.ndarray, mask: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    """(F, R, side, side, 3) uint8 RGB and (F, R) -> (F, R, 3, side, side) float, each face
    minus its own mean colour (over its patches: a skin reference, so a flush or a dark spot
    reads against the person's skin), and the mask as float."""
    pixels = torch.from_numpy(faces).permute(0, 1, 4, 2, 3).float() / 255.0
    weight = torch.from_numpy(mask).float()
    present = weight[:, :, None, None, None]
    area = (present.sum(dim=(1, 3, 4), keepdim=True) * faces.shape[2] * faces.shape[3]).clamp(
        min=1.0
    )
    mean = (pixels * present).sum(dim=(1, 3, 4), keepdim=True) / area
    return (pixels - mean) * present, weight


def face_slots(
    patches: list[tuple[str, np.ndarray]], regions: tuple[str, ...], side: int
) -> tuple[np.ndarray, np.ndarray]:
    """A face's (region, patch) list as one slot per region: (R, side, side, 3) and (R,)."""
    pixels = np.zeros((len(regions), side, side, 3), dtype=np.uint8)
    mask = np.zeros(len(regions), dtype=np.float32)
    for region, patch in patches:
        if region in regions:
            pixels[regions.index(region)] = patch
            mask[regions.index(region)] = 1.0
    return pixels, mask


def scales(concerns: tuple[str, ...]) -> torch.Tensor:
    return torch.tensor([float(Concern(c).max_grade) for c in concerns])


@dataclass
class LoadedCnn:
    network: SkinCnn
    config: CnnConfig

    def face_grades(self, patches: list[tuple[str, np.ndarray]]) -> dict[str, float]:
        """Labels' concern name -> the face's grade."""
        if not patches:
            return {}
        pixels, mask = face_slots(patches, self.config.regions, self.config.side)
        grades = self.grades(pixels[None], mask[None])[0]
        return {c: float(grades[i]) for i, c in enumerate(self.config.concerns)}

    def grades(self, faces: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """(F, R, side, side, 3), (F, R) -> (F, C) grades."""
        with torch.inference_mode():
            fractions, _, _ = self.network(*as_input(faces, mask))
        return (fractions * scales(self.config.concerns)).numpy()

    def heat_maps(self, patches: list[tuple[str, np.ndarray]]) -> dict[str, np.ndarray]:
        """Region -> its lesion heat map, 0..1, HEAT_SIDE x HEAT_SIDE."""
        pixels, mask = face_slots(patches, self.config.regions, self.config.side)
        with torch.inference_mode():
            _, _, heat = self.network(*as_input(pixels[None], mask[None]))
        maps = torch.sigmoid(heat[0]).numpy()
        return {r: maps[i] for i, r in enumerate(self.config.regions) if mask[i]}


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
    """The version whose weights file is `weights` under `folder`; files that are missing,
    unreadable or of another version of the code raise ModelFileInvalid naming them."""
    from metskin.domain.skinmodel.errors import ModelFileInvalid

    stem = weights.removesuffix(".pt")
    try:
        raw = json.loads((folder / f"{stem}.json").read_text())
        config = CnnConfig(
            concerns=tuple(raw["concerns"]),
            regions=tuple(raw.get("regions", REGIONS)),
            side=int(raw.get("side", SIDE)),
            seed=int(raw.get("seed", 0)),
            epochs=int(raw.get("epochs", 0)),
        )
        network = SkinCnn(config)
        network.load_state_dict(torch.load(folder / weights, weights_only=True))
    except Exception as error:  # torch raises many kinds on a foreign or damaged file
        raise ModelFileInvalid.translatable(
            _(
                "{file} (with {stem}.json) cannot be loaded: {error}. "
                "Train the version again with this code, or roll it back."
            ),
            "weights",
            file=str(folder / weights),
            stem=stem,
            error=_first_line(error),
        ) from None
    network.eval()
    return LoadedCnn(network, config)


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:200]}" if text else type(error).__name__
