"""A patient on a poor phone connection, in headless Chromium with DevTools' network emulation
(`Network.emulateNetworkConditions`): a slow upload they cancel or walk away from, a start of
the analysis lost after the upload went through, and the phone going offline while the
analysis runs."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, col, create_engine, func, select

from metskin.adapters.db.analysis import AnalysisRow, MediaRow
from metskin.domain.analysis.records import AnalysisStatus, Stage
from tests.cluster import graphql
from tests.e2e.conftest import PASSWORD, GraphQLClient
from tests.e2e.test_web_app import register
from tests.e2e.test_web_uploads import new_analysis
from tests.e2e.web_browser import Browser, api_login, browser_fixture, server_fixture
from tests.media_samples import encode, face_jpeg, noise_image

pytestmark = pytest.mark.slow

# A stream re-reads the stored state only every 10 minutes here: what a socket that died with
# the phone's connection gives (nothing), where Chromium's emulation keeps the socket and
# hands it what came meanwhile once back online.
server = server_fixture("network", METSKIN_SUBSCRIPTION_RECHECK_SECONDS="600")
browser = browser_fixture()

SLOW_UPLOAD = 20_000  # bytes a second: a weak 3G signal's upload
LEFT_ALONE_SECONDS = 5  # how long a page left is watched for a move it should not make


def conditions(browser: Browser, *, offline: bool = False, upload: int = -1) -> None:
    """The phone's connection: offline, or online with `upload` bytes a second (-1: as fast
    as the machine); DevTools' emulation, which also fires the page's offline/online events."""
    browser.driver.execute_cdp_cmd("Network.enable", {})
    browser.driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {
            "offline": offline,
            "latency": 0 if upload < 0 else 100,
            "downloadThroughput": -1,
            "uploadThroughput": upload,
        },
    )


def database(tmp_path_factory: pytest.TempPathFactory) -> Session:
    var = next(Path(tmp_path_factory.getbasetemp()).glob("network*/var"))
    return Session(create_engine(f"sqlite:///{(var / 'metskin.db').as_posix()}"))


def uploads_of(tmp_path_factory: pytest.TempPathFactory, email: str, server: str) -> int:
    owner = graphql(server, "{ me { id } }", api_login(server, email, PASSWORD))["me"]["id"]
    with database(tmp_path_factory) as session:
        query = select(func.count()).select_from(MediaRow).where(col(MediaRow.owner_id) == owner)
        return int(session.exec(query).one())


def queued_analysis(server: str, tmp_path_factory: pytest.TempPathFactory, email: str) -> str:
    """An analysis of a new upload of `email`'s, queued as a busy worker leaves it; no job:
    the test moves it on."""
    row = new_analysis(server, email, status=AnalysisStatus.QUEUED.value, stage=Stage.QUEUED.value)
    analysis_id = str(row.id)
    with database(tmp_path_factory) as session:
        session.add(row)
        session.commit()
    return analysis_id


def timed_out(tmp_path_factory: pytest.TempPathFactory, analysis_id: str) -> None:
    """The analysis ended (stopped at its time limit), its event published to nobody."""
    with database(tmp_path_factory) as session:
        stored = session.get(AnalysisRow, analysis_id)
        assert stored is not None
        stored.status = AnalysisStatus.FAILED.value
        stored.stage = Stage.FAILED.value
        stored.finished_at = datetime.now(UTC)
        stored.failure_code = "ANALYSIS_TIMED_OUT"
        stored.failure_reason = "The analysis of this file took far too long and was stopped."
        stored.event_seq = 2
        session.add(stored)
        session.commit()


def start_slow_upload(browser: Browser, photo: Path) -> None:
    browser.find("#upload-form input[name=file]").send_keys(str(photo))
    conditions(browser, upload=SLOW_UPLOAD)
    browser.submit("#upload-form")
    browser.until(
        lambda: float(browser.attribute("#upload-progress", "value") or 0) > 0,
        "the upload under way",
    )


def phone_photo(tmp_path: Path) -> Path:
    photo = tmp_path / "phone.png"
    photo.write_bytes(encode(noise_image(720, 720, seed=11), "PNG"))  # 1.5 MB: over a minute
    return photo


def test_a_slow_upload_can_be_cancelled(
    browser: Browser, server: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A 1.5 MB photo over a weak signal takes over a minute, and there was no way to stop it
    but to close the page."""
    email = "cancel@example.com"
    register(browser, email)
    photo = phone_photo(tmp_path)
    start_slow_upload(browser, photo)
    browser.click("#upload-cancel")
    assert "Upload cancelled" in browser.text("#upload-status", "cancelled")
    assert browser.visible("#upload-cancel") == [] and browser.visible("#upload-progress") == []
    assert browser.find("#upload-form button[type=submit]").is_enabled()
    conditions(browser)
    browser.submit("#upload-form")  # changed their mind: the same file goes
    browser.until(lambda: browser.hash().startswith("#/analysis/"), "the analysis page")
    assert uploads_of(tmp_path_factory, email, server) == 1


