"""Lighthouse's four scores for the public pages, as a phone on a mobile network sees them.

    make lighthouse                       # or: .venv/bin/python bench/lighthouse.py

Starts the portal in production mode (gunicorn, ``DJANGO_DEBUG=0``, whitenoise, the page
cache) on a throwaway SQLite database under var/lighthouse/ holding the plan and demo
reports (``seed_demo --reports 1500``), runs Lighthouse (pinned in
bench/lighthouse/package-lock.json; 12.x, the last line that runs on Node 20) with Debian's
Chromium on each page, keeps its JSON reports under var/lighthouse/ and writes the scores,
every audit that keeps a score below 100 and the main performance opportunities to
docs/lighthouse.md. Pages that this checkout does not serve yet are listed as such.
"""

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.servers import AppServer, get, manage, prepare_database, production_env

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "bench" / "lighthouse"
LIGHTHOUSE = TOOL / "node_modules" / "lighthouse" / "cli" / "index.js"
OUT = ROOT / "var" / "lighthouse"
DOC = ROOT / "docs" / "lighthouse.md"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
REPORTS = 1500
# Lighthouse's scores vary from run to run (more so on a busy machine): each page is read
# this many times and the run with the median performance score is kept.
RUNS = 3
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# (name, address)
PAGES = [
    ("dashboard", "/es/"),
    ("commitment", "/es/commitments/13.1/"),
    ("state", "/es/states/MX/"),
    ("map", "/es/map/"),
    ("search", "/es/search/?q=oceanica"),
]


