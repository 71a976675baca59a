"""Screenshots of the README: the main back-office pages at 1366×768 (an office laptop)
and the public portal at 375 px (a phone), in French, on demo data.

Runs the e2e tests' live server (tests/e2e/support.py: the release step, demo data, a
gunicorn of its own on a temporary SQLite file) and Debian's Chromium through Playwright.
Usage: .venv/bin/python scripts/screenshots.py [--out docs/screenshots]
"""

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e import support  # noqa: E402

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 812}


def back_office(browser, url: str, out: Path) -> list[Path]:
    context = browser.new_context(base_url=url, locale="fr-FR", timezone_id="Europe/Paris",
                                  viewport=LAPTOP)
    page = context.new_page()
    support.login(page, *support.ADMIN)
    support.set_language(page, "fr")
    page.goto("/complaints/list/")
    complaint = page.locator("table a[href*='/complaints/show/']").nth(2).get_attribute("href")
    page.goto("/clients/list/")
    client = page.locator("table a[href*='/clients/show/']").first.get_attribute("href")
    shots = [
        ("dashboard", "/dashboard/"),
        ("complaint-list", "/complaints/list/"),
        ("complaint-page", complaint),
        ("client-page", client),
        ("reports", "/reports/"),
        ("complaint-form", "/complaints/add"),
    ]
    taken = []
    for name, path in shots:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        taken.append(shoot(page, out / f"{name}.png"))
    context.close()
    return taken


def portal(browser, url: str, out: Path, links: dict) -> list[Path]:
    context = browser.new_context(base_url=url, locale="fr-FR", timezone_id="Europe/Paris",
                                  viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    taken = []
    page.goto("/public/complaint")
    taken.append(shoot(page, out / "portal-form.png"))
    page.fill("#f-email", "adresse incomplète")
    page.click("#submit-complaint")
    page.locator("#form-problem").wait_for()
    taken.append(shoot(page, out / "portal-form-errors.png"))
    page.fill("#f-name", "Inès Lefèvre")
    page.fill("#f-email", "ines.lefevre@example.org")
    page.fill("#f-subject", "Facture de mars")
    page.fill("#f-description", "Le montant de ma facture de mars est deux fois trop élevé.")
    page.check("#f-consent")
    page.click("#submit-complaint")
    page.locator("#tracking-number").wait_for()
    taken.append(shoot(page, out / "portal-confirmation.png"))
    page.goto(links["track"])
    taken.append(shoot(page, out / "portal-tracking.png"))
    context.close()
    return taken


def shoot(page, path: Path) -> Path:
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.screenshot(path=str(path), full_page=False, animations="disabled", caret="hide")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    if support.SKIP_REASON:
        print(support.SKIP_REASON.replace("e2e: ", "screenshots: "), file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="screenshots-") as tmp:
        workdir = Path(tmp)
        env = support.demo_environment(workdir)
        support.run_cli(["setup"], env)
        support.run_cli(["demo", "load", "--clients", "60", "--complaints", "400"], env)
        links = support.portal_links(env)
        server = support.start_server(env, workdir)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(support.CHROMIUM),
                                                     headless=True,
                                                     args=support.CHROMIUM_ARGS)
                taken = (back_office(browser, server.url, out)
                         + portal(browser, server.url, out, links))
                browser.close()
        finally:
            support.stop_server(server)
    for path in taken:
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}"
              f"  {path.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
