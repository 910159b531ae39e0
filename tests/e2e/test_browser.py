"""A real browser (Debian Chromium driven by Playwright) against the real API and Streamlit UI."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, SEED_NOTE, free_port

pytestmark = pytest.mark.e2e
CHROMIUM = "/usr/bin/chromium"
OUTPUT = ROOT / "test-output"
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer in {seconds} s")


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    (tmp / "corpus").mkdir()
    shutil.copy(SEED_NOTE, tmp / "corpus" / SEED_NOTE.name)
    api_port, ui_port = free_port(), free_port()
    env = {
        **os.environ,
        "NOTES_CORPUS_DIR": str(tmp / "corpus"),
        "NOTES_INDEX_DIR": str(tmp / "index"),
        "NOTES_MODELS_DIR": str(ROOT / "data" / "models"),
        "NOTES_API_URL": f"http://127.0.0.1:{api_port}",
        "NOTES_UI_DATA_DIR": str(tmp / "ui"),
    }
    logs = OUTPUT / "e2e-logs"
    logs.mkdir(parents=True, exist_ok=True)
    api = subprocess.Popen(
        [sys.executable, "-m", "backend", "serve", "--host", "127.0.0.1", "--port", str(api_port)],
        cwd=ROOT,
        env=env,
        stdout=open(logs / "api.log", "w"),
        stderr=subprocess.STDOUT,
    )
    ui = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "ui/app.py",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(ui_port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=open(logs / "ui.log", "w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(f"http://127.0.0.1:{api_port}/api/health", api)
        wait_for(f"http://127.0.0.1:{ui_port}/_stcore/health", ui)
        yield f"http://127.0.0.1:{ui_port}"
    finally:
        for process in (ui, api):
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


# WCAG contrast of an element's text against what is really behind it (translucent layers blended)
CONTRAST = """(el) => {
  const parse = (c) => {
    const v = c.match(/[\\d.]+/g).map(Number);
    return {r: v[0], g: v[1], b: v[2], a: v.length > 3 ? v[3] : 1};
  };
  const layers = [];
  for (let n = el; n; n = n.parentElement) {
    const c = parse(getComputedStyle(n).backgroundColor);
    if (c.a > 0) layers.push(c);
    if (c.a >= 1) break;
  }
  let bg = {r: 255, g: 255, b: 255};
  const mix = (x, y, a) => x * a + y * (1 - a);
  for (const c of layers.reverse()) bg = {r: mix(c.r, bg.r, c.a), g: mix(c.g, bg.g, c.a), b: mix(c.b, bg.b, c.a)};
  const f = (x) => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); };
  const lum = (c) => 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  const fg = parse(getComputedStyle(el).color), a = lum(fg), b = lum(bg);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def in_view(page, locator, seconds: float = 10) -> bool:
    """Whether the element's top is on screen, waiting up to `seconds` for the page to scroll it there."""
    height = page.viewport_size["height"]
    deadline = time.monotonic() + seconds
    while True:
        box = locator.bounding_box()
        if box is not None and 0 <= box["y"] < height - 40:
            return True
        if time.monotonic() > deadline:
            return False
        page.wait_for_timeout(100)


def browse(p, tmp_path, name: str, *, width: int, height: int, dark: bool = False):
    return p.chromium.launch_persistent_context(  # a new, empty profile each time
        str(tmp_path / name),
        executable_path=CHROMIUM,
        args=FLAGS,
        viewport={"width": width, "height": height},
        locale="ko-KR",
        color_scheme="dark" if dark else "light",
    )


def ready_page(browser, servers: str):
    """A new page on the UI, once it says the API is connected."""
    from playwright.sync_api import expect

    page = browser.new_page()
    page.goto(servers, wait_until="domcontentloaded")
    expect(page.get_by_text("API 연결됨")).to_be_visible(timeout=60_000)
    return page


def ask(page, question: str, nth: int):
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")
    reply = page.get_by_test_id("stChatMessage").nth(nth)
    reply.locator(".nq-card, [data-testid='stAlert']").first.wait_for(timeout=90_000)  # cards or "not found"
    return reply


