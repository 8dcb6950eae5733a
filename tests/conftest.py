"""Browser fixtures for the tests of the built website (Debian's Chromium driven by Playwright)."""

import os
import warnings

import pytest
from playwright.sync_api import sync_playwright
from sitekit import CHROMIUM_FLAGS, Visit, built_pages, find_chromium


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole test session (starting it takes a second or two)."""
    executable = find_chromium()
    if executable is None:
        message = ("\n" + "!" * 78 + "\n!!! BROWSER TESTS NOT RUN: Chromium is not installed, so nobody checked "
                   "that the\n!!! website works in a browser. Install it (Debian: `apt-get install "
                   "chromium`)\n!!! and run `make test` again.\n" + "!" * 78)
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        warnings.warn(message, stacklevel=1)
        pytest.skip(message)
    built_pages()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def visit(browser):
    visits = []

    def open_page(docname, color_scheme="light", viewport=None):
        visits.append(Visit(browser, docname, color_scheme, viewport))
        return visits[-1]

    yield open_page
    for v in visits:
        v.close()
