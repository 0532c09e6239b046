"""Documents and the image store (lib/features/documents.c, docexport.c,
seturl.c, imagestore.c, imaging.c): POST /documents/Upload, UploadSftp,
DownloadSftp, Thumbnails, DownloadMount, SetByUrl, on every backend.

Each backend gets an odlocal of its own with an A to Z folder in a
temporary folder (the sandbox: {data dir}/images), a known_hosts file the
SFTP tests add the test sshd's key to (test_queries_sftp.py's sshd), and
SetByUrl allowed to fetch from this machine. Images are made here: PNG by
zlib, JPEG by build/test/helpers/jpegtool (libjpeg, not the library under
test); what comes back is decoded the same way."""
import base64
import json
import os
import re
import struct
import subprocess
import zlib

import pytest

from conftest import (TOP, Server, full_args, mysql, socket_path, uniq)

KEY = "NFF6i0KrXrxDkZHt/VzkmZEaUWOjnQX2z"
JPEGTOOL = os.path.join(TOP, "build", "test", "helpers", "jpegtool")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
DOCUMENT = ["DocNum", "Description", "DateCreated", "DocCategory",
            "docCategory", "PatNum", "FileName", "ImgType", "ToothNumbers",
            "DateTStamp", "ProvNum", "PrintHeading"]
SFTP_DOC = ["DocNum", "filePath", "Description", "ToothNumbers", "Note",
            "DateCreated", "DateTStamp", "DocCategory", "docCategory",
            "serverDateTime"]
PERM_IMAGE_EXPORT, PERM_IMAGE_CREATE = 201, 202


# ---- images ------------------------------------------------------------------------

def png(w, h, pixel=lambda x, y: (x * 40 % 256, y * 40 % 256, 128)):
    """An RGB PNG (filter 0 rows, zlib)."""
    raw = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(w))
                   for y in range(h))

    def chunk(t, d):
        return (struct.pack(">I", len(d)) + t + d +
                struct.pack(">I", zlib.crc32(t + d) & 0xffffffff))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def unpng(data):
    """(w, h, rows of RGBA tuples) of an 8-bit RGBA PNG, filters 0-4."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, w, h = 8, b"", 0, 0
    while pos < len(data):
        n, t = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if t == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert (depth, ctype) == (8, 6)
        elif t == b"IDAT":
            idat += body
        pos += 12 + n
    raw, rows, prev, bpp = zlib.decompress(idat), [], bytearray(w * 4), 4
    for y in range(h):
        f, line = raw[y * (w * 4 + 1)], bytearray(
            raw[y * (w * 4 + 1) + 1:(y + 1) * (w * 4 + 1)])
        for i in range(len(line)):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 255
        rows.append([tuple(line[x * 4:x * 4 + 4]) for x in range(w)])
        prev = line
    return w, h, rows


def jpeg(w, h, pixel=lambda x, y: (200, 30, 30), orientation=0):
    rgb = b"".join(bytes(pixel(x, y)) for y in range(h) for x in range(w))
    args = [JPEGTOOL, "encode", str(w), str(h)]
    if orientation:
        args.append(str(orientation))
    return subprocess.run(args, input=rgb, capture_output=True,
                          check=True).stdout


def unjpeg(data):
    out = subprocess.run([JPEGTOOL, "decode"], input=data,
                         capture_output=True, check=True).stdout
    head, rgb = out.split(b"\n", 1)
    w, h = map(int, head.split())
    return w, h, [[tuple(rgb[(y * w + x) * 3:(y * w + x) * 3 + 3])
                   for x in range(w)] for y in range(h)]


def near(a, b, tol=24):
    return all(abs(x - y) <= tol for x, y in zip(a, b))


def b64(data):
    return base64.b64encode(data).decode()


# ---- the servers ------------------------------------------------------------------------

@pytest.fixture(scope="module", params=["server", "embedded", "fullschema"])
def dapi(request, server_db, tmp_path_factory):
    """odlocal on each backend with an A to Z folder of its own."""
    d = tmp_path_factory.mktemp("docs-" + request.param)
    known = d / "known_hosts"
    known.write_text("")
    images = d / "images"
    (images / "A").mkdir(parents=True)
    args = ["--port", "0", "--log-level", "Warning", "--known-hosts",
            str(known), "--url-allow-private"]
    if request.param == "server":
        args += ["--db-socket", socket_path(), "--db-user", "root",
                 "--db-name", server_db, "--demo-key", KEY,
                 "--image-dir", str(images)]
    elif request.param == "embedded":
        args += ["--data-dir", str(d / "sandbox"), "--patients", "20"]
        images = d / "sandbox" / "images"
    else:
        args += full_args(request.getfixturevalue("full_db")) + [
            "--image-dir", str(images)]
    srv = Server("odlocal", args).start()
    srv.backend = "embedded" if request.param == "embedded" else "server"
    srv.param = request.param
    srv.db_name = server_db if request.param == "server" else (
        request.getfixturevalue("full_db")
        if request.param == "fullschema" else None)
    srv.images = str(images)
    srv.known = str(known)
    srv.tmp = d
    yield srv
    assert srv.stop() == 0, srv.stderr()


def sql(api, q):
    """SQL on the backend's database (None on the sandbox)."""
    if api.db_name is None:
        return None
    return mysql(q, db=api.db_name,
                 open_dental_mode=api.param == "fullschema")