def seeded_server_env():
    """A fresh database with the plan and the demo reports, and the environment to serve it."""
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    env = production_env(f"sqlite:///{OUT / 'db.sqlite3'}")
    prepare_database(env)
    # seed_demo refuses to run without DEBUG; one authentication backend lets it notify
    # reviewers (bench/seed_settings.py).
    seeding = {**env, "DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "bench.seed_settings"}
    manage(seeding, "seed_demo", "--reports", str(REPORTS))
    return env


def run_lighthouse(url, name, attempts=3):
    """Lighthouse's JSON report on ``url``, kept as var/lighthouse/NAME.json. A run that ends
    in one of Lighthouse's own runtime errors (now and then "NO_NAVSTART": the trace of the
    page load was not recorded) is run again, up to ``attempts`` times in all."""
    output = OUT / f"{name}.json"
    for attempt in range(1, attempts + 1):
        finished = subprocess.run(  # noqa: S603  (a fixed command on a page of the server started here)
            [
                "node",
                str(LIGHTHOUSE),
                url,
                "--quiet",
                "--form-factor=mobile",
                "--output=json",
                f"--output-path={output}",
                "--only-categories=" + ",".join(CATEGORIES),
                "--chrome-flags=--headless=new --no-sandbox",
            ],
            env={**os.environ, "CHROME_PATH": CHROME},
            check=attempt == attempts,
            timeout=600,
        )
        if finished.returncode == 0:
            break
        print(f"  {name}: Lighthouse failed (exit {finished.returncode}); running it again")
    return json.loads(output.read_text(encoding="utf-8"))


def score(value):
    return "—" if value is None else str(round(value * 100))


def below_100(report):
    """{category title: ["audit title (score)", ...]} for the audits that cost points."""
    found = {}
    for key in CATEGORIES[1:]:
        category = report["categories"][key]
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                found.setdefault(category["title"], []).append(
                    f"{audit['title']} ({score(audit['score'])})"
                )
    return found


def opportunities(report, most=5):
    """The performance audits Lighthouse lists with their estimated saving, largest first."""
    items = []
    for audit in report["audits"].values():
        details = audit.get("details") or {}
        if details.get("type") == "opportunity" and (audit["score"] or 0) < 1:
            saving = details.get("overallSavingsMs") or 0
            items.append((saving, f"{audit['title']} (~{saving:.0f} ms)"))
    for key in ("dom-size", "total-blocking-time", "largest-contentful-paint"):
        audit = report["audits"].get(key)
        if audit and audit["score"] is not None and audit["score"] < 1:
            items.append((0, f"{audit['title']}: {audit.get('displayValue', '')}".strip()))
    items.sort(key=lambda item: -item[0])
    return [text for _saving, text in items[:most]]


METRICS = (
    ("first-contentful-paint", "FCP"),
    ("largest-contentful-paint", "LCP"),
    ("total-blocking-time", "TBT"),
    ("cumulative-layout-shift", "CLS"),
    ("speed-index", "Speed Index"),
    ("total-byte-weight", "transferred"),
    ("server-response-time", "server response"),
)


def metrics(report):
    """The performance metrics, as Lighthouse writes them ("2.1 s", "290 ms")."""
    audits = report["audits"]
    return "; ".join(
        f"{label} {audits[key].get('displayValue', '').split('was ')[-1].split('took ')[-1]}"
        for key, label in METRICS
        if key in audits
    )


def write_doc(results, missing, version):
    lines = [
        "# Lighthouse scores",
        "",
        f"`make lighthouse` on {datetime.date.today().isoformat()}: Lighthouse {version}, mobile "
        "form factor (simulated slow 4G and a mid-range phone's CPU), Debian's Chromium "
        "headless, the portal in production mode (gunicorn, `DJANGO_DEBUG=0`) with the plan "
        f"and {REPORTS:,} demo reports (`seed_demo --reports {REPORTS}`). The JSON reports are "
        "left under `var/lighthouse/`. Lighthouse reads each page as kept after its first "
        "rendering (one gunicorn worker, so the page cache it fills is the one that answers); "
        f"the first rendering's time is given with the metrics. Each page is read {RUNS} "
        "times and the run with the median performance score is shown. Performance is "
        "simulated from the CPU time the page took here: on a busy machine (a CPU benchmark "
        "index well under 1,000) Total Blocking Time comes out higher than on a quiet one.",
        "",
        "| page | address | performance | accessibility | best practices | SEO |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, path, report in results:
        scores = [score(report["categories"][key]["score"]) for key in CATEGORIES]
        lines.append(f"| {name} | `{path}` | " + " | ".join(scores) + " |")
    for name, path in missing:
        lines.append(f"| {name} | `{path}` | not served by this checkout yet | | | |")
    lines += ["", "## Metrics", ""]
    for name, _path, report in results:
        first = report.get("firstRenderingMs")
        lines += [
            f"- **{name}**: {metrics(report)}; first rendering (not kept yet) {first} ms; "
            f"Lighthouse's CPU benchmark index over the runs "
            f"{', '.join(map(str, report.get('benchmarkIndexes', [])))}"
        ]
    lines += ["", "## What keeps a score below 100", ""]
    for name, path, report in results:
        lost = below_100(report)
        perf = report["categories"]["performance"]["score"]
        lines.append(f"**{name}** (`{path}`)")
        lines.append("")
        if not lost and perf == 1:
            lines += ["- nothing: 100 in every category", ""]
            continue
        for category, audits in lost.items():
            lines.append(f"- {category}: " + "; ".join(audits))
        if perf is not None and perf < 1:
            lines.append("- Performance: " + "; ".join(opportunities(report) or ["—"]))
        lines.append("")
    DOC.write_text("\n".join(lines), encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} is missing: run `make lighthouse` (npm ci in {TOOL})")
    env = seeded_server_env()
    # One worker: the page it keeps after the first visit (locmem cache, per process) is the
    # one Lighthouse gets, as every worker would with the shared cache of production (Redis).
    server = AppServer(env, workers=1)
    # Absolute links (alternates, share cards) name the server Lighthouse reads.
    server.env["SITE_URL"] = server.url
    results, missing = [], []
    with server:
        for name, path in PAGES:
            started = time.perf_counter()
            status, _body = get(server.url + path)
            rendering = time.perf_counter() - started
            if status != 200:
                print(f"{name}: {path} answers {status}; left out", flush=True)
                missing.append((name, path))
                continue
            print(f"{name}: Lighthouse on {path}, {RUNS} runs ...", flush=True)
            runs = [run_lighthouse(server.url + path, f"{name}-{n}") for n in range(RUNS)]
            runs.sort(key=lambda run: run["categories"]["performance"]["score"] or 0)
            report = runs[len(runs) // 2]
            (OUT / f"{name}.json").write_text(json.dumps(report), encoding="utf-8")
            report["benchmarkIndexes"] = [
                round(run["environment"]["benchmarkIndex"]) for run in runs
            ]
            report["firstRenderingMs"] = round(rendering * 1000)
            results.append((name, path, report))
            scores = ", ".join(
                f"{key} {score(report['categories'][key]['score'])}" for key in CATEGORIES
            )
            print(f"  {scores}", flush=True)
    version = "?"
    if results:
        report = results[0][2]
        version = f"{report['lighthouseVersion']} ({report['environment']['hostUserAgent']})"
    write_doc(results, missing, version)
    print(f"Written to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
