#!/usr/bin/python3
"""Opens a Casefile dashboard page in headless Chromium, offline, and checks it.

Used by CasefileDashboardTests (check mode) and `make bench-dashboard` (paint
mode). Debian's chromium, chromium-driver and python3-selenium; run with
/usr/bin/python3 (Debian's Python, where python3-selenium is installed).

  dashboard_browser.py check PAGE.html --expect EXPECT.json --screenshot MAP.png
  dashboard_browser.py paint PAGE.html [--runs 5]

The page is opened from file:// with the network emulated offline and every
proxy pointed at a closed port on 127.0.0.1, and every request the page makes
is recorded from Chromium's DevTools log: anything but the page's own file
counts as a request leaving the page.

Prints one JSON object on stdout. Exit status: 0 ran (check mode: see
"failures"), 77 no browser could be started (the caller skips, saying why),
1 anything else.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time

SKIP = 77


def start_browser(user_dir):
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except Exception as e:  # noqa: BLE001 - any import failure means no selenium
        print(json.dumps({"skip": "python3-selenium is not installed (%s)" % e}))
        sys.exit(SKIP)
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not os.path.exists(chromium) or not os.path.exists(driver_path):
        print(json.dumps({"skip": "Debian's chromium and chromium-driver are not installed"}))
        sys.exit(SKIP)
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--window-size=1400,2200", "--hide-scrollbars", "--force-device-scale-factor=1",
        # Nothing may leave the page: every proxied request goes to a closed port.
        "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
        "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
        "--user-data-dir=" + user_dir,
    ]:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service(driver_path), options=options)
    except Exception as e:  # noqa: BLE001 - a browser that cannot start is a skip, said why
        print(json.dumps({"skip": "Chromium could not be started: %s" % str(e).splitlines()[0]}))
        sys.exit(SKIP)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    return driver


def load(driver, url):
    driver.get_log("performance")  # drop what the browser did before this page (its start page)
    driver.get(url)
    deadline = time.time() + 20
    while time.time() < deadline:
        done = driver.execute_script(
            "return performance.getEntriesByName('casefile-map-painted').length > 0")
        if done:
            return
        time.sleep(0.02)
    raise RuntimeError("the page never marked casefile-map-painted")


def requests_made(driver, page_url):
    """URLs the page asked for, other than the page itself, from the DevTools log."""
    out = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            url = msg["params"]["request"]["url"]
            if url != page_url and not url.startswith("data:"):
                out.append(url)
    return out


def check(driver, page, expect, screenshot):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    failures = []
    facts = {}
    url = "file://" + os.path.abspath(page)
    load(driver, url)
    js = driver.execute_script

    # The map: one shape per authority.
    slugs = js("return Array.from(document.querySelectorAll('#map path[data-slug]')).map(p => p.dataset.slug)")
    facts["map_authorities"] = len(slugs)
    if len(slugs) != 153 or len(set(slugs)) != 153:
        failures.append("the map has %d shapes (%d distinct), not 153" % (len(slugs), len(set(slugs))))
    facts["london_inset"] = js("return document.querySelectorAll('#inset use[data-slug]').length")
    if facts["london_inset"] != 33:
        failures.append("the London inset has %d boroughs, not 33" % facts["london_inset"])

    if screenshot:
        os.makedirs(os.path.dirname(os.path.abspath(screenshot)), exist_ok=True)
        driver.find_element(By.ID, "map-section").screenshot(screenshot)
        facts["screenshot"] = os.path.abspath(screenshot)

    # Picking a judgement recolours the map (and the inset's copies follow the paths).
    colour = ("return Array.from(document.querySelectorAll('#map path[data-slug]'))"
              ".map(p => p.getAttribute('class') + ' ' + getComputedStyle(p).fill)")
    before = js(colour)
    Select(driver.find_element(By.ID, "pick")).select_by_value(expect["area"])
    after = js(colour)
    changed = sum(1 for a, b in zip(before, after) if a != b)
    facts["recoloured"] = changed
    if changed != expect["recoloured"]:
        failures.append("picking %s recoloured %d authorities, expected %d" % (expect["area"], changed, expect["recoloured"]))
    inset_fill = js("var u = document.querySelector('#inset use'); var p = document.getElementById(u.getAttribute('href').slice(1));"
                    "return [p.getAttribute('class'), u.getBoundingClientRect().width > p.getBoundingClientRect().width * 2]")
    if not inset_fill[1]:
        failures.append("the London inset is not drawn larger than the map")

    # Sorting by "days since" orders the rows.
    def column(i):
        return js("return Array.from(document.querySelectorAll('#table tbody tr')).map(r => r.cells[%d].dataset.v)" % i)
    idx = js("return Array.from(document.querySelectorAll('#table thead th')).findIndex(th => th.id === 'col-days')")
    button = driver.find_element(By.CSS_SELECTOR, "#col-days button")
    for direction in ("ascending", "descending"):
        button.click()
        values = column(idx)
        filled = [int(v) for v in values if v != ""]
        blanks_last = all(v == "" for v in values[len(filled):])
        ordered = filled == sorted(filled, reverse=(direction == "descending"))
        if not (ordered and blanks_last and len(values) >= 153):
            failures.append("sorting by days since (%s) gave %s" % (direction, values[:12]))
        aria = js("return document.getElementById('col-days').getAttribute('aria-sort')")
        if aria != direction:
            failures.append("days since header says aria-sort=%s after sorting %s" % (aria, direction))

    # Filtering by region hides the other rows.
    Select(driver.find_element(By.ID, "f-region")).select_by_visible_text("London")
    shown = js("return Array.from(document.querySelectorAll('#table tbody tr')).filter(r => !r.hidden).map(r => r.dataset.region)")
    if len(shown) != 33 or set(shown) != {"London"}:
        failures.append("filtering by London shows %d rows (%s)" % (len(shown), sorted(set(shown))))
    Select(driver.find_element(By.ID, "f-region")).select_by_value("")

    # The detail view, opened by clicking the authority on the map.
    slug = expect["detail"]["slug"]
    shape = driver.find_element(By.CSS_SELECTOR, '#inset use[data-slug="%s"]' % slug) if expect["detail"]["london"] \
        else driver.find_element(By.CSS_SELECTOR, '#map path[data-slug="%s"]' % slug)
    shape.click()
    detail = driver.find_element(By.ID, "detail")
    if not detail.is_displayed():
        failures.append("clicking %s on the map did not open its detail" % slug)
    else:
        title = driver.find_element(By.ID, "detail-title").text
        history = js("return document.querySelectorAll('#history li').length")
        links = js("return document.querySelectorAll('#history li a[href^=\"https://\"]').length")
        neighbours = js("return Array.from(document.querySelectorAll('#neighbours tbody tr th a')).map(a => a.getAttribute('href').slice(3))")
        facts["detail"] = {"title": title, "history": history, "links": links, "neighbours": neighbours}
        if title != expect["detail"]["name"]:
            failures.append("the detail's title is %r, expected %r" % (title, expect["detail"]["name"]))
        if history != expect["detail"]["reports"] or links != expect["detail"]["reports"]:
            failures.append("the detail lists %d reports (%d links), expected %d" % (history, links, expect["detail"]["reports"]))
        if neighbours != [slug] + expect["detail"]["neighbours"]:
            failures.append("the detail's neighbours are %s, expected %s" % (neighbours, expect["detail"]["neighbours"]))
        if js("return document.activeElement.id") != "detail-title":
            failures.append("opening the detail did not move the focus to its title")
    # Escape closes it; the keyboard opens another from the map.
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    if detail.is_displayed():
        failures.append("Escape did not close the detail")
    other = expect["keyboard"]
    js("document.querySelector('#map path[data-slug=\"%s\"]').focus()" % other["slug"])
    tip = js("var t = document.getElementById('tip'); return t.hidden ? '' : t.textContent")
    if other["name"] not in tip:
        failures.append("focusing %s on the map showed the tooltip %r" % (other["slug"], tip))
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    if not detail.is_displayed() or driver.find_element(By.ID, "detail-title").text != other["name"]:
        failures.append("Enter on a focused authority did not open its detail")

    errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    if errors:
        failures.append("console errors: %s" % [e["message"] for e in errors])
    left = requests_made(driver, url)
    resources = js("return performance.getEntriesByType('resource').map(e => e.name)")
    facts["requests"] = left + resources
    if left or resources:
        failures.append("requests left the page: %s" % (left + resources))
    return {"failures": failures, "facts": facts}


def paint(driver, page, runs):
    url = "file://" + os.path.abspath(page)
    results = []
    for _ in range(runs):
        driver.get("about:blank")
        t0 = time.time()
        load(driver, url)
        wall = time.time() - t0
        marks = driver.execute_script(
            "var p = performance.getEntriesByType('paint').filter(e => e.name === 'first-contentful-paint');"
            "return [p.length ? p[0].startTime : null, performance.getEntriesByName('casefile-map-painted')[0].startTime,"
            " performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd]")
        results.append({"first_contentful_paint_ms": marks[0], "map_painted_ms": marks[1],
                        "dom_content_loaded_ms": marks[2], "wall_ms": wall * 1000})
    errors = [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    median = sorted(r["map_painted_ms"] for r in results)[len(results) // 2]
    return {"runs": results, "median_map_painted_ms": median, "console_errors": errors,
            "requests": requests_made(driver, url), "page_bytes": os.path.getsize(page)}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["check", "paint"])
    p.add_argument("page")
    p.add_argument("--expect")
    p.add_argument("--screenshot")
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args()
    user_dir = tempfile.mkdtemp(prefix="cf-chromium-")
    driver = start_browser(user_dir)
    try:
        if args.mode == "check":
            with open(args.expect, encoding="utf-8") as f:
                expect = json.load(f)
            out = check(driver, args.page, expect, args.screenshot)
        else:
            out = paint(driver, args.page, args.runs)
            for i, r in enumerate(out["runs"]):
                print("load %d: map painted %.0f ms after navigation start (DOMContentLoaded %.0f ms)"
                      % (i + 1, r["map_painted_ms"], r["dom_content_loaded_ms"]))
            print("headless Chromium, time to a painted map: median %.0f ms over %d loads (target < 1000 ms); "
                  "page %d bytes; console errors: %d; requests leaving the page: %d"
                  % (out["median_map_painted_ms"], len(out["runs"]), out["page_bytes"], len(out["console_errors"]),
                     len(out["requests"])))
    finally:
        driver.quit()
        shutil.rmtree(user_dir, ignore_errors=True)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
