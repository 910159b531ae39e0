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


def test_ask_in_korean_shows_cited_docker_note(servers, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    assert Path(CHROMIUM).exists(), "Debian chromium is not installed (make test-e2e installs it)"
    with sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(  # a new, empty profile
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            args=FLAGS,
            viewport={"width": 1366, "height": 900},
            locale="ko-KR",
        )
        page = browser.new_page()
        page.goto(servers, wait_until="domcontentloaded")
        expect(page.get_by_text("API 연결됨")).to_be_visible(timeout=60_000)
        box = page.get_by_test_id("stChatInputTextArea")
        box.fill("도커는 VM보다 항상 좋은가?")
        box.press("Enter")
        answer = page.get_by_test_id("stChatMessage").nth(1)
        expect(answer).to_contain_text("아니요.", timeout=90_000)
        expect(page.get_by_test_id("stExpander").first).to_contain_text("docker-vm-kubernetes.md")
        expect(page.locator("mark").first).to_be_visible()
        page.wait_for_timeout(500)
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / "ui-answer.png"), full_page=False)
        browser.close()
    assert (OUTPUT / "ui-answer.png").stat().st_size > 10_000