def test_an_upload_cut_by_a_lost_signal_is_sent_again_once_it_is_back(
    browser: Browser, server: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The signal went mid-way: "Cannot reach MetSkin", and when it came back the page still
    said so, waiting for the person to notice and press again. It now says the file goes
    again by itself, and sends it when the phone is back online."""
    email = "signal-back@example.com"
    register(browser, email)
    start_slow_upload(browser, phone_photo(tmp_path))
    conditions(browser, offline=True)
    assert "NETWORK_ERROR" in browser.text("#upload-form .form-error", "Cannot reach MetSkin")
    said = browser.text("#upload-status", "by itself")
    assert said == "It is sent again by itself once the connection is back.", said
    conditions(browser)  # the signal is back
    browser.until(lambda: browser.hash().startswith("#/analysis/"), "the analysis page")
    assert uploads_of(tmp_path_factory, email, server) == 1


def test_leaving_the_page_stops_a_slow_upload(
    browser: Browser, server: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A person who gave up on a slow upload and went to their history was brought back to an
    analysis of it when it ended: the upload went on, then started the analysis."""
    email = "slow@example.com"
    register(browser, email)
    start_slow_upload(browser, phone_photo(tmp_path))
    browser.go("#/history")
    browser.text("h1", "Your analyses")
    conditions(browser)  # the signal comes back
    deadline = time.monotonic() + LEFT_ALONE_SECONDS
    while time.monotonic() < deadline:
        assert browser.hash() == "#/history", "the finished upload took the page over"
        time.sleep(0.2)
    assert uploads_of(tmp_path_factory, email, server) == 0


def test_a_start_lost_after_the_upload_is_retried_without_sending_the_file_again(
    browser: Browser, server: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The connection dropped just after the upload, so the start of its analysis failed
    ("Cannot reach MetSkin"). Pressing the button again sent the whole file again (minutes on
    a weak signal, a second upload stored), where the first upload only needed starting."""
    email = "retry@example.com"
    register(browser, email)
    photo = tmp_path / "face.jpg"
    photo.write_bytes(face_jpeg(320))
    # The start's request fails as a dropped connection fails it (fetch rejects), once.
    browser.driver.execute_script(
        """const real = window.fetch.bind(window);
        let dropped = false;
        window.fetch = (url, init) => {
          if (!dropped && init && String(init.body).includes("startAnalysis")) {
            dropped = true;
            return Promise.reject(new TypeError("Failed to fetch"));
          }
          return real(url, init);
        };"""
    )
    browser.find("#upload-form input[name=file]").send_keys(str(photo))
    browser.submit("#upload-form")
    assert "NETWORK_ERROR" in browser.text("#upload-form .form-error", "Cannot reach MetSkin")
    browser.submit("#upload-form")
    browser.until(lambda: browser.hash().startswith("#/analysis/"), "the analysis page")
    assert uploads_of(tmp_path_factory, email, server) == 1


# The files the page sends (multipart bodies), counted in `window.sent`.
COUNT_SENDS = """window.sent = 0;
const realSend = XMLHttpRequest.prototype.send;
XMLHttpRequest.prototype.send = function (body) {
  if (body instanceof FormData) window.sent += 1;
  return realSend.call(this, body);
};
"""


def test_an_upload_whose_answer_was_lost_is_sent_again_as_the_same_upload(
    browser: Browser, server: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The bytes arrived and the server stored them, but the answer was lost on the way back
    ("Cannot reach MetSkin"). Pressing again sent the file again: a second upload stored, and
    a second analysis once started. The page sends the file's key with each try, and asks by
    the key alone before sending the file again: the copy that arrived is the upload, and the
    file is not sent twice."""
    email = "lost-answer@example.com"
    register(browser, email)
    photo = tmp_path / "face.jpg"
    photo.write_bytes(face_jpeg(320))
    # The first upload's answer fails as a dropped connection fails it (the request was sent
    # whole, its response never arrives): its `load` is turned into `error`, once.
    browser.driver.execute_script(
        COUNT_SENDS
        + """const add = XMLHttpRequest.prototype.addEventListener;
        let dropped = false;
        XMLHttpRequest.prototype.addEventListener = function (type, listener, options) {
          if (type === "load" && !dropped) {
            dropped = true;
            return add.call(this, type, () => this.dispatchEvent(new Event("error")), options);
          }
          return add.call(this, type, listener, options);
        };"""
    )
    browser.find("#upload-form input[name=file]").send_keys(str(photo))
    browser.submit("#upload-form")
    assert "NETWORK_ERROR" in browser.text("#upload-form .form-error", "Cannot reach MetSkin")
    assert uploads_of(tmp_path_factory, email, server) == 1  # the first one did get there
    browser.submit("#upload-form")
    browser.until(lambda: browser.hash().startswith("#/analysis/"), "the analysis page")
    assert uploads_of(tmp_path_factory, email, server) == 1
    assert browser.driver.execute_script("return window.sent") == 1  # asked, not sent again


def test_the_analysis_page_says_it_is_offline_and_catches_up_when_back(
    browser: Browser, server: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Offline while the analysis ran, the page showed its last stage, unmoving, and nothing
    said why. Its socket, dead with the connection, said nothing more once back: the page
    stayed on that stage until reloaded."""
    email = "offline@example.com"
    register(browser, email)
    analysis_id = queued_analysis(server, tmp_path_factory, email)
    browser.go(f"#/analysis/{analysis_id}")
    browser.find("#progress-stage[data-stage=QUEUED]")
    conditions(browser, offline=True)
    assert "You are offline" in browser.text("#progress-note", "offline")
    timed_out(tmp_path_factory, analysis_id)  # ended meanwhile, its event sent to nobody
    conditions(browser)
    assert "took far too long" in browser.text("#failed", "took far too long")
    assert "offline" not in (browser.attribute("#progress-note", "textContent") or "")


def test_a_page_opened_offline_is_drawn_once_the_connection_is_back(browser: Browser) -> None:
    """A page opened in a tunnel said "Cannot reach MetSkin" and stayed so once the signal
    came back, until the person thought of reloading it."""
    register(browser, "tunnel@example.com")
    conditions(browser, offline=True)
    browser.go("#/history")
    assert "NETWORK_ERROR" in browser.text(".view .form-error", "Cannot reach MetSkin")
    conditions(browser)
    browser.text(".view", "No analyses yet")
    assert browser.visible(".view .form-error") == []


async def test_a_revisit_revalidates_the_app_instead_of_fetching_it_again(
    client: GraphQLClient,
) -> None:
    """`no-cache` with no validator: every visit downloaded the whole app again (about 300 KB
    in 39 files, some 25 s on a slow 3G phone). Each file now has an ETag, and a browser that
    holds its bytes gets 304 with no body."""
    for path in ("/", "/static/app.js", "/static/views/analysis.js", "/static/style.css"):
        first = await client.http.get(path)
        tag = first.headers["etag"]
        assert first.headers["cache-control"] == "no-cache" and first.content, path
        again = await client.http.get(path, headers={"if-none-match": f'"stale", {tag}'})
        assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", tag), path
        assert again.headers["content-security-policy"] == first.headers["content-security-policy"]
        changed = await client.http.get(path, headers={"if-none-match": '"stale"'})
        assert (changed.status_code, changed.content) == (200, first.content), path


async def test_the_app_s_text_files_travel_gzipped_to_a_browser_that_takes_gzip(
    client: GraphQLClient,
) -> None:
    """The app's ~40 modules travelled as they are (about 300 KB, six seconds of a slow 3G
    phone's bandwidth). Text now travels gzipped to a browser that says it takes gzip, with
    its own validator; one that does not gets the plain bytes."""
    for path in ("/", "/static/app.js", "/static/style.css"):
        plain = await client.http.get(path, headers={"accept-encoding": "identity"})
        assert "content-encoding" not in plain.headers and plain.content, path
        raw: list[bytes] = []
        async with client.http.stream(
            "GET", path, headers={"accept-encoding": "gzip, deflate"}
        ) as zipped:
            raw.extend([chunk async for chunk in zipped.aiter_raw()])
        assert zipped.headers["content-encoding"] == "gzip", path
        assert zipped.headers["vary"] == "accept-encoding", path
        assert gzip.decompress(b"".join(raw)) == plain.content, path
        assert len(b"".join(raw)) < len(plain.content) / 2, path
        tag = zipped.headers["etag"]
        assert tag != plain.headers["etag"], path  # two representations, two validators
        again = await client.http.get(
            path, headers={"accept-encoding": "gzip", "if-none-match": tag}
        )
        assert (again.status_code, again.content) == (304, b""), path
        refused = await client.http.get(path, headers={"accept-encoding": "gzip;q=0"})
        assert "content-encoding" not in refused.headers, path


def test_the_index_page_preloads_every_module_the_app_imports(browser: Browser) -> None:
    """The browser found the app's modules one import level at a time (five levels, each a
    round trip: some 25 s to a first page on slow 3G). The page now names every one up front
    (made from the files served), and the preload is each module's only fetch. The timing:
    bench/first_load.py."""
    browser.reload("#/login")
    browser.find("#login-form")
    fetched, preloaded = browser.driver.execute_script(
        """const path = (url) => new URL(url, location.href).pathname;
        const scripts = ["/static/app.js", "/static/boot.js"];
        return [
          performance.getEntriesByType("resource").map((entry) => path(entry.name))
            .filter((name) => name.endsWith(".js") && !scripts.includes(name)),
          [...document.querySelectorAll('link[rel="modulepreload"]')].map((l) => path(l.href)),
        ];"""
    )
    assert len(fetched) > 30, fetched
    assert sorted(fetched) == sorted(preloaded)  # each module preloaded, and fetched once


def test_a_first_load_cut_on_the_way_says_so_and_loads_when_the_connection_is_back(
    browser: Browser,
) -> None:
    """A module of the app that did not arrive (the connection dropped while the 39 files
    came) left "Loading…" on the page for ever, with nothing to press."""
    driver = browser.driver
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/static/views/routine.js"]})
    browser.reload("#/login")
    said = browser.text("#load-failed", "did not load")
    assert "tries again when you are back online" in said and browser.visible(".loading") == []
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
    conditions(browser, offline=True)
    conditions(browser)  # back online: loaded again, by itself
    browser.find("#login-form")
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/static/views/routine.js"]})
    browser.reload("#/login")
    browser.text("#load-failed", "did not load")
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
    browser.click("#load-again")
    browser.find("#login-form")


def test_a_first_load_cut_on_the_way_says_so_in_the_page_s_language(browser: Browser) -> None:
    """The message of a first load that did not arrive, and the "Loading…" before it, were in
    English for everyone: the app's catalog comes with the modules that did not arrive. They
    now follow the page's language without the app: the browser's (a French phone), else the
    signed-in profile's (a German profile on that phone)."""
    driver = browser.driver
    agent = driver.execute_script("return navigator.userAgent")
    driver.execute_cdp_cmd(
        "Network.setUserAgentOverride", {"userAgent": agent, "acceptLanguage": "fr-FR,fr"}
    )
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/static/views/routine.js"]})
    browser.reload("#/login")
    said = browser.text("#load-failed", "ne s'est pas chargé")
    assert "de nouveau en ligne" in said and "Réessayer" in said, said
    assert "connection" not in said
    assert driver.execute_script("return document.documentElement.lang") == "fr-FR"
    assert browser.text("#footer-note") == (
        "MetSkin donne des conseils de soin de la peau, pas un diagnostic médical."
    )
    driver.execute_script(
        "localStorage.setItem('metskin.session', JSON.stringify({refreshToken: 'r', "
        "user: {profile: {locale: 'de-DE'}}}))"
    )
    browser.reload("#/login")
    said = browser.text("#load-failed", "wurde nicht geladen")
    assert "Erneut versuchen" in said, said
    assert driver.execute_script("return document.documentElement.lang") == "de-DE"
    driver.execute_script("localStorage.clear()")
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})


