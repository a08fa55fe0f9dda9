"""The docs site in a real browser: Chromium driven by Playwright (`make docs` first; `make test` finds the browser).

Serves docs/_build/html on a local port, opens the home page, follows the sidebar to a lesson, checks a
plot image really loaded, searches for `mnist_loss` and follows the hit to its reference entry. Screenshots
of every page visited go to docs/_build/screenshots (or $DIGITLAB_SCREENSHOTS)."""
import functools, http.server, os, threading
from pathlib import Path
import pytest

root = Path(__file__).resolve().parent.parent
html = root/'docs'/'_build'/'html'
chromium = os.environ.get('DIGITLAB_CHROMIUM', '/usr/bin/chromium')
shots = Path(os.environ.get('DIGITLAB_SCREENSHOTS', root/'docs'/'_build'/'screenshots'))

@pytest.fixture(scope='module')
def site_url():
    if not (html/'index.html').exists(): pytest.fail(f'no docs site at {html}: run `make docs` first')
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(html))
    handler.log_message = lambda *a: None
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f'http://127.0.0.1:{srv.server_address[1]}'
    srv.shutdown()

@pytest.fixture(scope='module')
def page():
    if not Path(chromium).exists():
        pytest.fail(f'{chromium} not found: run `make test`, or set DIGITLAB_CHROMIUM to what tests/find_browser.py prints')
    from playwright.sync_api import sync_playwright
    shots.mkdir(parents=True, exist_ok=True)
    for old in shots.glob('[0-9]-*.png'): old.unlink()   # this test's own screenshots; the app test keeps its own in app/
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=['--no-sandbox'])
        pg = browser.new_page(viewport=dict(width=1280, height=900))
        errors = []
        pg.on('pageerror', lambda e: errors.append(str(e)))
        pg.errors = errors
        yield pg
        browser.close()

@pytest.fixture(autouse=True)
def own_errors(request):
    "Each test answers for the JavaScript errors of its own pages only"
    if 'page' in request.fixturenames: request.getfixturevalue('page').errors.clear()

def loaded(page, img):
    "Wait until an <img> has really loaded (decoded, with a width)"
    img.scroll_into_view_if_needed()
    page.wait_for_function('img => img.complete && img.naturalWidth > 0', arg=img.element_handle(), timeout=10_000)

def test_home_to_lesson_to_plot(site_url, page):
    page.goto(f'{site_url}/index.html')
    assert 'digitlab' in page.title()
    loaded(page, page.locator('img[alt^="The draw-a-digit page"]'))   # the README's screenshot of `digitlab app`
    page.evaluate('window.scrollTo(0, 0)')
    page.screenshot(path=str(shots/'1-home.png'), full_page=False)
    link = page.locator('.bd-sidebar-primary a.reference', has_text='Pixel similarity').first
    link.click()
    page.wait_for_load_state('load')
    assert page.url.endswith('lessons/01_pixels.html'), page.url
    img = page.locator('.cell_output img').first
    loaded(page, img)
    assert img.evaluate('img => img.naturalWidth') > 0
    page.screenshot(path=str(shots/'2-lesson.png'), full_page=False)
    assert not page.errors, page.errors

def test_search_finds_mnist_loss(site_url, page):
    page.goto(f'{site_url}/search.html?q=mnist_loss')
    hit = page.locator('#search-results a', has_text='mnist_loss').first
    hit.wait_for(timeout=20_000)
    page.screenshot(path=str(shots/'3-search.png'), full_page=False)
    hit.click()
    page.wait_for_load_state('load')
    assert 'api/digitlab.losses.html' in page.url, page.url
    entry = page.locator('[id="digitlab.losses.mnist_loss"]')
    assert entry.count() == 1 and entry.is_visible()
    page.screenshot(path=str(shots/'4-reference.png'), full_page=False)
    assert not page.errors, page.errors

# the lessons whose pictures the course is built around, with how many plots each shows at least: the
# tangent and the bouncing learning rate (02), the learned weights beside mean 3 minus mean 7 (03), the
# confusion matrix and top losses (07), the ten weight templates and the depth comparisons (12), a convolution, the
# CNNs' confusion matrix and top losses (13)
def stored_pictures(nb:Path) -> int:
    "How many pictures (PNG outputs) a lesson's notebook stores"
    import json
    return sum('image/png' in o.get('data', {}) for c in json.loads(nb.read_text())['cells'] for o in c.get('outputs', []))

def test_lessons_pictures_load(site_url, page):
    "Every picture a teaching lesson stores is on its page, and each one a reader sees has loaded"
    for nb in sorted((root/'nbs').glob('[0-9]*.ipynb')):
        want = stored_pictures(nb)
        if not want: continue
        page.goto(f'{site_url}/lessons/{nb.stem}.html')
        imgs = page.locator('.cell_output img:not(.animation img)')
        n = imgs.count()
        assert n >= want, f'{nb.stem}: {n} pictures on the page, {want} stored in the notebook'
        for i in range(n):
            if imgs.nth(i).is_visible(): loaded(page, imgs.nth(i))   # those in a folded solution load when it opens
        assert not page.errors, (nb.stem, page.errors)
    page.screenshot(path=str(shots/'5-pictures.png'), full_page=False)

def test_gradient_descent_film_plays(site_url, page):
    page.goto(f'{site_url}/lessons/02_sgd.html')
    film = page.locator('.animation img').first
    loaded(page, film)
    first = film.get_attribute('src')
    page.locator('.animation button[title="Next frame"]').first.click()
    second = film.get_attribute('src')
    assert second != first, 'the next-frame button did not change the picture'
    assert int(page.locator('.animation input.anim-slider').first.get_attribute('max')) >= 10   # a film, not a still
    page.locator('.animation button[title="Play"]').first.click()
    page.wait_for_function('([img, s]) => img.src !== s', arg=[film.element_handle(), second], timeout=5_000)
    page.locator('.animation button[title="Pause"]').first.click()
    film.screenshot(path=str(shots/'6-film.png'))
    assert not page.errors, page.errors

def test_exercise_solutions_are_folded(site_url, page):
    page.goto(f'{site_url}/lessons/03_mnist_loss.html')
    assert page.locator('h2', has_text='Try it yourself').count() == 1
    folded = page.locator('.cell.tag_hide-input')
    assert folded.count() >= 2
    code = folded.first.locator('.cell_input')
    code.first.wait_for(state='attached')
    assert not code.first.is_visible(), 'a solution is shown before the reader asks for it'
    folded.first.locator('summary').first.click()
    code.first.wait_for(state='visible', timeout=5_000)
    assert not page.errors, page.errors
