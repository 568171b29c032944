"""Known vulnerabilities in the installed (pinned) packages, from pip-audit's JSON report.

Fails on any known vulnerability. Packages the vulnerability service could not answer for
are counted and named, never passed over in silence; they fail the audit under
AUDIT_STRICT=1.
"""

import json
import os
import subprocess  # nosec B404
import sys
from pathlib import Path

PIP_AUDIT = Path(sys.executable).with_name("pip-audit")


def main():
    # A fixed command as a list, no shell.
    run = subprocess.run(  # nosec B603
        [str(PIP_AUDIT), "--skip-editable", "--progress-spinner", "off", "-f", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        sys.stderr.write(run.stderr)
        print("pip-audit: no report (is PyPI reachable?)")
        return 2
    audited, unaudited, vulnerable = [], [], []
    for dep in report["dependencies"]:
        if "skip_reason" in dep:
            if dep["skip_reason"] != "distribution marked as editable":
                unaudited.append(dep["name"])
            continue
        audited.append(dep["name"])
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln["fix_versions"]) or "no fix yet"
            vulnerable.append(f"{dep['name']}=={dep['version']} {vuln['id']} (fixed in {fixed})")
    for line in vulnerable:
        print(f"  VULNERABLE {line}")
    print(
        f"pip-audit: {len(vulnerable)} known vulnerabilities in {len(audited)} audited packages; "
        f"{len(unaudited)} could not be audited"
    )
    if unaudited:
        print("  not audited (the vulnerability service had no answer): " + ", ".join(unaudited))
    if vulnerable:
        return 1
    if unaudited and os.environ.get("AUDIT_STRICT") == "1":
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
