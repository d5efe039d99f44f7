"""The chat in a real browser: Debian's chromium driven by Playwright.

The app runs the way a user starts it, `python app.py`, in a subprocess on a free
loopback port with its own index (it ingests the seeds on first start). Every
scenario saves a screenshot under test-output/browser/; with
UPDATE_DOCS_SCREENSHOT=1 the first one also replaces docs/chat.png, the README's.

Chromium comes from Debian (`make test` installs it with fonts-wqy-zenhei for the
Chinese glyphs), never from `playwright install`. Pages are awaited on `load` and
then on the text expected, not on `networkidle`: Gradio keeps a connection open.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import HEATING_FILE, ROOT, UNDATED_FILE
from test_ui import QUESTION, free_port, sentences_around

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = ROOT / "test-output" / "browser"
DOCS_SHOT = ROOT / "docs" / "chat.png"
START_TIMEOUT_S = 120
WAIT_MS = 20_000
REFUSAL = "文章中没有找到能回答这个问题的内容。"
# The chat's progress tracker is hidden again once an answer has finished streaming.
IDLE = "document.querySelector('#chat [data-testid=status-tracker]').classList.contains('hide')"
# True once the first element matching the selector is on screen and not covered or
# clipped (a citation opens with a slide, so merely being in the DOM is not enough).
ON_SCREEN = """(selector) => {
  const element = document.querySelector(selector);
  const box = element && element.getClientRects()[0];
  if (!box) return false;
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return !!hit && element.contains(hit);
}"""

UPLOAD_NAME = "崂山 海洋科普节.txt"  # stored as 崂山_海洋科普节.txt
UPLOAD_TEXT = """崂山区举办首届海洋科普节