def test_answer_in_view_markers_open_cards_note_view_and_reload(servers, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    assert Path(CHROMIUM).exists(), "Debian chromium is not installed (make test-e2e installs it)"
    OUTPUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = browse(p, tmp_path, "desktop", width=1366, height=900)
        page = ready_page(browser, servers)
        expect(page.get_by_test_id("stChatInputTextArea")).to_be_focused(timeout=10_000)  # no Tab needed
        first = ask(page, "도커는 VM보다 항상 좋은가?", 1)
        expect(first).to_contain_text("아니요.")
        assert in_view(page, first.locator(".nq-answer-anchor")), "the answer's first line is not on screen"
        page.screenshot(path=str(OUTPUT / "ui-answer.png"))
        second = ask(page, "컨테이너 하나 띄울 때랑 100개를 자동으로 띄울 때는 각각 뭘 써?", 3)
        assert in_view(page, second.locator(".nq-answer-anchor"))
        marker = second.locator("a[href^='#cite-3-']").last
        target = marker.get_attribute("href")[1:]
        marker.click()
        card = page.locator(f"#{target}[open]")  # opened by the click
        card.wait_for(timeout=10_000)
        assert in_view(page, card), "[n] did not bring its card into view"
        for refused, text in (("   ", "질문이 비어 있습니다"), ("가" * 2500, "질문이 너무 깁니다")):
            box = page.get_by_test_id("stChatInputTextArea")
            box.fill(refused)
            box.press("Enter")
            if refused.strip():
                expect(page.get_by_text(text)).to_be_visible(timeout=20_000)
        # refused questions add no message; the page may still be re-rendering the two turns
        expect(page.get_by_test_id("stChatMessage")).to_have_count(4, timeout=20_000)
        page.reload(wait_until="domcontentloaded")  # the conversation survives a reload
        expect(page.get_by_test_id("stChatMessage").nth(3)).to_be_visible(timeout=60_000)
        link = page.locator("a.nq-open").first
        href = link.get_attribute("href")
        assert "note=docker-vm-kubernetes.md" in href and "lines=" in href
        page.goto(servers + "/" + href, wait_until="domcontentloaded")
        cited = page.locator(".nq-cited").first
        cited.wait_for(timeout=60_000)
        assert in_view(page, cited), "the whole-note view did not open at the cited lines"
        page.screenshot(path=str(OUTPUT / "ui-note-view.png"))
        browser.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_passages_are_readable_in_both_themes(servers, tmp_path, theme):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = browse(p, tmp_path, theme, width=1366, height=900, dark=theme == "dark")
        page = ready_page(browser, servers)
        ask(page, "쿠버네티스와 도커는 어떤 관계야?", 1)
        for selector in (".nq-passage", ".nq-passage mark", ".nq-card > summary"):
            element = page.locator(selector).first
            ratio = element.evaluate(CONTRAST)
            assert ratio >= 4.5, f"{theme}: {selector} contrast {ratio:.2f} < 4.5"
        page.screenshot(path=str(OUTPUT / f"ui-{theme}.png"))
        browser.close()


def test_phone_layout_keeps_the_answer_in_view(servers, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = browse(p, tmp_path, "phone", width=390, height=844)
        page = browser.new_page()
        page.goto(servers, wait_until="domcontentloaded")
        expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=60_000)
        reply = ask(page, "도커는 VM보다 항상 좋은가?", 1)
        assert in_view(page, reply.locator(".nq-answer-anchor")), "phone: the answer's first line is not on screen"
        title = page.get_by_role("heading", name="노트에게 물어보세요")
        assert title.bounding_box()["height"] < 80  # one line of title, no syllable on its own line
        page.screenshot(path=str(OUTPUT / "ui-phone.png"))
        browser.close()


def test_a_refused_question_unfolds_to_the_closest_passage_with_its_closest_lines_marked(servers, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = browse(p, tmp_path, "refused", width=1366, height=900)
        page = ready_page(browser, servers)
        reply = ask(page, "넷플릭스 요금제는 얼마야?", 1)
        expect(reply).to_contain_text("노트에서 확실한 답을 찾지 못했습니다")
        expect(reply).to_contain_text("노트 어디에도 나오지 않는 말: ‘넷플릭스’")  # what to ask differently
        fold = reply.locator("details.nq-more").first
        expect(fold.locator(".nq-card").first).to_be_hidden()  # folded away until asked for
        fold.locator("summary").first.click()
        card = fold.locator(".nq-card").first
        expect(card.locator("mark").first).to_be_visible(timeout=10_000)  # open, its closest line marked
        page.screenshot(path=str(OUTPUT / "ui-refused.png"))
        browser.close()
