"""The HTML report opens in a real headless browser with no network: no console errors, one
marker per front point, and a screenshot."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import mooc
from mooc.report import write_report

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]


def _browser() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI"):
        pytest.fail("no chromium: .ci/run installs Debian's chromium package before the tests")
    pytest.skip("needs a headless chromium (Debian: apt-get install chromium); CI runs this")


def _run(browser: str, profile: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    command = [browser, *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr",
               "--v=0", *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    problem = mooc.load(EXAMPLES / "kit.moo")
    result = problem.solve(population=40, generations=20, seed=3)
    path = tmp_path_factory.mktemp("report") / "kit report.html"
    write_report(result, path)
    return path, len(result)


def _console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines()
            if "CONSOLE" in line and re.search(r"error|uncaught", line, re.IGNORECASE)]


def test_report_renders_one_marker_per_point_without_errors(report, tmp_path) -> None:
    path, n_points = report
    done = _run(_browser(), tmp_path / "profile", "--dump-dom", path.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert 'data-rendered="yes"' in dom, "the report's script did not finish"
    assert len(re.findall(r'<circle [^>]*class="pt ', dom)) == n_points
    assert dom.count("<tr>") >= n_points + 1  # header row and one row per point
    assert _console_errors(done.stderr) == []


def test_report_screenshot(report, tmp_path) -> None:
    path, _ = report
    shot = tmp_path / "report.png"
    done = _run(_browser(), tmp_path / "profile", "--window-size=1200,1600",
                f"--screenshot={shot}", path.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a drawn page, not a blank one
    assert _console_errors(done.stderr) == []