def test_a_phone_video_s_preview_plays_past_its_first_seconds(
    browser: Browser, tmp_path: Path
) -> None:
    """A 20 s clip chosen for upload could not be watched through before sending: the preview's
    link to the file was revoked at its first frame, so a seek past what was buffered then
    stopped (net::ERR_FILE_NOT_FOUND in the console)."""
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg not installed")
    clip = tmp_path / "clip.mp4"
    make = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x480:rate=30"]
    make += ["-t", "20", "-vf", "noise=alls=20:allf=t,format=yuv420p", "-c:v", "libx264"]
    make += ["-preset", "ultrafast", "-b:v", "4M", str(clip)]  # about 10 MB, as a phone's
    subprocess.run(make, check=True, timeout=120)
    register(browser, "video@example.com")
    browser.find("#upload-form input[name=file]").send_keys(str(clip))
    video = browser.find("#upload-form video.preview")
    browser.until(
        lambda: browser.driver.execute_script("return arguments[0].readyState >= 2", video),
        "the preview's first frame",
    )
    seeked = browser.driver.execute_async_script(
        """const [video, done] = arguments;
        video.addEventListener("seeked", () => setTimeout(() => done(video.readyState), 500),
          { once: true });
        setTimeout(() => done(video.readyState), 10000); // a seek that never ends
        video.currentTime = 18;""",
        video,
    )
    assert seeked >= 2, "the preview has no picture at 18 s"
    assert not [m for m in browser.severe_console_messages() if "blob:" in m]


