"""Hostile files for the import checks, shared by the tests and bench/hostile_imports.py."""

import io
import json
import zipfile

import openpyxl

SST_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def wide_json_row(keys=100_000):
    """One row of ``keys`` keys: header handling that is quadratic takes minutes on it."""
    return json.dumps({"axes": [{f"column {i}": i for i in range(keys)}]}).encode()


def small_workbook():
    book = openpyxl.Workbook()
    book.active.title = "axes"
    book.active.append(["number", "name"])
    book.active.append([1, "Eje"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sst(body, count=None):
    """A shared-strings part holding ``body`` (its ``<si>`` items)."""
    count = b' count="%d" uniqueCount="%d"' % (count, count) if count else b""
    return b'<?xml version="1.0"?><sst xmlns="%s"%s>%s</sst>' % (SST_NS, count, body)


def add_shared_strings(xlsx, sst, part="xl/sharedStrings.xml"):
    """``xlsx`` with ``sst`` as its shared-strings part ``part``, declared where Excel
    declares it (openpyxl reads the part the content types name, whatever its name)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
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
                    b'<Relationship Id="rIdStrings" Target="/' + part.encode() + b'" Type="http://'
                    b'schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
                    b"</Relationships>",
                )
            target.writestr(info.filename, data)
        target.writestr(part, sst)
    return buffer.getvalue()


def shared_strings_bomb(strings=1_000_000):
    """A small, valid workbook whose shared-strings table holds ``strings`` short texts:
    a few MB that pass the zip checks, hundreds of MB once openpyxl has loaded them."""
    table = b"".join(b"<si><t>t%d</t></si>" % i for i in range(strings))
    return add_shared_strings(small_workbook(), sst(table, strings))