□青岛日报/观海新闻记者 王小海
本报12月8日讯 12月7日，崂山区首届海洋科普节在石老人海水浴场开幕，科普节共设置海洋标本展、潜水体验等27项活动，预计吸引游客8.6万人次。
科普节期间，主办方还将评选“海洋科普小达人”。展板上写着<script>window.__pwned = 1</script>和<img src=x onerror="window.__pwned = 2">等字样。
"""


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("browser-app")
    port = free_port()
    # Lexical retrieval: the answers are compared with `lexical_assistant`'s, and with the
    # default hybrid mode they would shift while the app embeds the seeds in the
    # background. The default's status line is checked in test_ui and test_embed.
    env = {**os.environ, "ASSISTANT_INDEX__DIR": str(home / "index"), "PYTHONUNBUFFERED": "1",
           "ASSISTANT_RETRIEVAL__MODE": "lexical"}
    with open(home / "app.log", "w") as log:
        app = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if app.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"app.py did not start:\n{(home / 'app.log').read_text()}")
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                time.sleep(0.5)
        yield url
    finally:
        app.terminate()
        app.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium and fonts-wqy-zenhei (as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


def open_page(browser, url: str, width: int = 1280, height: int = 900):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.errors = []  # uncaught script errors, checked after each scenario
    page.on("pageerror", lambda error: page.errors.append(error))
    page.goto(url, wait_until="load")
    page.get_by_text("检索模式 retrieval").wait_for()
    return page


@pytest.fixture
def page(browser, app_url: str):
    page = open_page(browser, app_url)
    yield page
    assert not page.errors, page.errors
    page.context.close()


def screenshot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def ask(page, question: str):
    """Type the question and press Enter; returns the locator of the finished answer."""
    before = page.locator("#chat .bot-row").count()
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    page.locator("#chat .user-row").filter(has_text=question).last.wait_for()
    page.wait_for_function(f"document.querySelectorAll('#chat .bot-row').length > {before}")
    page.wait_for_function(IDLE)
    return page.locator("#chat .bot-row").nth(before)


def citation_titles(page) -> list[str]:
    return [t.strip() for t in page.locator("#chat .thought-group .title").all_inner_texts()]


def test_seed_question_answer_and_its_source(page, lexical_assistant) -> None:
    expected = lexical_assistant.ask(QUESTION)
    cited = expected.answer.citations[0]
    answer = ask(page, QUESTION)
    page.wait_for_function("document.querySelector('#chat a.cite-ref') !== null")
    assert answer.inner_text().strip() == expected.answer.text
    assert "3.35亿平方米" in answer.inner_text() and "[1]" in answer.inner_text()

    (title,) = [t for t in citation_titles(page) if t.startswith("[1]")]
    assert cited.chunk.title in title and HEATING_FILE in title and cited.chunk.date in title

    answer.locator("a.cite-ref", has_text="[1]").click()  # the inline [1] opens its source
    page.wait_for_function(ON_SCREEN, arg="#chat mark")
    assert page.locator("#chat mark").first.inner_text().strip() in cited.quote
    source = page.locator("#chat .bot-row").filter(has=page.locator("mark")).inner_text()
    assert f"记者 {cited.chunk.byline}" in source and HEATING_FILE in source
    # the passage sits inside its article: text beyond the cited chunk is shown too
    assert any(sentence in source for sentence in sentences_around(lexical_assistant, cited.chunk))

    # "copy" on the answer copies the plain answer with its [1]
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy message").nth(1).click()
    assert page.evaluate("navigator.clipboard.readText()").strip() == expected.answer.text

    path = screenshot(page, "01-answer-and-source")
    if os.environ.get("UPDATE_DOCS_SCREENSHOT") == "1":
        DOCS_SHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(path, DOCS_SHOT)


def test_unanswerable_question_is_refused(page, lexical_assistant) -> None:
    question = "张村河水净化厂的建设总投资是多少？"  # the articles never give this figure
    assert lexical_assistant.ask(question).answer.refused
    answer = ask(page, question)
    page.get_by_text(REFUSAL).wait_for()
    assert answer.inner_text().strip() == REFUSAL
    # No citation, but the closest passages, titled as not being an answer, for checking.
    page.locator("#chat .thought-group .title").first.wait_for()
    titles = citation_titles(page)
    assert len(titles) == 2 and all(title.startswith("🔎 最接近 closest") for title in titles), titles
    screenshot(page, "02-refusal")


def test_uploaded_article_is_listed_asked_about_and_cited(page, tmp_path: Path) -> None:
    article = tmp_path / UPLOAD_NAME
    article.write_text(UPLOAD_TEXT, encoding="utf-8")
    empty = tmp_path / "空白.md"
    empty.write_text("", encoding="utf-8")

    page.get_by_role("tab", name="文章 Articles").click()
    page.locator("#upload input[type=file]").set_input_files([article, empty])
    report = page.locator("#upload-report")
    report.get_by_text("导入完成").wait_for()
    assert "1 个文件 files" in report.inner_text() and "1 篇文章 articles" in report.inner_text()
    assert "空白.md" in report.inner_text() and "跳过 1 个文件" in report.inner_text()
    page.locator("#article-table input.search-input").fill("海洋科普节")
    page.locator("#article-table").get_by_text("崂山区举办首届海洋科普节").filter(visible=True).first.wait_for()
    assert "崂山_海洋科普节.txt" in page.locator("#issue-table").inner_text()
    assert "6 期 issues" in page.locator("#status").inner_text()
    screenshot(page, "03-upload-report")

    page.get_by_role("tab", name="对话 Chat").click()
    answer = ask(page, "崂山区首届海洋科普节共设置了多少项活动？")
    assert "27项" in answer.inner_text() and "[1]" in answer.inner_text()
    (title,) = [t for t in citation_titles(page) if t.startswith("[1]")]
    assert "崂山_海洋科普节.txt" in title and "崂山区举办首届海洋科普节" in title
    answer.locator("a.cite-ref").first.click()
    page.wait_for_function(ON_SCREEN, arg="#chat mark")
    # markup in an article is shown as text and never runs
    source = page.locator("#chat .bot-row").filter(has=page.locator("mark")).inner_text()
    assert "<script>window.__pwned = 1</script>" in source
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#chat img[src=x]").count() == 0
    screenshot(page, "04-uploaded-article-cited")

    # an answer that quotes the markup shows it as text too, and so does its source
    answer = ask(page, "科普节的展板上写着什么字样？")
    assert '<img src=x onerror="window.__pwned = 2">' in answer.inner_text()
    answer.locator("a.cite-ref").first.click()
    page.locator("#chat mark").filter(has_text="onerror").first.wait_for()
    page.wait_for_timeout(500)  # an <img onerror> would have fired by now
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#chat img[src=x], #chat .message-content script").count() == 0


def test_issue_filter_restricts_citations(page) -> None:
    issues = page.locator("#issues")
    issues.locator("input").click()
    page.get_by_role("option", name=UNDATED_FILE).click()
    page.keyboard.press("Escape")
    assert UNDATED_FILE in issues.inner_text()
    ask(page, "项目总投资多少亿元？")
    titles = citation_titles(page)
    assert titles and all(UNDATED_FILE in t for t in titles), titles
    screenshot(page, "05-issue-filter")


def test_narrow_window_example_click_and_clear(browser, app_url: str) -> None:
    page = open_page(browser, app_url, width=390, height=844)
    example = page.locator("#chat .example").first  # one click asks it
    question = example.inner_text().strip()
    example.click()
    page.locator("#chat .user-row").filter(has_text=question).wait_for()
    page.locator("#chat a.cite-ref").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "06-narrow-window")
    page.locator("#clear").click()
    page.locator("#chat .example").first.wait_for()  # an empty chat offers the examples again
    assert page.locator("#chat .bot-row").count() == 0
    assert not page.errors, page.errors
    page.context.close()