# A stall as the page sees it: the upload's progress events stop (a connected phone that
# passes no bytes; DevTools' emulation cannot make one, offline fails the request at once),
# while the request itself goes on slowly. `Date.now` runs `skew` ms ahead, so the test moves
# the page's clock instead of waiting the 20 s out.
CLOCK = """const realNow = Date.now.bind(Date);
window.skew = 0;
Date.now = () => realNow() + window.skew;
"""
STALL = (
    CLOCK
    + """window.stalled = true;
const add = XMLHttpRequestUpload.prototype.addEventListener;
XMLHttpRequestUpload.prototype.addEventListener = function (type, listener, options) {
  if (type !== "progress") return add.call(this, type, listener, options);
  return add.call(this, type, (event) => { if (!window.stalled) listener(event); }, options);
};"""
)


def stall_upload(browser: Browser, photo: Path) -> None:
    browser.driver.execute_script(STALL)
    browser.find("#upload-form input[name=file]").send_keys(str(photo))
    conditions(browser, upload=SLOW_UPLOAD)
    browser.submit("#upload-form")
    browser.find("#upload-cancel")  # under way, not a byte seen moving


def later(browser: Browser, seconds: int) -> None:
    browser.driver.execute_script("window.skew += arguments[0] * 1000", seconds)