def request(api, method, path, body=None, **kw):
    st, obj, r = api.request(method, path, body, **kw)
    return st, obj, r


def new_patient(api, lname=None, fname="Pat"):
    st, p, _ = request(api, "POST", "patients",
                       {"LName": lname or uniq("Imgtest"), "FName": fname})
    assert st == 201, p
    return p


def image_cats(api):
    """The image categories, the default one (the first shown) first."""
    st, defs, _ = request(api, "GET", "definitions?Category=18")
    assert st == 200 and defs, defs
    # the shown ones (not IsHidden), by ItemOrder
    return defs


def own_logs(api, perm):
    st, rows, _ = request(api, "GET", "securitylogs?PermType=%s&Limit=10000"
                          % perm)
    assert st == 200, rows
    return rows


def patient_dir(api, p):
    folder = re.sub(r"[^A-Za-z]", "", p["LName"] + p["FName"]) + str(
        p["PatNum"])
    return os.path.join(api.images, folder[0].upper(), folder)


def upload(api, pat, data, ext=".png", status=201, **extra):
    body = {"PatNum": pat, "rawBase64": b64(data), "extension": ext}
    body.update(extra)
    st, obj, r = request(api, "POST", "documents/Upload", body)
    assert st == status, obj
    return obj, r


# ---- Upload -------------------------------------------------------------------------------

