"""Small image filters on float maps: masked blur, robust statistics, blobs, ridges."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

NORMAL_90 = 1.2815516  # the 90th percentile of a standard normal distribution
ROBUST_SAMPLE = 20_000  # robust statistics use an even subsample of at most this many values
FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def robust_stats(values: np.ndarray) -> tuple[float, float]:
    """Median and MAD scaled to a standard deviation (1.4826 * MAD)."""
    if values.size == 0:
        return 0.0, 0.0
    values = values.ravel()[:: -(-values.size // ROBUST_SAMPLE)]
    # float32 and float64 are partitioned in a copy; other types are medians in float64 anyway
    values = np.array(values, dtype=values.dtype if values.dtype in FLOATS else np.float64)
    median = median_in_place(values)
    deviations = np.subtract(values, median, out=values)
    return median, 1.4826 * median_in_place(np.abs(deviations, out=deviations))


def median_in_place(values: np.ndarray) -> float:
    """np.median of a 1-D array (the same value, NaN included), reordering the array: one
    partition at the middle and the maximum of the lower half, where np.median partitions at
    three places and copies."""
    half = values.size // 2
    values.partition(half)
    upper = values[half]
    if np.isnan(values[half:].max()):
        return float("nan")
    if values.size % 2:
        return float(upper)
    return float((values[:half].max() + upper) / 2)


def column_medians(values: np.ndarray) -> np.ndarray:
    """np.median(values, axis=0) of a 2-D array (the same values and dtype), by
    `median_in_place` on each column of a transposed copy: `values` keeps its order."""
    columns = np.array(values.T, order="C")
    return np.array([median_in_place(column) for column in columns], dtype=values.dtype)


def percentiles_in_place(values: np.ndarray, percents: tuple[float, ...]) -> list[float]:
    """np.percentile(values, percents) (linear) of a 1-D float32 or float64 array (the same
    floats, NaN included), reordering the array: one partition at the order statistics it
    needs, where np.percentile copies and partitions at both ends too, then numpy's own
    interpolation arithmetic (its `_lerp`: the difference in the array's type)."""
    if values.size == 0:  # numpy's own error
        return [float(value) for value in np.percentile(values, percents)]
    last = values.size - 1
    below = [min(math.floor(last * (percent / 100)), last) for percent in percents]
    values.partition(sorted({*below, *(min(index + 1, last) for index in below), last}))
    if np.isnan(values[last]):
        return [math.nan] * len(percents)
    found = []
    for percent, index in zip(percents, below, strict=True):
        virtual = last * (percent / 100)
        if virtual >= last:
            found.append(float(values[last]))
            continue
        weight = virtual - index
        low, high = values[index], values[index + 1]
        step = float(high - low)
        found.append(
            float(high) - step * (1 - weight) if weight >= 0.5 else float(low) + step * weight
        )
    return found


def byte_counts(values: np.ndarray) -> np.ndarray:
    """Cumulative histogram of uint8 values (1-D, or a 2-D view: read in place): counts[v] is
    how many are at most v. Order statistics then cost a search, not a partition of the values.
    OpenCV's histogram is several times faster than np.bincount (which first copies the bytes
    to intp); its float32 counts are exact below 2^24 values."""
    if values.size >= 1 << 24:
        return np.cumsum(np.bincount(values.ravel(), minlength=256))
    found = cv2.calcHist([values], [0], None, [256], [0, 256])
    return np.cumsum(found.ravel().astype(np.int64))


def byte_percentile(counts: np.ndarray, percent: float) -> float:
    """np.percentile (linear) of the uint8 values `counts` counts (`byte_counts`): the same
    float, from the two order statistics around (n - 1) x percent / 100 and numpy's own
    interpolation arithmetic (its `_lerp`)."""
    size = int(counts[-1])
    virtual = (size - 1) * (percent / 100)
    if virtual >= size - 1:
        return float(_order_value(counts, size - 1))
    below = math.floor(virtual)
    weight = virtual - below
    low, high = _order_value(counts, below), _order_value(counts, below + 1)
    step = high - low
    return high - step * (1 - weight) if weight >= 0.5 else low + step * weight


def byte_median(counts: np.ndarray) -> float:
    """np.median of the uint8 values `counts` counts (`byte_counts`): the same float."""
    size = int(counts[-1])
    return (_order_value(counts, (size - 1) // 2) + _order_value(counts, size // 2)) / 2


def _order_value(counts: np.ndarray, index: int) -> float:
    """The index-th smallest (from 0) of the values `counts` counts."""
    return float(np.searchsorted(counts, index, side="right"))


LARGE_SIGMA = 6.0  # wider blurs run on a copy shrunk by sigma / 3 (the result is smooth anyway)


def blur(image: np.ndarray, sigma: float) -> np.ndarray:
    if sigma < LARGE_SIGMA:
        return cv2.GaussianBlur(image, (0, 0), sigmaX=max(sigma, 0.3))
    factor = int(sigma / 3)
    height, width = image.shape[:2]
    small = cv2.resize(
        image, (max(1, width // factor), max(1, height // factor)), interpolation=cv2.INTER_AREA
    )
    small = cv2.GaussianBlur(small, (0, 0), sigmaX=sigma / factor)
    return cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)


def blur_mask(mask: np.ndarray, sigma: float) -> np.ndarray:
    """A boolean mask blurred as float32: the norm of `masked_blur` over that mask."""
    return blur(mask.astype(np.float32), sigma)


def masked_blur(
    image: np.ndarray, mask: np.ndarray, sigma: float, norm: np.ndarray | None = None
) -> np.ndarray:
    """Gaussian blur that only averages pixels inside `mask` (normalised convolution).
    `norm`, the blurred mask, may be passed in when several images share the mask and sigma."""
    total = blur(image * mask.astype(np.float32), sigma)
    if norm is None:
        norm = blur_mask(mask, sigma)
    # total / max(norm, 1e-3) where norm > 1e-3, else the image: in place, no temporaries
    np.divide(total, np.maximum(norm, 1e-3), out=total)
    np.copyto(total, image, where=~(norm > 1e-3))
    return total.astype(np.float32, copy=False)


def shrink(rgb: np.ndarray, long_side: int) -> np.ndarray:
    """A copy whose long side is at most `long_side`, or the image itself.

    For landmarks and whole-image statistics, not for measuring: mild reductions are bilinear;
    strong ones go bilinear to twice the size and then area-average 2x2, a fraction of the cost
    of a general area resize that still averages every output pixel over 4 samples.
    """
    height, width = rgb.shape[:2]
    factor = long_side / max(height, width)
    if factor >= 1:
        return rgb
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    if factor >= 0.5:
        return cv2.resize(rgb, size, interpolation=cv2.INTER_LINEAR)
    rgb = cv2.resize(rgb, (2 * size[0], 2 * size[1]), interpolation=cv2.INTER_LINEAR)
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)


def disk(radius: int) -> np.ndarray:
    size = 2 * max(1, radius) + 1
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))


@dataclass(frozen=True)
class Blob:
    label: int
    area: int
    centre: tuple[float, float]  # x, y in crop pixels
    length: float  # bounding-box diagonal, pixels
    mean: float = 0.0  # mean of the measured map over the blob, filled in by blob_means

    @property
    def elongation(self) -> float:
        """About length / width: 2.5 for a disk, high for a line."""
        return self.length**2 / self.area


def blobs(mask: np.ndarray, min_area: float, max_area: float) -> tuple[list[Blob], np.ndarray]:
    """Connected components of `mask` within the area range, and the label image.

    Labelled on the mask's bounding box alone (labelling costs with the pixels it scans, and a
    region is a fraction of the crop), the box starting on even coordinates: OpenCV labels
    2 x 2 blocks in scan order, so the box gets the whole image's numbering. Its centroid is
    the integer sum of the coordinates over the area: the box's sum, recovered exactly from
    its centroid, plus the offset gives the whole image's centre to the bit."""
    labels = np.zeros(mask.shape, dtype=np.int32)
    window = mask_box(mask, even=True)
    if window is None:
        return [], labels
    top, left = window[0].start, window[1].start
    _, inner, stats, centres = cv2.connectedComponentsWithStats(
        mask[window].astype(np.uint8), connectivity=8
    )
    labels[window] = inner
    areas = stats[:, cv2.CC_STAT_AREA]
    chosen = np.nonzero((areas >= min_area) & (areas <= max_area))[0]
    chosen = chosen[chosen > 0]
    lengths = np.hypot(stats[chosen, cv2.CC_STAT_WIDTH], stats[chosen, cv2.CC_STAT_HEIGHT])
    counts = areas[chosen, np.newaxis].astype(np.float64)
    # each blob's sums of x and y (exact integers) on the box, then on the whole image
    sums = np.rint(centres[chosen] * counts) + np.array([left, top]) * counts
    found = [
        Blob(int(label), int(area), (float(x), float(y)), float(length))
        for label, area, (x, y), length in zip(
            chosen.tolist(),
            areas[chosen].tolist(),
            (sums / counts).tolist(),
            lengths.tolist(),
            strict=True,
        )
    ]
    return found, labels


def blob_means(labels: np.ndarray, found: list[Blob], values: np.ndarray) -> list[Blob]:
    """The blobs with `mean` set to the mean of `values` over each blob."""
    if not found:
        return []
    # summed over the labelled pixels alone (the same sums, in the same order, for every blob):
    # np.bincount is several times slower over a whole crop that is mostly background
    flat = labels.ravel()
    inside = flat > 0
    sums = np.bincount(flat[inside], weights=values.ravel()[inside])
    return [
        Blob(blob.label, blob.area, blob.centre, blob.length, float(sums[blob.label] / blob.area))
        for blob in found
    ]


def blob_mask(labels: np.ndarray, found: list[Blob]) -> np.ndarray:
    if not found:
        return np.zeros(labels.shape, dtype=bool)
    keep = np.zeros(int(labels.max()) + 1, dtype=bool)
    keep[[blob.label for blob in found]] = True
    # every label indexes `keep`: take with clip gives keep[labels], 3x faster
    return keep.take(labels, mode="clip")


def labels_touching(mask: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The labels of `labels` (0: none), sorted, that come within 2 pixels of `mask`."""
    near = cv2.dilate(mask.view(np.uint8), disk(2)).view(bool) & (labels > 0)
    return np.unique(labels[near])


def labels_mostly_inside(mask: np.ndarray, labels: np.ndarray) -> set[int]:
    """The labels of `labels` with more than half of their pixels inside `mask`."""
    area = np.bincount(labels.ravel())
    inside = np.bincount(labels[mask & (labels > 0)], minlength=area.size)
    return set(np.flatnonzero(inside * 2 > area).tolist()) - {0}


def weber_lightness(lightness: np.ndarray, reference: float) -> np.ndarray:
    """L* remapped so that equal ratios of light are equal steps, one L* per step at `reference`:
    reference + (reference + 16) ln((L* + 16) / (reference + 16)). L* + 16 is proportional to
    the cube root of the light, so a crease that takes the same share of the light away reads
    (L* + 16) / 3 x that share deep in L*: half as deep on skin of L* 30 as on skin of L* 76.
    Here it reads the same depth on both."""
    scale = reference + 16.0
    return (reference + scale * np.log((lightness + 16.0) / scale)).astype(np.float32)


def fine_texture(
    image: np.ndarray,
    mask: np.ndarray,
    fine: float,
    sample: int = ROBUST_SAMPLE,
    blurred: np.ndarray | None = None,
    bright_side: bool = False,
) -> float:
    """Robust sigma over `mask` of the image minus its blur at `fine`: the skin's fine texture
    (and noise), from an even sample of at most `sample` values (5 000 leave about 2 %
    sampling error). A median statistic, so lines or spots on part of the mask barely move it.
    `blurred`: `blur(image, fine)`, when the caller has it. `bright_side`: the sigma read from
    the 90th percentile above the median instead (`bright_spread`)."""
    if blurred is not None:
        values = image[mask] - blurred[mask]
    else:
        if fine < LARGE_SIGMA:  # a plain Gaussian: on the mask's box grown by its reach alone
            window = mask_box(mask, blur_reach(fine))
            if window is None:
                return 0.0
            image, mask = np.ascontiguousarray(image[window]), mask[window]
        values = (image - blur(image, fine))[mask]
    if not values.size:
        return 0.0
    values = values[:: -(-values.size // sample)]
    return bright_spread(values) if bright_side else robust_stats(values)[1]


def bright_spread(values: np.ndarray) -> float:
    """A sigma from the values' bright tail: (90th percentile - median) / 1.2816, which is the
    sigma of a normal distribution. Dark lines and spots do not reach that side, and a photo
    saved as a JPEG of low quality, flat inside its 8 x 8 blocks with deep artefacts at their
    edges, does not shrink it as it shrinks the median absolute deviation (docs/benchmarks.md,
    "Lines on compressed photos")."""
    return tail_spread(values, 90.0, bright_side=True) / NORMAL_90


def tail_spread(values: np.ndarray, percentile: float, bright_side: bool = False) -> float:
    """How far the values reach from their median at `percentile`: of their absolute
    deviations, or of the values above the median only (`bright_side`), from an even sample of
    at most ROBUST_SAMPLE values. Unlike the median absolute deviation it keeps the tail of a
    spread that is mostly flat (a low-quality JPEG's skin: flat blocks, deep artefacts)."""
    sample = np.array(values.ravel()[:: -(-values.size // ROBUST_SAMPLE)], dtype=np.float32)
    median = median_in_place(sample)
    if bright_side:
        return float(np.percentile(sample, percentile)) - median
    deviation = np.abs(np.subtract(sample, median, out=sample), out=sample)
    return float(np.percentile(deviation, percentile))


def blur_reach(sigma: float) -> int:
    """How far `blur` at sigma (below LARGE_SIGMA) reads: OpenCV's kernel for float images
    spans 4 sigma each side, plus a pixel. A blur of a box grown by this around a mask equals
    the whole image's blur on the mask (the same bits: the same kernel over the same pixels)."""
    return int(np.ceil(4 * sigma)) + 1


def dark_ridges(
    lightness: np.ndarray,
    sigmas: tuple[float, ...],
    blurred: dict[float, np.ndarray] | None = None,
) -> np.ndarray:
    """Sato-like multiscale dark-line response (in L* units) from Hessian eigenvalues.

    A dark line has one large positive curvature across it and little along it. `blurred`:
    `blur(lightness, sigma)` of some of the sigmas, when the caller has them.
    """
    response = np.zeros(lightness.shape, dtype=np.float32)
    for sigma in sigmas:
        found = None if blurred is None else blurred.get(sigma)
        smooth = blur(lightness, sigma) if found is None else found
        dxx = cv2.Sobel(smooth, cv2.CV_32F, 2, 0, ksize=3)
        dyy = cv2.Sobel(smooth, cv2.CV_32F, 0, 2, ksize=3)
        dxy = cv2.Sobel(smooth, cv2.CV_32F, 1, 1, ksize=3)
        # eigenvalues (trace +- root) / 2; "across - |along|" where across > 0, clipped at 0,
        # is min(root, max(trace, 0)) (root when along >= 0, else the trace)
        root = cv2.magnitude(dxx - dyy, 2 * dxy)
        line = np.minimum(root, np.maximum(dxx + dyy, 0.0))
        np.maximum(response, np.float32(sigma**2) * line, out=response)
    return response


def ridge_window(mask: np.ndarray, sigmas: tuple[float, ...]) -> tuple[slice, slice] | None:
    """The bounding box of `mask` grown by the reach of `dark_ridges` at `sigmas` (4 sigma for
    the blur, 1 pixel for the derivatives), or None for an empty mask: the ridges computed on
    that box equal those of the whole image everywhere in `mask` (up to float rounding)."""
    return mask_box(mask, int(np.ceil(4 * max(sigmas))) + 3)


def mask_box(mask: np.ndarray, reach: int = 0, *, even: bool = False) -> tuple[slice, slice] | None:
    """The bounding box of `mask` grown by `reach` pixels (within the image), or None for an
    empty mask. `even`: the box starts on even coordinates (where `blobs` labels a box with
    the whole image's numbering)."""
    rows, cols = np.nonzero(mask.any(axis=1))[0], np.nonzero(mask.any(axis=0))[0]
    if rows.size == 0:
        return None
    y0, y1 = max(0, rows[0] - reach), min(mask.shape[0], rows[-1] + reach + 1)
    x0, x1 = max(0, cols[0] - reach), min(mask.shape[1], cols[-1] + reach + 1)
    if even:
        y0, x0 = y0 & ~1, x0 & ~1
    return slice(y0, y1), slice(x0, x1)


def dark_ridges_within(
    lightness: np.ndarray, sigmas: tuple[float, ...], mask: np.ndarray
) -> np.ndarray:
    """`dark_ridges`, computed only on `ridge_window(mask, sigmas)`; 0 outside that box."""
    response = np.zeros(lightness.shape, dtype=np.float32)
    window = ridge_window(mask, sigmas)
    if window is not None:
        response[window] = dark_ridges(np.ascontiguousarray(lightness[window]), sigmas)
    return response
