"""Screenshot of the web app's result page at a phone width, from a real engine result.

    PYTHONPATH=src .venv/bin/python bench/result_page_shot.py [FACE_ID] [--planted] \
        [--width 375] [--out result-375.png]

Renders `resultView` (src/metskin/web/views/analysis.js) with the result of London face
FACE_ID (default 025; with --planted, 4 papules and a red patch are planted first) in headless
chromium (`apt-get install chromium chromium-driver`), and prints the page's scroll width: it
must equal the window width (no sideways scrolling).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.analysis.planting import plant_papules, plant_redness  # noqa: E402
from tests.fakes.infra import FakeLandmarker  # noqa: E402

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker  # noqa: E402
from metskin.adapters.vision.images import encode_png, load_image  # noqa: E402
from metskin.domain.analysis.engine import analyse_image  # noqa: E402
from metskin.domain.analysis.overlay import render_overlay  # noqa: E402
from metskin.graphql.analysis.types import result_from_dict  # noqa: E402

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/style.css"></head><body><main id="view">
<h1>Your analysis</h1><div id="analysis"></div></main>
<script type="module">
import { resultView } from "/static/views/analysis.js";
const data = await (await fetch("/data.json")).json();
document.getElementById("analysis").append(...resultView(data, { forPatient: false })
  .filter(Boolean));
document.body.dataset.ready = "1";
</script></body></html>"""


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def as_json(value: Any) -> Any:
    """The GraphQL result object as the client sees it (camelCase, no raw)."""
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if hasattr(value, "__dict__"):
        return {camel(k): as_json(v) for k, v in vars(value).items() if k != "raw"}
    return value


def build_site(site: Path, face_id: str, planted: bool) -> None:
    shutil.copytree(ROOT / "src/metskin/web", site / "static")
    rgb = load_image(ROOT.parent / f"shared/data/london-faces/{face_id}_03.jpg")
    model = MediaPipeLandmarker()
    points = model.detect(rgb)[0]
    model.close()
    if planted:
        rng = np.random.default_rng(1)
        rgb = plant_redness(
            plant_papules(rgb, points, "cheek_right", rng), points, "cheek_left", rng
        )
    result = analyse_image(rgb, FakeLandmarker([points]))
    (site / "overlay.png").write_bytes(encode_png(render_overlay(rgb, result)))
    analysis = {
        "id": "demo",
        "status": "DONE",
        "stage": "DONE",
        "createdAt": "2026-12-02T19:00:00Z",
        "overlayUrl": "/overlay.png",
        "media": {"kind": "PHOTO", "width": rgb.shape[1], "height": rgb.shape[0]},
        "result": as_json(result_from_dict(result.to_dict())),
    }
    (site / "data.json").write_text(json.dumps(analysis, default=str))
    (site / "index.html").write_text(PAGE)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("face", nargs="?", default="025")
    parser.add_argument("--planted", action="store_true")
    parser.add_argument("--width", type=int, default=375)
    parser.add_argument("--out", default="result-375.png")
    args = parser.parse_args()
    from selenium import webdriver

    with tempfile.TemporaryDirectory() as folder:
        build_site(Path(folder), args.face, args.planted)
        handler = functools.partial(Quiet, directory=folder)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        options = webdriver.ChromeOptions()
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"):
            options.add_argument(flag)
        driver = webdriver.Chrome(options=options)
        try:
            driver.set_window_size(args.width, 900)
            driver.get(f"http://127.0.0.1:{server.server_port}/index.html")
            for _ in range(50):
                if driver.execute_script("return document.body.dataset.ready"):
                    break
                time.sleep(0.2)
            width = driver.execute_script("return document.documentElement.scrollWidth")
            height = driver.execute_script("return document.documentElement.scrollHeight")
            tables = len(driver.find_elements("css selector", "#analysis table"))
            driver.set_window_size(args.width, height + 100)
            driver.save_screenshot(args.out)
        finally:
            driver.quit()
            server.shutdown()
    print(f"window {args.width} px, page scroll width {width} px, {tables} tables -> {args.out}")


if __name__ == "__main__":
    main()
