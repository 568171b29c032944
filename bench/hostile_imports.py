"""How long the import check takes to refuse files built to hold a worker, and its memory.

    .venv/bin/python bench/hostile_imports.py

Builds each file, then runs it through ``exchange.imports.import_file`` (the check the
admin's worker and ``import_plan`` run) on a scratch SQLite database with the plan loaded.
Prints, for each: its size and declared size, the CPU seconds and wall seconds to refuse
it, the peak of Python memory allocated meanwhile (a second run under tracemalloc, which
slows it down) and the message. Each should be refused in well under 5 s of CPU.
"""

import io
import json
import os
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def wide_json_row(keys=100_000):
    return json.dumps({"axes": [{f"column {i}": i for i in range(keys)}]}).encode()


def workbook():
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "axes"
    book.active.append(["number", "name"])
    book.active.append([1, "Eje"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_shared_strings(sst, part="xl/sharedStrings.xml"):
    """A small workbook whose shared-strings part ``part`` holds ``sst``."""
    source = zipfile.ZipFile(io.BytesIO(workbook()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/' + part.encode() + b'" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                    b"</Types>",
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdS" Target="/' + part.encode() + b'" Type="http://'
                    b'schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
                    b"</Relationships>",
                )
            target.writestr(info.filename, data)
        target.writestr(part, sst)
    return buffer.getvalue()


def sst(body, count=None):
    count = b' count="%d" uniqueCount="%d"' % (count, count) if count else b""
    return b'<?xml version="1.0"?><sst xmlns="%s"%s>%s</sst>' % (NS, count, body)


def hostile_files():
    many = 3_600_000
    strings = b"".join(b"<si><t>Texto %d</t></si>" % i for i in range(many))
    runs = b"".join(b"<r><t>%x</t></r>" % (i % 65536) for i in range(2_000_000))
    prefix = b"p" * 40
    prefixed = b"".join(
        b"<%s:si><%s:t>t%d</%s:t></%s:si>" % (prefix, prefix, i, prefix, prefix)
        for i in range(510_000)
    )
    prefixed = b'<%s:sst xmlns:%s="%s">%s</%s:sst>' % (prefix, prefix, NS, prefixed, prefix)
    plain = b"".join(b"<si><t>t%d</t></si>" % i for i in range(2_000_000))
    return {
        "JSON, one row of 100,000 keys": ("plan.json", wide_json_row()),
        f"XLSX, {many:,} shared strings": ("plan.xlsx", with_shared_strings(sst(strings, many))),
        "XLSX, one text of 2,000,000 runs": (
            "plan.xlsx",
            with_shared_strings(sst(b"<si>" + runs + b"</si>")),
        ),
        "XLSX, texts under a 40-letter prefix": ("plan.xlsx", with_shared_strings(prefixed)),
        "XLSX, texts in a part not named .xml": (
            "plan.xlsx",
            with_shared_strings(sst(plain), part="xl/strings.bin"),
        ),
    }


def declared(data):
    if not data.startswith(b"PK"):
        return len(data)
    return sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())


def main():
    scratch = tempfile.mkdtemp(prefix="celac-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "celac_ppt.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import translation

    from exchange.imports import import_file

    call_command("migrate", verbosity=0)
    call_command("loaddata", "ppt2020", verbosity=0)
    translation.activate("en")
    print("Refusing hostile files (import_file, dry run, SQLite):")
    for label, (name, data) in hostile_files().items():
        cpu, wall = time.process_time(), time.perf_counter()
        outcome = import_file(name, data, dry_run=True)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        tracemalloc.start()
        import_file(name, data, dry_run=True)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        verdict = str(outcome.problems[0]) if outcome.problems else "ACCEPTED"
        print(
            f"  {label}\n    {len(data) / 2**20:5.1f} MiB, {declared(data) / 2**20:6.1f} MiB "
            f"declared: {cpu:5.2f} s CPU, {wall:5.2f} s, peak Python memory "
            f"{peak / 2**20:6.1f} MiB\n    {verdict}"
        )


if __name__ == "__main__":
    main()