def test_upload_writes_the_file_as_open_dental_names_it(dapi):
    p = new_patient(dapi, lname="O'Brien-" + uniq("Smith").split()[1],
                    fname="Ann Marie")
    data = png(6, 4)
    before = len(own_logs(dapi, "ImageCreate"))
    doc, r = upload(dapi, p["PatNum"], data, ToothNumbers="1-5,8",
                    Description="Extraoral", ImgType="Photo",
                    DateCreated="2022-03-15 14:30:00", PrintHeading="true")
    assert list(doc) == DOCUMENT
    letters = re.sub(r"[^A-Za-z]", "", p["LName"] + p["FName"])
    assert doc["FileName"] == "%s%d.png" % (letters, doc["DocNum"])
    assert (doc["PatNum"], doc["Description"], doc["ImgType"],
            doc["ToothNumbers"], doc["DateCreated"], doc["PrintHeading"],
            doc["ProvNum"]) == (p["PatNum"], "Extraoral", "Photo",
                                "1,2,3,4,5,8", "2022-03-15 14:30:00",
                                "true", 0)
    assert DATETIME.match(doc["DateTStamp"])
    assert r.getheader("Location").endswith("/api/v1/documents/%d"
                                            % doc["DocNum"])
    # the first image category by default
    assert doc["DocCategory"] == image_cats(dapi)[0]["DefNum"]
    # ImageStore.GetPatientFolder: {A to Z}/{letter}/{LName FName letters}{PatNum}
    path = os.path.join(patient_dir(dapi, p), doc["FileName"])
    with open(path, "rb") as f:
        assert f.read() == data
    st, got, _ = request(dapi, "GET", "documents/%d" % doc["DocNum"])
    assert (st, got["FileName"]) == (200, doc["FileName"])
    if dapi.db_name:
        assert sql(dapi, "SELECT ImageFolder FROM patient WHERE PatNum = %d"
                   % p["PatNum"]) == [[os.path.basename(patient_dir(dapi, p))]]
        assert sql(dapi, "SELECT Note, RawBase64 FROM document WHERE "
                   "DocNum = %d" % doc["DocNum"]) == [["", ""]]
    logs = own_logs(dapi, "ImageCreate")
    assert len(logs) == before + 1
    assert (logs[-1]["PatNum"], logs[-1]["LogText"]) == (
        p["PatNum"], "Created by Sandbox Developer through API.")


def test_upload_names_are_unique_and_never_overwrite(dapi):
    p = new_patient(dapi)
    a, _ = upload(dapi, p["PatNum"], png(2, 2), ext="jpg")
    assert a["FileName"].endswith("%d.jpg" % a["DocNum"])
    # a file already in the folder under the next name is never replaced
    nxt = a["DocNum"] + 1
    name = re.sub(r"[^A-Za-z]", "", p["LName"] + p["FName"]) + "%d.png" % nxt
    path = os.path.join(patient_dir(dapi, p), name)
    with open(path, "wb") as f:
        f.write(b"someone else's file")
    b, _ = upload(dapi, p["PatNum"], png(3, 3))
    if b["DocNum"] == nxt:
        assert b["FileName"] == "x" + name
    with open(path, "rb") as f:
        assert f.read() == b"someone else's file"


def test_upload_jpeg_exif_orientation_sets_rotation(dapi):
    if not dapi.db_name:
        pytest.skip("DegreesRotated is not in the API's answers; read by SQL")
    p = new_patient(dapi)
    doc, _ = upload(dapi, p["PatNum"], jpeg(8, 4, orientation=6),
                    ext=".jpg")
    assert sql(dapi, "SELECT DegreesRotated FROM document WHERE DocNum = %d"
               % doc["DocNum"]) == [["90"]]