def test_a_stalled_upload_says_so_and_is_waited_for_or_sent_again(
    browser: Browser, server: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """On a weak signal the bar stopped and nothing said why: the person could only guess,
    wait, or cancel. Now, after 20 s with no byte sent, the page says the upload stopped and
    offers to keep waiting, to try again (with the file's key: one upload stored) or cancel."""
    email = "stalled@example.com"
    register(browser, email)
    stall_upload(browser, phone_photo(tmp_path))
    later(browser, 10)
    time.sleep(1.5)
    assert browser.visible("#upload-stall") == []  # 10 s still: not yet
    later(browser, 15)
    said = browser.text("#upload-stall", "stopped")
    assert "nothing has been sent for 20 seconds" in said, said
    assert [b.text for b in browser.visible("#upload-stall button")] == [
        "Try again",
        "Keep waiting",
        "Cancel the upload",
    ]
    assert browser.visible("#upload-cancel") == []  # one cancel button, the warning's
    browser.click("#upload-wait")
    assert browser.visible("#upload-stall") == [] and browser.visible("#upload-cancel")
    later(browser, 25)  # still nothing: said again
    browser.text("#upload-stall", "stopped")
    browser.click("#upload-retry")
    browser.driver.execute_script("window.stalled = false")
    conditions(browser)  # the signal is back for the second try
    browser.until(lambda: browser.hash().startswith("#/analysis/"), "the analysis page")
    assert uploads_of(tmp_path_factory, email, server) == 1


def test_a_stalled_upload_is_told_in_the_person_s_language_and_cancelled_from_there(
    browser: Browser, server: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The warning speaks the profile's language, its cancel stops the upload; a file sent
    whole whose answer does not come is told apart from one that stopped on the way."""
    email = "bloque@example.com"
    register(browser, email)
    browser.in_french()
    browser.go("#/analyse")
    stall_upload(browser, phone_photo(tmp_path))
    later(browser, 21)
    said = browser.text("#upload-stall", "20 secondes")
    assert "aucune donnée" in said, said
    browser.click("#upload-stall-cancel")
    assert "Envoi annulé" in browser.text("#upload-status", "annulé")
    assert browser.visible("#upload-stall") == [] and browser.visible("#upload-cancel") == []
    # sent whole, the answer held back (1 byte a second on the way down)
    browser.driver.execute_script("window.stalled = false")
    browser.driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": 1, "uploadThroughput": -1},
    )
    photo = tmp_path / "face.jpg"
    photo.write_bytes(face_jpeg(320))
    browser.find("#upload-form input[name=file]").send_keys(str(photo))
    browser.submit("#upload-form")
    browser.until(lambda: browser.attribute("#upload-progress", "value") == "1", "all sent")
    later(browser, 30)
    time.sleep(1.5)
    assert browser.visible("#upload-stall") == []  # checks of a large video take a while
    later(browser, 31)
    said = browser.text("#upload-stall", "60 secondes")
    assert "MetSkin n'a pas répondu" in said, said
    browser.click("#upload-stall-cancel")
    said = browser.text("#upload-status", "annulé")
    assert "ne sera pas analysé" in said, said  # not "nothing was sent": it was


# A socket that died without closing (a phone moved from Wi-Fi to mobile data, a carrier's NAT
# that forgot a quiet connection): open on this side, nothing in or out any more.
SILENT = (
    CLOCK
    + """window.silent = false;
window.received = 0;
const Real = window.WebSocket;
window.WebSocket = class extends Real {
  send(data) { if (!window.silent) super.send(data); }
  addEventListener(type, listener, options) {
    if (type !== "message") return super.addEventListener(type, listener, options);
    return super.addEventListener(type, (e) => {
      if (!window.silent) { window.received += 1; listener(e); }
    }, options);
  }
};"""
)


def test_a_socket_that_died_silently_is_given_up_and_the_result_shown(
    browser: Browser, server: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A live connection that died without closing said nothing more and never closed: the
    page showed "Queued" for an analysis that had ended, for as long as it was left open.
    Quiet for 30 s, the page pings; unanswered, it reads the result by polling."""
    email = "silent@example.com"
    register(browser, email)
    analysis_id = queued_analysis(server, tmp_path_factory, email)
    browser.driver.execute_script(SILENT)
    browser.go(f"#/analysis/{analysis_id}")
    browser.find("#progress-stage[data-stage=QUEUED]")
    browser.until(  # connection_ack, then the stream's first state
        lambda: browser.driver.execute_script("return window.received >= 2"), "a live stream"
    )
    later(browser, 31)  # a quiet stream: the ping is answered, the stream kept
    browser.until(lambda: browser.driver.execute_script("return window.received >= 3"), "the pong")
    later(browser, 11)
    time.sleep(2)
    assert "checking" not in (browser.attribute("#progress-note", "textContent") or "")
    browser.driver.execute_script("window.silent = true")
    timed_out(tmp_path_factory, analysis_id)  # its event never reaches the page
    later(browser, 31)
    time.sleep(2)  # a ping sent, into the void
    assert browser.visible("#failed") == []
    later(browser, 11)
    assert "took far too long" in browser.text("#failed", "took far too long")
    assert "checking every few seconds" in browser.text("#progress-note", "checking")


def test_a_retry_while_the_first_copy_is_checked_waits_for_it(
    browser: Browser, server: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Sent again while MetSkin still checked the copy that had arrived (the answer was slow,
    the person pressed "Try again"), the upload was refused UPLOAD_IN_PROGRESS, shown as an
    error to press again. The page then waited for that copy, but sent the whole file again
    every 3 s to ask: on a weak signal the worst thing to send. It now asks by the file's key
    alone (`uploadByKey`, no bytes) until that copy is stored, and the file goes once."""
    email = "checking@example.com"
    register(browser, email)
    # Files sent and asks by key counted; the first ask is told the copy is still checked.
    browser.driver.execute_script(
        COUNT_SENDS
        + """window.asked = 0;
        const realFetch = window.fetch;
        window.fetch = (url, init) => {
          if (init && typeof init.body === "string" && init.body.includes("uploadByKey")) {
            window.asked += 1;
            if (window.asked === 1) {
              const body = { data: { uploadByKey: { state: "RECEIVING", media: null } } };
              return Promise.resolve(new Response(JSON.stringify(body),
                { status: 200, headers: { "content-type": "application/json" } }));
            }
          }
          return realFetch(url, init);
        };"""
    )
    # The first answer is the one a retry gets while the first copy is checked (that copy is
    # stored meanwhile, as the server does once its checks end).
    browser.driver.execute_script(
        """const real = Object.getOwnPropertyDescriptor(XMLHttpRequest.prototype, "responseText");
        let told = false;
        Object.defineProperty(XMLHttpRequest.prototype, "responseText", { get() {
          const text = real.get.call(this);
          if (told || !text.includes("uploadMedia")) return text;
          told = true;
          return JSON.stringify({ data: null, errors: [{
            message: "This file is still being received. Try again in a moment.",
            extensions: { code: "UPLOAD_IN_PROGRESS", field: "idempotency_key" } }] });
        } });"""
    )
    photo = tmp_path / "face.jpg"
    photo.write_bytes(face_jpeg(320))
    browser.find("#upload-form input[name=file]").send_keys(str(photo))
    browser.submit("#upload-form")
    browser.text("#upload-status", "still checking the copy that arrived")
    browser.until(lambda: browser.hash().startswith("#/analysis/"), "the analysis page")
    assert uploads_of(tmp_path_factory, email, server) == 1
    counted = browser.driver.execute_script("return [window.sent, window.asked]")
    assert counted == [1, 2], counted  # the file once; asked twice (checking, then stored)
