"""Fingerprints of the routines recommended for London analyses, to diff two trees.

    PYTHONPATH=<tree>/src:. .venv/bin/python bench/recommend_same_results.py \
        --results /tmp/london-results.json [--photos 24] > <tree>.txt
    diff before.txt after.txt   # no output: the same routines, texts and keys
    ... --parts   # one fingerprint per top-level payload key: which parts differ

The engine's results of the first `--photos` London faces are computed once and kept in
`--results` (so both trees recommend for the same results, whatever their engines). Each
result then goes through `RecommendationService.for_analysis` for people with different
profiles (skin, pregnancy, allergies, age, budgets, currency, language) on a fresh SQLite
database seeded with the shipped catalog; the payload and the profile hash that the service
would save are fingerprinted (the payload's JSON with its keys sorted: the order of some keys
follows set iteration, which changes with each process's string hashing), and at the end the
whole payload of the first result is printed for reading.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.pipeline_steps import fresh_database

LONDON = Path(__file__).resolve().parents[1].parent / "shared/data/london-faces"
PROFILES: list[dict[str, Any]] = [
    {},
    {
        "skin_type": "oily",
        "concerns": ["sensitivity", "acne"],
        "budget_per_product": 25,
        "budget_total": 80,
        "currency": "GBP",
    },
    {"pregnant": True, "allergies": ["fragrance", "niacinamide"], "currency": "USD"},
    {"birth_year": 2011, "skin_type": "dry", "concerns": ["dark_circles"]},
    {"budget_total": 40, "locale": "fr-FR", "breastfeeding": True},
    {"birth_year": 1958, "concerns": ["wrinkles", "pigmentation"], "locale": "de-DE"},
]


def engine_results(path: Path, photos: int) -> list[dict[str, Any]]:
    if path.exists():
        return list(json.loads(path.read_text()))[:photos]
    from bench.pipeline_same_results import media_of

    from metskin.adapters.vision.engine import VisionEngine
    from metskin.adapters.vision.ingest import prepare_photo
    from metskin.domain.analysis.media import JPEG, MediaLimits

    engine, results = VisionEngine(), []
    for photo in sorted(LONDON.glob("*.jpg"))[:photos]:
        stored = prepare_photo(photo.read_bytes(), JPEG, MediaLimits()).data
        output = engine.run(media_of(stored), stored, lambda _stage, _fraction: None, None)
        results.append(output.result)
    path.write_text(json.dumps(results))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", type=Path, default=Path("/tmp/london-results.json"))
    parser.add_argument("--photos", type=int, default=24)
    parser.add_argument("--parts", action="store_true")
    args = parser.parse_args()
    results = engine_results(args.results, args.photos)
    fresh_database("metskin-recsame-")
    from metskin.bootstrap import bootstrap
    from metskin.cli.seed import seed_catalog
    from metskin.domain.analysis.records import Analysis, AnalysisStatus, Stage

    container = bootstrap()
    list(seed_catalog(container))
    service = container.recommendations
    saved: list[tuple[str, dict[str, Any]]] = []
    service._save = lambda _a, key, _version, payload, **_: saved.append((key, payload))  # type: ignore[assignment,method-assign,misc,return-value]
    people = []
    for index, changes in enumerate(PROFILES):
        person = container.accounts.register(f"same-{index}@example.org", "tea-and-toast-77")
        container.accounts.update_profile(person.id, changes)
        people.append(person.id)
    for number, result in enumerate(results):
        for which, person in enumerate(people):
            analysis = Analysis(
                f"a{number}", person, "m", AnalysisStatus.DONE, Stage.DONE, 1.0, datetime.now(UTC)
            )
            try:
                service.for_analysis(analysis, result)
            except Exception as error:  # a result that cannot be measured: say so
                print(number, which, type(error).__name__)
                continue
            key, payload = saved.pop()
            text = json.dumps(payload, default=str, sort_keys=True)
            print(number, which, key[:16], hashlib.sha256(text.encode()).hexdigest()[:16])
            for part in sorted(payload) if args.parts else ():
                text = json.dumps(payload[part], default=str, sort_keys=True)
                print(number, which, part, hashlib.sha256(text.encode()).hexdigest()[:16])
    if results:
        service.for_analysis(
            Analysis("a0", people[0], "m", AnalysisStatus.DONE, Stage.DONE, 1.0, datetime.now(UTC)),
            results[0],
        )
        print(json.dumps(saved.pop()[1], indent=1, default=str, sort_keys=True))
    container.close()


if __name__ == "__main__":
    main()