def test_upload_errors(dapi):
    p = new_patient(dapi)
    good = {"PatNum": p["PatNum"], "rawBase64": b64(b"abc"),
            "extension": ".txt"}

    def bad(change, status, msg, drop=()):
        body = dict(good, **change)
        for k in drop:
            body.pop(k)
        st, obj, _ = request(dapi, "POST", "documents/Upload", body)
        assert (st, obj) == (status, msg)
    bad({}, 400, "PatNum is required.", drop=["PatNum"])
    bad({"PatNum": "x"}, 400, "PatNum is invalid.")
    bad({}, 400, "rawBase64 is required.", drop=["rawBase64"])
    bad({"rawBase64": "not base64!"}, 400, "rawBase64 is not valid base64.")
    bad({"rawBase64": 5}, 400, "rawBase64 is invalid.")
    bad({}, 400, "extension is required.", drop=["extension"])
    for ext in ("../x", "/etc/passwd", ".j/pg", ".jp\\g", "..",
                ".verylongextension", ".jp g"):
        st, obj, _ = request(dapi, "POST", "documents/Upload",
                             dict(good, extension=ext))
        assert st == 400 and obj.startswith("extension is"), (ext, obj)
    # a NUL is refused before anything reads it
    st, obj, _ = request(dapi, "POST", "documents/Upload",
                         dict(good, extension=".jp\u0000g"))
    assert (st, obj) == (400, "The request body is not valid JSON.")
    bad({"PatNum": 99999999}, 404, "Patient not found.")
    bad({"DocCategory": 1}, 400, "DocCategory is invalid.")
    bad({"ImgType": "Xray"}, 400, "ImgType is invalid.")
    bad({"ProvNum": 99999999}, 400, "ProvNum is invalid.")
    bad({"PrintHeading": "maybe"}, 400, "PrintHeading is invalid.")
    bad({"DateCreated": "2022-13-01"}, 400,
        "DateCreated format must be yyyy-MM-dd HH:mm:ss.")
    bad({"ToothNumbers": "1-40"}, 400,
        "ToothNumbers is invalid: 40 is not a valid tooth number.")
    bad({"ToothNumbers": "9-3"}, 400,
        "ToothNumbers is invalid: range specified is impossible.")
    bad({"Description": "x" * 256}, 400, "Description is too long.")
    st, obj, _ = request(dapi, "POST", "documents/Upload", "{not json")
    assert (st, obj) == (400, "The request body is not valid JSON.")
    # nothing was written for any of them
    assert not os.path.exists(patient_dir(dapi, p))


def test_upload_tooth_numbers_as_tooth_parse_range(dapi):
    p = new_patient(dapi)
    for given, stored in (("1-32", ",".join(str(i) for i in range(1, 33))),
                          ("8, 1 ,a,T", "1,8,A,T"), ("1-A", "1,2,3,4"),
                          ("AS,51", "51,AS"), ("", "")):
        doc, _ = upload(dapi, p["PatNum"], b"x", ext=".txt",
                        ToothNumbers=given)
        assert doc["ToothNumbers"] == stored, given


def test_upload_needs_documents_permission(dapi, tmp_path):
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"keys": [
        {"DeveloperKey": "DevDocsssssssss1", "CustomerKey": "CustDocsssssss1",
         "Permissions": ["ApiReadAll", "ApiAllOthers"]},
        {"DeveloperKey": "DevDocsssssssss2", "CustomerKey": "CustDocsssssss2",
         "Permissions": ["ApiReadAll", "ApiDocuments"]}]}))
    if dapi.param == "embedded":
        pytest.skip("one process per sandbox: the keys file is tested on the "
                    "database backends")
    args = ["--port", "0", "--log-level", "Warning", "--keys", str(keys),
            "--image-dir", dapi.images]
    args += (["--db-socket", socket_path(), "--db-user", "root",
              "--db-name", dapi.db_name] if dapi.param == "server"
             else [a for a in full_args(dapi.db_name)
                   if a not in ("--demo-key", KEY)])
    srv = Server("odlocal", args).start()
    try:
        p = new_patient(dapi)
        body = {"PatNum": p["PatNum"], "rawBase64": b64(b"x"),
                "extension": ".txt"}
        st, obj, _ = srv.request("POST", "documents/Upload", body,
                                 auth="ODFHIR DevDocsssssssss1/"
                                      "CustDocsssssss1")
        assert st == 401 and "ApiDocuments" in obj, obj
        st, obj, _ = srv.request("POST", "documents/Upload", body,
                                 auth="ODFHIR DevDocsssssssss2/"
                                      "CustDocsssssss2")
        assert st == 201, obj
        # the other documents writes are ApiAllOthers
        st, obj, _ = srv.request("POST", "documents/SetByUrl",
                                 {"PatNum": p["PatNum"],
                                  "url": "http://127.0.0.1:1/x.png"},
                                 auth="ODFHIR DevDocsssssssss2/"
                                      "CustDocsssssss2")
        assert st == 401 and "ApiAllOthers" in obj, obj
    finally:
        srv.stop()
