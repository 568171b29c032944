"""Take the README's screenshots of the public pages, on made-up demo data.

    .venv/bin/python docs/screenshots.py [--lang en] [--out docs]

Builds a throwaway SQLite database in a temporary folder (never var/db.sqlite3): the plan and
its translations (`ensure_plan`),
then published demo reports from 20 member states, then serves it with ``runserver`` and has
Debian's Chromium (through Playwright) photograph the dashboard, the list of what needs
attention, the map and a commitment page at 1280 px and at 375 px wide.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTING_STATES = [
    "MX", "AR", "BR", "CL", "CO", "CU", "PE", "UY", "PA", "CR",
    "EC", "GT", "JM", "BB", "DO", "HN", "PY", "BO", "SV", "TT",
]  # fmt: skip
PAGES = {
    "dashboard": "/",
    "attention": "/attention/",
    "map": "/map/",
    "commitment": "/commitments/13.1/",
}
WIDTHS = {"desktop": 1280, "mobile": 375}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed(env):
    code = (
        "import django; django.setup();"
        "from django.core.management import call_command;"
        "call_command('migrate', verbosity=0);"
        "call_command('ensure_plan', verbosity=0);"
        "from tests.progress_data import make_varied_reports;"
        f"make_varied_reports(seed=2020, states={REPORTING_STATES!r})"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lang", default="en", help="language of the pages (default: en)")
    parser.add_argument("--out", default=str(ROOT / "docs"), help="folder for the PNG files")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "celac_ppt.settings",
            "DATABASE_URL": f"sqlite:///{folder}/screenshots.sqlite3",
            "PUBLIC_PAGE_CACHE_SECONDS": "0",
            "PYTHONPATH": str(ROOT),
        }
        seed(env)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.2)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium", args=["--no-sandbox"]
                )
                for size, width in WIDTHS.items():
                    context = browser.new_context(
                        viewport={"width": width, "height": 900},
                        locale=args.lang,
                        extra_http_headers={"Accept-Language": args.lang},
                    )
                    page = context.new_page()
                    for name, path in PAGES.items():
                        page.goto(f"http://127.0.0.1:{port}{path}")
                        target = Path(args.out) / f"{name}-{size}.png"
                        page.screenshot(path=str(target), full_page=True)
                        print(target)
                    context.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
