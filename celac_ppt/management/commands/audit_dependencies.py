"""Known vulnerabilities in the installed (pinned) packages.

pip-audit asks PyPI about each installed version. Where PyPI does not answer for a version,
the project's own PyPI record is asked instead: it lists the known vulnerabilities of the
newest release, which settles the question when the installed version is that release.
Packages neither can answer for are named and counted, never passed over in silence; they
fail the audit under AUDIT_STRICT=1. Any known vulnerability fails it.
"""

import json
import os
import subprocess  # nosec B404
import sys
import urllib.request
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

PYPI_PROJECT = "https://pypi.org/pypi/{name}/json"


def project_record(name):
    url = PYPI_PROJECT.format(name=name)
    # A fixed https address on PyPI, never a user-supplied one.
    with urllib.request.urlopen(url, timeout=20) as response:  # nosec B310
        return json.load(response)


def vulns_of_newest_release(name, version):
    """The known vulnerabilities of ``name==version`` if it is the newest release, else None."""
    try:
        record = project_record(name)
    except OSError:
        return None
    if record["info"]["version"] != version:
        return None
    return [
        {"id": vuln["id"], "fix_versions": vuln.get("fixed_in") or []}
        for vuln in record.get("vulnerabilities", [])
        if not vuln.get("withdrawn")
    ]


class Command(BaseCommand):
    help = "Audit the installed packages for known vulnerabilities (pip-audit, then PyPI)."

    def handle(self, *args, **options):
        pip_audit = Path(sys.executable).with_name("pip-audit")
        # A fixed command as a list, no shell.
        run = subprocess.run(  # nosec B603
            [str(pip_audit), "--skip-editable", "--progress-spinner", "off", "-f", "json"],
            capture_output=True,
            text=True,
            check=False,
        )
        try:
            report = json.loads(run.stdout)
        except json.JSONDecodeError as error:
            raise CommandError(f"pip-audit gave no report: {run.stderr.strip()}") from error

        audited, unaudited, vulnerable = [], [], []
        for dep in report["dependencies"]:
            vulns = dep.get("vulns")
            if "skip_reason" in dep:
                if "editable" in dep["skip_reason"]:
                    continue
                name, version = dep["name"], dep["skip_reason"].rsplit("(", 1)[-1].rstrip(")")
                vulns = vulns_of_newest_release(name, version)
                if vulns is None:
                    unaudited.append(f"{name}=={version}")
                    continue
                dep = {**dep, "version": version}
            audited.append(dep["name"])
            for vuln in vulns:
                fixed = ", ".join(vuln["fix_versions"]) or "no fix yet"
                vulnerable.append(
                    f"{dep['name']}=={dep['version']} {vuln['id']} (fixed in {fixed})"
                )

        for line in vulnerable:
            self.stdout.write(f"  VULNERABLE {line}")
        self.stdout.write(
            f"pip-audit: {len(vulnerable)} known vulnerabilities in {len(audited)} audited "
            f"packages; {len(unaudited)} could not be audited"
        )
        if unaudited:
            self.stdout.write("  not audited: " + ", ".join(unaudited))
        if vulnerable:
            raise CommandError(f"{len(vulnerable)} known vulnerabilities")
        if unaudited and os.environ.get("AUDIT_STRICT") == "1":
            raise CommandError(f"{len(unaudited)} packages could not be audited")
