"""A bounded schemathesis pass, all checks, against the real API on a real socket.

The OpenAPI document must describe the server as it is (what needs the key, path patterns,
bodies, media types) and no generated request may get a 5xx or an answer the document does
not allow. Both ways reads can be configured are fuzzed; the key is sent as a bearer token.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from backend.main import create_app
from tests.conftest import LiveServer, free_port, make_settings

KEY = "fuzz-key-0123456789"
ST = Path(sys.executable).with_name("st")


@pytest.mark.parametrize("reads_need_key", [False, True], ids=["open reads", "keyed reads"])
def test_schemathesis_finds_nothing(tmp_path, real_embedder, analyzers, reads_need_key):
    settings = make_settings(tmp_path, api_key=KEY, api_key_reads=reads_need_key)
    with LiveServer(create_app(settings, embedder=real_embedder, analyzers=analyzers), free_port()) as server:
        run = subprocess.run(
            [str(ST), "run", f"{server.url}/openapi.json", "--checks", "all", "--max-examples", "15",
             "--workers", "1", "--seed", "20261128", "-H", f"Authorization: Bearer {KEY}", "--no-color"],
            cwd=tmp_path, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
    summary = run.stdout[run.stdout.find("SUMMARY") :]
    assert run.returncode == 0, run.stdout[-6000:]
    assert "Tested: 14" in summary and "failures" not in summary.lower(), summary
