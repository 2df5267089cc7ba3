"""The documentation page in a real headless Chromium: Swagger UI runs under our CSP, from local files only."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_runs_under_the_csp_and_calls_the_api(browser_page, live_server, axe_check):
    page = browser_page  # fails the test on any JavaScript error or CSP violation
    errors, requests = [], []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("request", lambda r: requests.append(r.url))

    page.goto("/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/health" in paths and "/api/v1/moi" in paths
    axe_check(page)

    page.locator(".opblock-summary", has_text="/api/v1/health").click()
    page.locator("button.try-out__btn").click()
    page.locator("button.execute").click()
    page.wait_for_selector(".live-responses-table .response-col_status", timeout=10_000)
    assert '"database": "ok"' in page.locator(".live-responses-table .microlight").first.inner_text()
    axe_check(page)

    assert errors == []
    assert all(url.startswith(live_server.url) for url in requests), requests
