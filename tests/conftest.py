"""Shared fixtures: a real headless Chromium (Debian's), driven by playwright."""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).parent / "artifacts"
#: Number of park markers drawn in a page (JavaScript expression).
COUNT = "document.querySelectorAll('path.kh-park').length"


@pytest.fixture(scope="session")
def parks():
    """The parks of the embedded Kunshan default (the demo's)."""
    import geo

    return geo.kunshan_default().parks


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium through playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_offline(browser, path: Path, *, viewport=(1280, 860)):
    """Open a page from a file with every non-file request refused: (page, refused URLs, page errors)."""
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    remote, errors = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(lambda url: not url.startswith("file:"), lambda route: (remote.append(route.request.url),
                                                                       route.abort()))
    page.goto(path.as_uri())
    page.wait_for_function("typeof L !== 'undefined' && document.querySelector('.leaflet-container') !== null")
    return page, remote, errors


def heat_pixels(page) -> int:
    """Pixels the classic heat (Leaflet.heat's canvas) has drawn."""
    return page.evaluate("""() => {
        const canvas = document.querySelector('canvas.leaflet-heatmap-layer');
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
        return n;
    }""")


@pytest.fixture(scope="session")
def executed(tmp_path_factory):
    """Notebook name -> the notebook executed top to bottom in a fresh kernel (nbformat), once per session."""
    import nbformat
    from nbclient import NotebookClient

    done = {}
    for path in sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        folder = tmp_path_factory.mktemp(path.stem)
        NotebookClient(notebook, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(folder)}}).execute()
        done[path.name] = notebook
    return done
