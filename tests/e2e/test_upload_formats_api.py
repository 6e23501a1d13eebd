"""Files a phone, a browser or a messenger makes, uploaded through GraphQL (named as they come,
whatever their bytes) and analysed by the embedded worker: a messenger's WebP is named
COMPRESSED as its JPEG would be, a 16-bit black-and-white PNG is told it has no colour, a GIF
is refused with the formats that are taken (docs/reliability.md, "Every image file a phone,
browser or messenger makes", 2026-12-06, seventh session)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from metskin.bootstrap import Container
from tests.e2e.conftest import GraphQLClient
from tests.e2e.test_analysis_api import DETAIL, START
from tests.media_samples import (
    LOCATION,
    MKV_TOLD,
    as_a_browser_records,
    encode,
    face_video_bytes,
    ffmpeg_webm,
    portrait_jpeg,
    video_with_location,
)


async def analysed(
    client: GraphQLClient, container: Container, data: bytes, name: str
) -> dict[str, dict]:
    uploaded = await client.upload(data, name)
    assert "errors" not in uploaded, uploaded
    started = await client.data(START, m=uploaded["data"]["uploadMedia"]["id"])
    container.start_embedded_worker()
    container.broker.join("default")
    result = (await client.data(DETAIL, id=started["startAnalysis"]["id"]))["analysis"]["result"]
    return {item["code"]: result for item in result["quality"]} | {"": result}


async def test_a_messenger_s_webp_and_a_16_bit_black_and_white_png(
    client: GraphQLClient, container: Container
) -> None:
    await client.register("webp@example.com")
    face = Image.open(io.BytesIO(portrait_jpeg(512)))
    # Before: nothing named (its quantiser was not read, no JPEG grid in the stored photo)
    told = await analysed(client, container, encode(face, "WEBP", quality=30), "image.jpg")
    assert "COMPRESSED" in told and told[""]["ok"]
    told = await analysed(client, container, encode(face, "WEBP", quality=90), "photo.webp")
    assert "COMPRESSED" not in told and told[""]["ok"]
    # Before: stored white, NO_FACE ("no face was found")
    grey = np.asarray(face.convert("L"), np.uint16) * 257
    told = await analysed(client, container, encode(Image.fromarray(grey), "PNG"), "scan.png")
    assert "NO_COLOUR" in told and told[""]["retakeNeeded"]


async def test_a_gif_is_refused_with_the_formats_taken(client: GraphQLClient) -> None:
    await client.register("gif@example.com")
    face = Image.open(io.BytesIO(portrait_jpeg(128)))
    for data in (encode(face, "GIF"), encode(face, "GIF", save_all=True, append_images=[face])):
        answer = await client.upload(data, "face.gif")
        [error] = answer["errors"]
        assert error["extensions"]["code"] == "UNSUPPORTED_MEDIA"
        assert "JPEG, PNG, WebP, HEIC or AVIF" in error["message"]


async def test_a_cut_out_face_is_served_on_white(client: GraphQLClient) -> None:
    """A background remover's PNG (here coloured noise left under the transparent pixels) was
    stored and served with that noise around the face; now on white, as viewers show it."""
    await client.register("cutout@example.com")
    face = np.asarray(Image.open(io.BytesIO(portrait_jpeg(128))))
    noise = np.random.default_rng(3).integers(0, 255, face.shape, dtype=np.uint8)
    alpha = np.full(face.shape[:2], 255, np.uint8)
    alpha[:, :16] = 0  # the left edge cut away
    rgba = np.dstack([np.where(alpha[..., np.newaxis] == 0, noise, face), alpha])
    uploaded = await client.upload(encode(Image.fromarray(rgba, "RGBA"), "PNG"), "cutout.png")
    served = await client.http.get(uploaded["data"]["uploadMedia"]["url"])
    pixels = np.asarray(Image.open(io.BytesIO(served.content)).convert("RGB"), np.int16)
    assert pixels[:, :12].min() > 235  # before: the noise
    assert np.abs(pixels[:, 20:] - face[:, 20:]).mean() < 4


async def test_a_phone_s_video_is_served_without_where_it_was_filmed(client: GraphQLClient) -> None:
    """An iPhone's clip holds the GPS place it was filmed at (often the person's home), its
    make and model; photos lost their EXIF, a video was stored and served whole, so a
    dermatologist it was shared with read the place (ninth session)."""
    await client.register("clip@example.com")
    answer = await client.upload(video_with_location(face_video_bytes()), "IMG_0001.MOV")
    assert "errors" not in answer, answer
    served = await client.http.get(answer["data"]["uploadMedia"]["url"])
    assert served.status_code == 200 and served.headers["content-type"] == "video/mp4"
    for told in (LOCATION, b"Apple", b"iPhone", b"GPSLatitude"):
        assert told not in served.content


async def test_a_webm_is_served_without_its_title_place_or_cover(client: GraphQLClient) -> None:
    """A WebM or MKV was stored and served as it came (twelfth session): its title, recording
    time, a LOCATION tag, chapter titles, a cover picture, the software that wrote it."""
    await client.register("webm@example.com")
    for data, name in (
        (ffmpeg_webm(matroska=True), "clip.mkv"),
        (as_a_browser_records(ffmpeg_webm(live=True)), "recording.webm"),
    ):
        answer = await client.upload(data, name)
        assert "errors" not in answer, answer
        served = await client.http.get(answer["data"]["uploadMedia"]["url"])
        assert served.status_code == 200 and served.headers["content-type"] == "video/webm"
        assert len(served.content) == len(data)
        assert [told for told in MKV_TOLD if told in served.content] == [], name
