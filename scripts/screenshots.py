"""Screenshots of pages at handheld (360x640) and desk (1280x800) sizes, for looking at what we built.

usage: .venv/bin/python scripts/screenshots.py BASE_URL USER PASSWORD OUTDIR PATH [PATH ...]"""
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


def main(base, user, password, outdir, *paths):
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for width, height in ((360, 640), (1280, 800)):
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(base + "/login")
            page.fill("input[name=username]", user)
            page.fill("input[name=password]", password)
            page.click("button[type=submit]")
            for path in paths:
                page.goto(base + path)
                name = path.strip("/").replace("/", "_").replace("?", "_") or "root"
                page.screenshot(path=str(out / f"{name}-{width}.png"), full_page=False)
            page.close()
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
