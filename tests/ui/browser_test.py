"""The web UI in a real headless Chromium (Debian chromium + chromium-driver, driven by
selenium): sign in, add a slow mock target, start a scan of it and watch it progress to
completion, open a failing result and see its marked finding, re-run and compare, look at
the trends, create and revoke an API key, check the layout at 1280 px and at phone width,
and sign out. Any console error or failed request fails the run. Screenshots go to
target/ui-screenshots/.

Usage: python3 tests/ui/browser_test.py PATH/TO/assay
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ASSAY = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/debug/assay")
SHOTS = os.path.abspath("target/ui-screenshots")


def detached(element):
    """A wait condition: the element has left the page. Chromium may answer a query about a
    node removed mid-call with a generic inspector error rather than a stale-element one, which
    selenium's own staleness_of lets through; either answer means the node is gone."""

    def check(_driver):
        try:
            element.is_enabled()
            return False
        except WebDriverException:
            return True

    return check


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data_dir):
    key = subprocess.run(
        [ASSAY, "--data-dir", data_dir, "keys", "create", "--team", "browser"],
        check=True, capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1]
    port = free_port()
    log = open(os.path.join(data_dir, "serve.log"), "w")
    server = subprocess.Popen(
        [ASSAY, "--data-dir", data_dir, "serve", "--addr", f"127.0.0.1:{port}", "--default-target", "mock"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return server, base, key
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("assay serve did not come up")


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1280,900",
        f"--user-data-dir={tempfile.mkdtemp(prefix='assay-chromium-')}",
    ]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


class Checks:
    """Collects console errors and failed requests after every step."""

    def __init__(self, driver, base):
        self.driver = driver
        self.base = base
        self.problems = []
        # Request id -> (url, whether one of our pages asked for it). The browser's own
        # requests (a new tab's default page, say) fail on this closed network and are not
        # the UI's; a failed request of our server, or one our pages made, is.
        self.requests = {}

    def ours(self, request_id):
        url, from_page = self.requests.get(request_id, ("", False))
        return url.startswith(self.base) or from_page

    def collect(self, step):
        for entry in self.driver.get_log("browser"):
            if entry["level"] == "SEVERE":
                self.problems.append(f"{step}: console: {entry['message']}")
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            params = message.get("params", {})
            if message["method"] == "Network.requestWillBeSent":
                initiator = params.get("initiator", {}).get("url", "") or params.get("documentURL", "")
                url = params["request"]["url"]
                self.requests[params["requestId"]] = (url, initiator.startswith(self.base) and not url.startswith("data:"))
            if message["method"] == "Network.loadingFailed" and not params.get("canceled") and self.ours(params["requestId"]):
                url = self.requests.get(params["requestId"], ("?", False))[0]
                self.problems.append(f"{step}: request failed: {params.get('errorText')} ({params.get('type')}) {url}")
            if message["method"] == "Network.responseReceived":
                response = params["response"]
                if response["status"] >= 400:
                    self.problems.append(f"{step}: {response['status']} for {response['url']}")


def shot(driver, name):
    os.makedirs(SHOTS, exist_ok=True)
    # The whole page, not only the window: stretch the window to the document's height.
    height = driver.execute_script("return Math.max(document.body.scrollHeight, 900)")
    width = driver.get_window_size()["width"]
    driver.set_window_size(width, min(height + 100, 4000))
    driver.save_screenshot(os.path.join(SHOTS, name))
    driver.set_window_size(width, 900)


def no_horizontal_scroll(driver, where):
    # A window just resized may still be laying out: measure until the figure settles.
    script = "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    for _ in range(20):
        overflow = driver.execute_script(script)
        if overflow <= 1:
            return
        time.sleep(0.1)
    if overflow > 1:
        culprits = driver.execute_script(
            "return Array.from(document.querySelectorAll('body *')).filter(e => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0)"
            ".map(e => e.tagName + '.' + e.className + ' ' + e.scrollWidth + '>' + e.clientWidth + ': ' + (e.textContent || '').slice(0, 40))")
        raise AssertionError(f"{where}: the page scrolls sideways by {overflow}px: {culprits}")


def submit(driver, form_css):
    driver.find_element(By.CSS_SELECTOR, form_css + " button[type=submit]").click()


def main():
    data_dir = tempfile.mkdtemp(prefix="assay-ui-")
    server, base, key = start_server(data_dir)
    driver = browser()
    checks = Checks(driver, base)
    wait = WebDriverWait(driver, 60)
    try:
        # Sign in: an unsigned browser is sent to the form and back where it was going.
        driver.get(base + "/ui/targets")
        wait.until(EC.url_contains("/ui/sign-in"))
        driver.find_element(By.ID, "key").send_keys(key)
        submit(driver, "form[action='/ui/sign-in']")
        wait.until(EC.url_to_be(base + "/ui/targets"))
        checks.collect("sign in")

        # A stored mock target that echoes slowly, two calls at a time, so progress is visible.
        driver.find_element(By.ID, "target-name").send_keys("slow-echo")
        settings = driver.find_element(By.ID, "settings")
        settings.clear()
        settings.send_keys('{"kind": "mock", "mock_latency_ms": 120, "limits": {"max_concurrency": 2}}')
        submit(driver, "form[action='/ui/targets']")
        wait.until(EC.presence_of_element_located((By.XPATH, "//table[@id='targets']//td[contains(., 'slow-echo')]")))
        driver.find_element(By.CSS_SELECTOR, "button[aria-label='Test slow-echo']").click()
        wait.until(EC.presence_of_element_located((By.XPATH, "//blockquote[starts-with(normalize-space(.), 'echo:')]")))
        checks.collect("targets")

        # Start a scan of it and watch it run.
        driver.get(base + "/ui/scans/new")
        name = driver.find_element(By.ID, "name")
        name.clear()
        name.send_keys("browser scan")
        select = driver.find_element(By.ID, "stored")
        select.find_element(By.XPATH, "option[contains(., 'slow-echo')]").click()
        driver.find_element(By.CSS_SELECTOR, "input[name=converter][value=base64]").click()
        driver.find_element(By.CSS_SELECTOR, "input[name=limit]").send_keys("24")
        submit(driver, "form[action='/ui/scans']")
        wait.until(EC.url_contains("/ui/evaluations/"))
        first_url = driver.current_url
        seen_partial = False
        deadline = time.time() + 120
        while time.time() < deadline:
            progress = driver.find_element(By.ID, "progress")
            done = driver.execute_script("return document.getElementById('progress-bar').value")
            total = driver.execute_script("return document.getElementById('progress-bar').max")
            if 0 < done < total:
                seen_partial = True
            if progress.get_attribute("data-finished") == "true" or progress.get_attribute("data-state") == "completed":
                break
            time.sleep(0.1)
        else:
            raise AssertionError("the scan did not finish within two minutes")
        state = driver.find_element(By.CSS_SELECTOR, "[data-field=state]").text
        assert state == "completed", state
        assert seen_partial, "the page never showed the scan part-way done"
        live_rows = driver.find_elements(By.CSS_SELECTOR, "#result-rows tbody tr")
        assert len(live_rows) == total == 24, f"the results appeared as they came: {len(live_rows)} rows of {total}"
        eta = driver.find_element(By.CSS_SELECTOR, "[data-field=eta]").text
        assert eta == "done", eta
        checks.collect("live progress")
        driver.refresh()
        assert driver.find_elements(By.CSS_SELECTOR, "table.heat"), "the heat map of harness x converter"
        no_horizontal_scroll(driver, "evaluation at 1280px")
        shot(driver, "evaluation.png")
        checks.collect("evaluation")

        # Failed only, then a failing result with its finding marked.
        driver.find_element(By.CSS_SELECTOR, "form.filters input[name=failed]").click()
        submit(driver, "form.filters")
        wait.until(EC.url_contains("failed=1"))
        verdicts = {e.text for e in driver.find_elements(By.CSS_SELECTOR, "#result-rows tbody td span[class^=verdict]")}
        assert verdicts == {"failed"}, verdicts
        driver.find_element(By.CSS_SELECTOR, "#result-rows tbody tr td a").click()
        wait.until(EC.url_contains("/results/"))
        marks = driver.find_elements(By.CSS_SELECTOR, ".turn-assistant mark.finding")
        assert marks and marks[0].is_displayed(), "the failing reply has its finding highlighted"
        shot(driver, "transcript.png")
        checks.collect("transcript")

        # Re-run, then compare the two runs.
        driver.get(first_url)
        driver.find_element(By.XPATH, "//button[normalize-space(.)='Re-run']").click()
        wait.until(lambda d: "/ui/evaluations/" in d.current_url and d.current_url != first_url)
        second_url = driver.current_url
        wait.until(lambda d: d.find_element(By.ID, "progress").get_attribute("data-finished") == "true"
                   or d.find_element(By.ID, "progress").get_attribute("data-state") == "completed")
        checks.collect("re-run")
        a = first_url.rsplit("/", 1)[1]
        b = second_url.rsplit("/", 1)[1]
        driver.get(f"{base}/ui/compare?a={a}&b={b}")
        rows = driver.find_elements(By.CSS_SELECTOR, "#comparison tbody tr")
        assert rows, "the comparison lists the probes"
        changes = {e.text for e in driver.find_elements(By.CSS_SELECTOR, "#comparison span.change")}
        assert changes == {"same"}, changes
        checks.collect("compare")

        # Trends of the stored target.
        driver.get(base + "/ui/trends")
        driver.find_element(By.XPATH, "//a[contains(@href, '/ui/trends?target=')]").click()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "svg polyline")))
        shot(driver, "trends.png")
        checks.collect("trends")

        # The overview lists both runs.
        driver.get(base + "/ui/")
        names = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "table a[href^='/ui/evaluations/']")]
        assert names.count("browser scan") == 2, names
        no_horizontal_scroll(driver, "overview at 1280px")
        shot(driver, "overview.png")
        checks.collect("overview")

        # A key: created and shown once, then revoked.
        driver.get(base + "/ui/keys")
        driver.find_element(By.CSS_SELECTOR, "form[action='/ui/keys'] input[name=name]").send_keys("from-browser")
        submit(driver, "form[action='/ui/keys']")
        secret = wait.until(EC.presence_of_element_located((By.ID, "new-key"))).text
        assert secret.startswith("assay_"), secret
        request = urllib.request.Request(base + "/api/v1/evaluations", headers={"Authorization": "Bearer " + secret})
        assert urllib.request.urlopen(request).status == 200
        shown = driver.find_element(By.ID, "new-key")
        driver.find_element(By.CSS_SELECTOR, "button[aria-label='Revoke from-browser']").click()
        wait.until(detached(shown))
        assert secret not in driver.page_source, "the key is shown only once"
        try:
            urllib.request.urlopen(request)
            raise AssertionError("a revoked key still works")
        except urllib.error.HTTPError as error:
            assert error.code == 401, error.code
        checks.collect("keys")

        # Every other page, looked at by a person in its screenshot (a workbench prompt made
        # through /api/v1 first, so its page has revisions to show).
        created = urllib.request.urlopen(urllib.request.Request(
            base + "/api/v1/prompts", method="POST",
            data=json.dumps({"prompt": "You answer travel questions.\nBe brief.", "name": "Travel desk", "description": "Support", "mode": "none"}).encode(),
            headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"}))
        prompt_id = json.load(created)["data"]["id"]
        for name, path in [
            ("prompt", f"/ui/workbench/prompts/{prompt_id}"), ("scan-form", "/ui/scans/new"), ("compare", f"/ui/compare?a={a}&b={b}"), ("keys", "/ui/keys"),
            ("targets", "/ui/targets"), ("projects", "/ui/projects"), ("workbench", "/ui/workbench"),
        ]:
            driver.get(base + path)
            no_horizontal_scroll(driver, f"{path} at 1280px")
            shot(driver, f"{name}.png")
        checks.collect("other pages")

        # Phone width: no page scrolls sideways.
        driver.set_window_size(390, 844)
        for path in ["/ui/", first_url.replace(base, ""), "/ui/scans/new", "/ui/keys", "/ui/targets", "/ui/trends"]:
            driver.get(base + path)
            no_horizontal_scroll(driver, f"{path} at 390px")
        shot(driver, "phone-trends.png")
        driver.get(first_url)
        shot(driver, "phone-evaluation.png")
        driver.set_window_size(1280, 900)
        checks.collect("phone")

        # Sign out: the session is gone.
        driver.get(base + "/ui/")
        driver.find_element(By.CSS_SELECTOR, "form.signout button").click()
        wait.until(EC.presence_of_element_located((By.XPATH, "//h1[.='Signed out']")))
        shot(driver, "signed-out.png")
        driver.get(base + "/ui/")
        wait.until(EC.url_contains("/ui/sign-in"))
        shot(driver, "sign-in.png")
        checks.collect("sign out")

        if checks.problems:
            raise AssertionError("console errors or failed requests:\n" + "\n".join(checks.problems))
        print(f"browser test: passed; screenshots in {SHOTS}")
    finally:
        driver.quit()
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
