"""The reveal.js slide decks (``make slides``, tools/build_slides.py) shown as a teacher shows them.

Each deck is opened from ``_build/slides`` in Chromium at the decks' own 960 x 700 frame, with
every non-local request blocked, and every slide is visited: none is taller than the frame, no
table inside an explorer loses a column, formulas are not Tab stops (their MathML stays for screen
readers), and a focused slider says that the arrow keys now move it, not the deck.

The decks are built here, once, when missing or older than their sources: seconds after
``make book``, whose executed lessons (its jupyter-cache) the slide builder reuses when current.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from sitekit import CHROMIUM_FLAGS, DOCNAMES, LOCAL_URL, ROOT, WIDGETS_DRAWN  # noqa: F401  (CHROMIUM_FLAGS: same browser setup)

SLIDES = ROOT / "_build" / "slides"
# A deck for every lesson and appendix of the website (_toc.yml), as tools/build_slides.py makes them.
LESSONS = [ROOT / f"{d}.md" for d in DOCNAMES if d.startswith("notebooks/")]
SOURCES = [*LESSONS, ROOT / "_toc.yml", ROOT / "tools" / "build_slides.py", ROOT / "tools" / "exercise_numbers.py",
           *sorted((ROOT / "tools" / "slides_template").rglob("*")), ROOT / "tools" / "book_static" / "offline-widgets.js",
           *sorted((ROOT / "coinem_helpers").rglob("*.py")), *sorted((ROOT / "coinem_helpers").rglob("*.js"))]
DECKS = [f"{p.stem}.slides.html" for p in LESSONS]
FRAME = {"width": 960, "height": 700}


@pytest.fixture(scope="module")
def decks():
    """Build the decks unless they are newer than every source they come from."""
    built = [SLIDES / d for d in DECKS]
    newest_source = max(p.stat().st_mtime for p in SOURCES if p.is_file())
    if not all(p.is_file() for p in built) or min(p.stat().st_mtime for p in built) < newest_source:
        subprocess.run([sys.executable, str(ROOT / "tools" / "build_slides.py")], check=True, cwd=ROOT)
    return SLIDES


@pytest.fixture
def open_deck(browser, decks):
    opened = []

    def open_(name):
        context = browser.new_context(viewport=FRAME)
        problems = []

        def only_local(route):
            if LOCAL_URL.match(route.request.url):
                route.continue_()
            else:
                problems.append(f"asked the network for {route.request.url}")
                route.abort()

        context.route("**/*", only_local)
        page = context.new_page()
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.goto((decks / name).as_uri())
        page.wait_for_function("() => window.Reveal && Reveal.isReady()")
        page.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")
        page.wait_for_function(WIDGETS_DRAWN)  # every explorer drawn (none on some decks)
        opened.append(context)
        return page, problems

    yield open_
    for context in opened:
        context.close()


# Visit every slide; measure its content at its natural height (the deck's script would make a
# too-tall slide scroll, which is the failure this test exists to catch) and the table cells
# that an explorer's boxes cut off.
EVERY_SLIDE = """async () => {
  const found = [];
  for (const slide of Reveal.getSlides()) {
    const at = Reveal.getIndices(slide);
    Reveal.slide(at.h, at.v);
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    const height = slide.style.height, overflow = slide.style.overflowY;
    slide.style.height = 'auto'; slide.style.overflowY = 'visible';
    const tall = slide.scrollHeight;
    slide.style.height = height; slide.style.overflowY = overflow;
    const cut = Array.from(slide.querySelectorAll('.widget-subarea th, .widget-subarea td')).filter(cell => {
      for (let box = cell.parentElement; box && !box.classList.contains('widget-subarea'); box = box.parentElement) {
        if (getComputedStyle(box).overflowX !== 'visible')
          return cell.getBoundingClientRect().right > box.getBoundingClientRect().right + 1;
      }
      return cell.getBoundingClientRect().right > slide.getBoundingClientRect().right + 1;
    }).map(cell => cell.textContent.trim());
    const text = (slide.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 50);
    if (tall > 700) found.push(`slide ${at.h}.${at.v} is ${tall} px tall: ${text}`);
    if (cut.length) found.push(`slide ${at.h}.${at.v} cuts table cells ${cut.slice(0, 5)}: ${text}`);
  }
  return found;
}"""


@pytest.mark.parametrize("deck", DECKS)
def test_every_slide_fits_the_frame_whole(open_deck, deck):
    page, problems = open_deck(deck)
    assert page.evaluate("() => Reveal.getSlides().length") > 10
    found = page.evaluate(EVERY_SLIDE)
    assert not found, "\n".join(found)
    # Formulas: not Tab stops, and read from their MathML.
    formulas = page.locator("mjx-container").count()
    assert formulas > 0
    assert page.evaluate("() => Array.from(document.querySelectorAll('mjx-container'))"
                         ".filter(m => m.tabIndex >= 0).length") == 0
    assert page.locator("mjx-container > mjx-assistive-mml > math").count() == formulas
    assert not problems, "\n".join(problems)


def test_a_focused_slider_says_the_arrow_keys_move_it(open_deck):
    page, problems = open_deck("02_e_step.slides.html")
    # The explorers draw native range inputs (role slider) with a <label>.
    handle = page.locator('.widget-subarea input[type="range"], .widget-subarea [role="slider"]').first
    section = handle.locator("xpath=ancestor::section[1]")
    at = page.evaluate("s => Reveal.getIndices(s)", section.element_handle())
    page.evaluate("at => Reveal.slide(at.h, at.v)", at)
    hint = page.locator("#coinem-slider-hint")
    assert not hint.is_visible()
    handle.focus()
    assert hint.is_visible() and "\u2190 \u2192 move this slider" in hint.inner_text()
    value = "e => e.getAttribute('aria-valuetext') || e.getAttribute('aria-valuenow') || e.value"
    before = handle.evaluate(value)
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => Reveal.getIndices()") == at, "the arrow key changed the slide"
    assert handle.evaluate(value) != before, "the arrow key did not move the slider"
    page.evaluate("() => document.activeElement.blur()")
    assert not hint.is_visible()
    assert not problems, "\n".join(problems)


def test_a_self_check_slide_still_fits_once_the_class_has_answered(open_deck):
    """Answering grows the quiz (each answer's feedback appears): the slide then scrolls inside the
    frame instead of spilling past the bottom of the screen, where nobody could reach it."""
    page, problems = open_deck("02_e_step.slides.html")
    quiz = page.locator("div[id^='quiz']").first
    section = quiz.locator("xpath=ancestor::section[1]")
    at = page.evaluate("s => Reveal.getIndices(s)", section.element_handle())
    page.evaluate("at => Reveal.slide(at.h, at.v)", at)
    quiz.locator(".Quiz").first.wait_for()
    for question in quiz.locator(".Quiz").all():
        buttons = question.locator("label.MCButton")
        if buttons.count():
            buttons.first.click()
        else:
            box = question.locator("input.Input-text")
            box.fill("0.123")
            box.press("Enter")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    height = page.evaluate("() => Reveal.getConfig().height")
    grown = section.evaluate("s => ({content: s.scrollHeight, shown: s.clientHeight, scrolls: getComputedStyle(s).overflowY})")
    assert grown["content"] > 0.95 * height, f"the answered quiz did not grow the slide: {grown}"
    assert grown["shown"] <= height and grown["scrolls"] == "auto", grown
    assert not problems, "\n".join(problems)
