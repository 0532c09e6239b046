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


def test_upload_of_several_mib_passes_the_json_cap(dapi):
    """documents/Upload carries a file: its body may pass the 1 MiB cap of
    JSON bodies, up to ODAPI_LIMIT_MAX_BODY (docs/http.md)."""
    p = new_patient(dapi)
    # random pixels: a PNG that zlib cannot shrink, ~4 MiB as base64
    rnd = os.urandom(3 * 1000 * 1000)
    data = png(1000, 1000, lambda x, y: tuple(rnd[3 * (y * 1000 + x):
                                                   3 * (y * 1000 + x) + 3]))
    assert len(b64(data)) > 2 * 1024 * 1024
    doc, _ = upload(dapi, p["PatNum"], data)
    with open(os.path.join(patient_dir(dapi, p), doc["FileName"]),
              "rb") as f:
        assert f.read() == data


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


# ---- SFTP --------------------------------------------------------------------------------

from test_queries_sftp import PASSWORD, sshd  # noqa: E402,F401 (a fixture)

needs_root = pytest.mark.skipif(
    os.geteuid() != 0,
    reason="not root: cannot add the test sshd's temporary user")


@pytest.fixture
def sftp(dapi, sshd):  # noqa: F811
    """The test sshd, its host key known to this backend's odlocal."""
    with open(sshd["known"]) as f:
        line = f.read()
    with open(dapi.known, "a+") as f:
        f.seek(0)
        if line not in f.read():
            f.write(line)
    return sshd


def sftp_body(sshd, rel, **extra):
    body = {"SftpAddress": "127.0.0.1%s/%s" % (sshd["home"], rel),
            "SftpUsername": sshd["user"], "SftpPassword": PASSWORD,
            "SftpPort": sshd["port"]}
    body.update(extra)
    return body


def on_sftp(sshd, rel):
    with open(os.path.join(sshd["home"], rel), "rb") as f:
        return f.read()


def put_on_sftp(sshd, rel, data):
    path = os.path.join(sshd["home"], rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


@needs_root
def test_upload_then_download_sftp_round_trip(dapi, sftp):
    p = new_patient(dapi)
    data = jpeg(16, 12, lambda x, y: (x * 15, y * 20, 90))
    doc, _ = upload(dapi, p["PatNum"], data, ext=".jpg")
    exports = len(own_logs(dapi, "ImageExport"))
    st, body, r = request(dapi, "POST", "documents/DownloadSftp",
                          sftp_body(sftp, "out/%s.jpg" % uniq("d")[-8:],
                                    DocNum=doc["DocNum"]))
    assert st == 201, body
    loc = r.getheader("Location")
    assert loc.startswith("127.0.0.1:%d%s/out/" % (sftp["port"],
                                                    sftp["home"]))
    assert on_sftp(sftp, loc.split(sftp["home"] + "/", 1)[1]) == data
    # a folder address: the document's own file name
    st, body, r = request(dapi, "POST", "documents/DownloadSftp",
                          sftp_body(sftp, "dir/", DocNum=doc["DocNum"]))
    assert st == 201, body
    assert on_sftp(sftp, "dir/" + doc["FileName"]) == data
    logs = own_logs(dapi, "ImageExport")
    assert len(logs) == exports + 2
    assert (logs[-1]["PatNum"], logs[-1]["LogText"]) == (
        p["PatNum"], "Downloaded by Sandbox Developer through API.")


@needs_root
def test_download_sftp_errors(dapi, sftp):
    p = new_patient(dapi)
    doc, _ = upload(dapi, p["PatNum"], png(2, 2))

    def dl(rel, status, msg, **extra):
        st, obj, _ = request(dapi, "POST", "documents/DownloadSftp",
                             sftp_body(sftp, rel, **extra))
        assert (st, obj) == (status, msg)
    dl("x.png", 400, "DocNum or MountNum is required.")
    dl("x.png", 400, "Give DocNum or MountNum, not both.",
       DocNum=doc["DocNum"], MountNum=1)
    dl("x.png", 400, "DocNum is invalid.", DocNum="abc")
    dl("x.png", 404, "Document not found", DocNum=99999999)
    dl("x.png", 404, "Mount not found.", MountNum=99999999)
    dl("x.jpg", 400, "SftpAddress must name a .png file, as the stored file "
                     "is.", DocNum=doc["DocNum"])
    dl("x.png", 400, "SFTP: 127.0.0.1 refused the user name or password of "
                     "%s." % sftp["user"], DocNum=doc["DocNum"],
       SftpPassword="wrong")
    st, obj, _ = request(dapi, "POST", "documents/DownloadSftp",
                         {"DocNum": doc["DocNum"]})
    assert (st, obj) == (400, "SftpAddress is required.")
    # the file is gone from the A to Z folder: said so, nothing written
    os.remove(os.path.join(patient_dir(dapi, p), doc["FileName"]))
    st, obj, _ = request(dapi, "POST", "documents/DownloadSftp",
                         sftp_body(sftp, "gone.png", DocNum=doc["DocNum"]))
    assert st == 400 and "cannot be read" in obj, obj
    assert not os.path.exists(os.path.join(sftp["home"], "gone.png"))


@needs_root
def test_upload_sftp_round_trip(dapi, sftp):
    p = new_patient(dapi)
    data = png(5, 7)
    put_on_sftp(sftp, "in/Radiograph.PNG", data)
    st, doc, r = request(dapi, "POST", "documents/UploadSftp",
                         sftp_body(sftp, "in/Radiograph.PNG",
                                   PatNum=p["PatNum"], ToothNumbers="3-5",
                                   ImgType="Radiograph"))
    assert st == 201, doc
    assert list(doc) == SFTP_DOC
    name = os.path.basename(doc["filePath"])
    assert doc["filePath"] == os.path.join(patient_dir(dapi, p), name)
    assert name.endswith("%d.PNG" % doc["DocNum"])  # the file's extension
    assert (doc["ToothNumbers"], doc["Description"], doc["Note"]) == (
        "3,4,5", "", "")
    assert DATETIME.match(doc["serverDateTime"])
    with open(doc["filePath"], "rb") as f:
        assert f.read() == data
    st, got, _ = request(dapi, "GET", "documents/%d" % doc["DocNum"])
    assert (got["ImgType"], got["FileName"]) == ("Radiograph", name)
    # and back out again
    st, body, _ = request(dapi, "POST", "documents/DownloadSftp",
                          sftp_body(sftp, "back/", DocNum=doc["DocNum"]))
    assert st == 201, body
    assert on_sftp(sftp, "back/" + name) == data


@needs_root
def test_upload_sftp_errors(dapi, sftp):
    p = new_patient(dapi)
    st, obj, _ = request(dapi, "POST", "documents/UploadSftp",
                         sftp_body(sftp, "in/none.png", PatNum=p["PatNum"]))
    assert (st, obj) == (400, "SFTP: cannot read /%s (no such file or "
                              "folder)." % (sftp["home"].lstrip("/") +
                                            "/in/none.png"))
    st, obj, _ = request(dapi, "POST", "documents/UploadSftp",
                         sftp_body(sftp, "in/", PatNum=p["PatNum"]))
    assert st == 400 and obj.startswith("SftpAddress must be"), obj
    put_on_sftp(sftp, "in/ok.png", png(1, 1))
    st, obj, _ = request(dapi, "POST", "documents/UploadSftp",
                         sftp_body(sftp, "in/ok.png", PatNum=99999999))
    assert (st, obj) == (404, "Patient not found.")
    st, obj, _ = request(dapi, "POST", "documents/UploadSftp",
                         sftp_body(sftp, "in/ok.png"))
    assert (st, obj) == (400, "PatNum is required.")


def thumbnail_pixels(data):
    w, h, rows = unpng(data)
    assert (w, h) == (100, 100)
    return rows


@needs_root
def test_thumbnails(dapi, sftp):
    p = new_patient(dapi)
    # a wide red JPEG, a tall green PNG, and a text file (skipped)
    wide, _ = upload(dapi, p["PatNum"], jpeg(40, 20), ext=".jpg")
    tall, _ = upload(dapi, p["PatNum"], png(10, 20, lambda x, y: (0, 200, 0)))
    upload(dapi, p["PatNum"], b"notes", ext=".txt")
    before = len(own_logs(dapi, "ImageExport"))
    st, out, _ = request(dapi, "POST", "documents/Thumbnails",
                         sftp_body(sftp, "thumbs", PatNum=p["PatNum"]))
    assert st == 201, out
    assert out == [{"DocNum": wide["DocNum"], "FileName": wide["FileName"]},
                   {"DocNum": tall["DocNum"], "FileName": tall["FileName"]}]
    # GetBitmapSquare: fit into 100 x 100, centred, the rest transparent
    rows = thumbnail_pixels(on_sftp(sftp, "thumbs/" + wide["FileName"]))
    assert near(rows[50][50], (200, 30, 30, 255), 40)
    assert rows[10][50][3] == 0 and rows[90][50][3] == 0   # above, below
    rows = thumbnail_pixels(on_sftp(sftp, "thumbs/" + tall["FileName"]))
    assert near(rows[50][50], (0, 200, 0, 255))
    assert rows[50][10][3] == 0 and rows[50][90][3] == 0   # left, right
    assert len(own_logs(dapi, "ImageExport")) == before + 2
    # kept in the patient's Thumbnails folder (A to Z), used next time
    thumb = os.path.join(patient_dir(dapi, p), "Thumbnails", tall["FileName"])
    assert os.path.exists(thumb)


@needs_root
def test_thumbnail_rotation_and_crop(dapi, sftp):
    if not dapi.db_name:
        pytest.skip("rotation and crop are set by SQL (no API sets them)")
    p = new_patient(dapi)
    # left half red, right half blue, 40 x 20
    doc, _ = upload(dapi, p["PatNum"], png(
        40, 20, lambda x, y: (255, 0, 0) if x < 20 else (0, 0, 255)))
    # 90 degrees clockwise: red on top, blue below, 20 x 40 shown
    sql(dapi, "UPDATE document SET DegreesRotated = 90, DateTStamp = "
              "NOW() + INTERVAL 1 DAY WHERE DocNum = %d" % doc["DocNum"])
    st, out, _ = request(dapi, "POST", "documents/Thumbnails",
                         sftp_body(sftp, "rot/", PatNum=p["PatNum"]))
    assert st == 201, out
    rows = thumbnail_pixels(on_sftp(sftp, "rot/" + doc["FileName"]))
    assert near(rows[25][50], (255, 0, 0, 255))
    assert near(rows[75][50], (0, 0, 255, 255))
    assert rows[50][10][3] == 0  # 50 wide, centred
    # crop to the blue half (centre of the crop 10 px right of the image's)
    sql(dapi, "UPDATE document SET DegreesRotated = 0, CropX = 10, CropY = 0,"
              " CropW = 20, CropH = 20, DateTStamp = NOW() + INTERVAL 2 DAY "
              "WHERE DocNum = %d" % doc["DocNum"])
    st, out, _ = request(dapi, "POST", "documents/Thumbnails",
                         sftp_body(sftp, "crop/", PatNum=p["PatNum"]))
    rows = thumbnail_pixels(on_sftp(sftp, "crop/" + doc["FileName"]))
    assert near(rows[50][10], (0, 0, 255, 255))
    assert near(rows[50][90], (0, 0, 255, 255))


@needs_root
def test_thumbnails_answers(dapi, sftp):
    p = new_patient(dapi)
    st, obj, _ = request(dapi, "POST", "documents/Thumbnails",
                         sftp_body(sftp, "t2/", PatNum=p["PatNum"]))
    assert (st, obj) == (404, "No documents exist for this patient")
    upload(dapi, p["PatNum"], b"%PDF-1.4", ext=".pdf")
    # a damaged image cannot be made into one either
    upload(dapi, p["PatNum"], b"\xff\xd8\xff not really", ext=".jpg")
    st, obj, _ = request(dapi, "POST", "documents/Thumbnails",
                         sftp_body(sftp, "t2/", PatNum=p["PatNum"]))
    assert (st, obj) == (200, "No documents could be made into thumbnails.")
    st, obj, _ = request(dapi, "POST", "documents/Thumbnails",
                         sftp_body(sftp, "t2/", PatNum=99999999))
    assert (st, obj) == (404, "Patient not found")


# ---- mounts ------------------------------------------------------------------------------

RED, BLUE = (230, 20, 20), (20, 20, 230)


def make_mount(api):
    """(patient, MountNum, [documents]) of a 300 x 100 black mount with a
    red image left, a blue one right, an empty third position (server
    backends: by SQL, no API makes mounts), or the sandbox's seeded one."""
    if not api.db_name:
        return None, 1, None
    p = new_patient(api)
    a, _ = upload(api, p["PatNum"], png(20, 20, lambda x, y: RED))
    b, _ = upload(api, p["PatNum"], jpeg(40, 20, lambda x, y: BLUE),
                  ext=".jpg")
    mount = int(sql(api, "INSERT INTO mount (PatNum, DocCategory, "
                         "DateCreated, Description, Note, Width, Height, "
                         "ColorBack, ProvNum, ColorFore, ColorTextBack) "
                         "VALUES (%d, 0, NOW(), 'Test', '', 300, 100, "
                         "-16777216, 0, -1, -16777216); SELECT "
                         "LAST_INSERT_ID()" % p["PatNum"])[0][0])
    for i, doc in enumerate((a, b, None)):
        item = int(sql(api, "INSERT INTO mountitem (MountNum, Xpos, Ypos, "
                            "ItemOrder, Width, Height, RotateOnAcquire, "
                            "ToothNumbers, TextShowing, FontSize) VALUES "
                            "(%d, %d, 0, %d, 100, 100, 0, '', '', 0); "
                            "SELECT LAST_INSERT_ID()"
                            % (mount, i * 100, i + 1))[0][0])
        if doc:
            sql(api, "UPDATE document SET MountItemNum = %d WHERE DocNum = "
                     "%d" % (item, doc["DocNum"]))
    return p, mount, [a, b]


@needs_root
def test_download_mount_composite(dapi, sftp):
    p, mount, docs = make_mount(dapi)
    st, body, r = request(dapi, "POST", "documents/DownloadSftp",
                          sftp_body(sftp, "mounts/", MountNum=mount))
    assert st == 201, body
    assert r.getheader("Location").endswith("/mounts/Mount%d.jpg" % mount)
    w, h, rows = unjpeg(on_sftp(sftp, "mounts/Mount%d.jpg" % mount))
    if docs is None:
        # the seeded board: 300 x 120, black, positions 96 x 72 at y 24;
        # the first image (a light square on dark grey) scaled to fit
        assert (w, h) == (300, 120)
        assert near(rows[5][150], (0, 0, 0))            # the board
        assert near(rows[60][52], (230, 230, 230), 30)   # light square
        assert near(rows[30][12], (60, 60, 60), 30)      # its dark border
        assert near(rows[60][250], (0, 0, 0))           # empty position
        assert near(rows[24][250], (100, 100, 100), 30)  # its outline
        return
    assert (w, h) == (300, 100)
    # the 20 x 20 red image fills its 100 x 100 position
    assert near(rows[50][50], RED, 30)
    # the 40 x 20 blue one fits the width: blue band, black above and below
    assert near(rows[50][150], BLUE, 30)
    assert near(rows[10][150], (0, 0, 0), 30)
    # the third position is empty: the board's colour; grey outlines
    assert near(rows[50][250], (0, 0, 0), 30)
    assert near(rows[0][250], (100, 100, 100), 40)
    st, body, _ = request(dapi, "POST", "documents/DownloadSftp",
                          sftp_body(sftp, "mounts/m.png", MountNum=mount))
    assert (st, body) == (400, "SftpAddress must name a .jpg file, as the "
                               "stored file is.")


@needs_root
def test_download_mount_files(dapi, sftp):
    p, mount, docs = make_mount(dapi)
    before = len(own_logs(dapi, "ImageExport"))
    st, out, _ = request(dapi, "POST", "documents/DownloadMount",
                         sftp_body(sftp, "mountfiles", MountNum=mount))
    assert st == 201, out
    assert [set(d) for d in out] == [{"DocNum", "FileName"}] * len(out)
    if docs is not None:
        assert out == [{"DocNum": d["DocNum"], "FileName": d["FileName"]}
                       for d in docs]
        folder = patient_dir(dapi, p)
    else:
        assert len(out) == 2
        folder = os.path.dirname(next(
            os.path.join(root, f) for root, _, files in os.walk(dapi.images)
            for f in files if f == out[0]["FileName"]))
    for d in out:
        with open(os.path.join(folder, d["FileName"]), "rb") as f:
            assert on_sftp(sftp, "mountfiles/" + d["FileName"]) == f.read()
    assert len(own_logs(dapi, "ImageExport")) == before + len(out)
    st, obj, _ = request(dapi, "POST", "documents/DownloadMount",
                         sftp_body(sftp, "mountfiles", MountNum=99999999))
    assert (st, obj) == (404, "Mount not found.")
    st, obj, _ = request(dapi, "POST", "documents/DownloadMount",
                         sftp_body(sftp, "mountfiles"))
    assert (st, obj) == (400, "MountNum is required.")
    if dapi.db_name:
        empty = int(sql(dapi, "INSERT INTO mount (PatNum, Note, Width, "
                              "Height) VALUES (%d, '', 10, 10); SELECT "
                              "LAST_INSERT_ID()" % p["PatNum"])[0][0])
        st, obj, _ = request(dapi, "POST", "documents/DownloadMount",
                             sftp_body(sftp, "mountfiles", MountNum=empty))
        assert (st, obj) == (200, "No mount images could be downloaded.")


# ---- SetByUrl ------------------------------------------------------------------------------

class Files:
    """A local web server: path -> (status, headers, body), or a delay."""

    def __init__(self):
        import http.server
        import threading
        routes = self.routes = {}

        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                st, headers, body, delay = routes.get(
                    self.path, (404, {}, b"no", 0))
                if delay:
                    import time
                    time.sleep(delay)
                self.send_response(st)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def add(self, path, body, status=200, headers=None, delay=0):
        self.routes[path] = (status, headers or {}, body, delay)


@pytest.fixture(scope="module")
def web():
    w = Files()
    yield w
    w.httpd.shutdown()


def test_set_by_url(dapi, web):
    p = new_patient(dapi)
    data = png(9, 9)
    web.add("/img/photo.png", data)
    before = len(own_logs(dapi, "ImageCreate"))
    st, doc, r = request(dapi, "POST", "documents/SetByUrl",
                         {"PatNum": p["PatNum"],
                          "url": web.url("/img/photo.png"),
                          "Description": "Extraoral", "ImgType": "Photo",
                          "ToothNumbers": "1,2"})
    assert st == 201, doc
    assert list(doc) == DOCUMENT
    assert doc["FileName"].endswith("%d.png" % doc["DocNum"])
    assert (doc["Description"], doc["ImgType"], doc["ToothNumbers"]) == (
        "Extraoral", "Photo", "1,2")
    assert r.getheader("Location").endswith("/documents/%d" % doc["DocNum"])
    with open(os.path.join(patient_dir(dapi, p), doc["FileName"]), "rb") as f:
        assert f.read() == data
    assert len(own_logs(dapi, "ImageCreate")) == before + 1
    # a redirect is followed; a name without an extension is .jpg for an
    # image, .txt otherwise (ImageStore.Import)
    web.add("/go", b"", status=302, headers={"Location": "/img/raw?x=1"})
    web.add("/img/raw?x=1", data)
    web.add("/notes", b"plain words")
    st, doc, _ = request(dapi, "POST", "documents/SetByUrl",
                         {"PatNum": p["PatNum"], "url": web.url("/go")})
    assert st == 201 and doc["FileName"].endswith(".jpg"), doc
    st, doc, _ = request(dapi, "POST", "documents/SetByUrl",
                         {"PatNum": p["PatNum"], "url": web.url("/notes")})
    assert st == 201 and doc["FileName"].endswith(".txt"), doc


def test_set_by_url_errors(dapi, web):
    p = new_patient(dapi)

    def bad(body, status, msg):
        st, obj, _ = request(dapi, "POST", "documents/SetByUrl", body)
        assert (st, obj) == (status, msg), body
    bad({"url": web.url("/x")}, 400, "PatNum is required.")
    bad({"PatNum": p["PatNum"]}, 400, "url is required.")
    for url in ("ftp://example.com/x.png", "file:///etc/passwd",
                "/etc/passwd", "http://user:pw@127.0.0.1/x"):
        bad({"PatNum": p["PatNum"], "url": url}, 400,
            "url is invalid: it must be an http or https URL.")
    bad({"PatNum": 99999999, "url": web.url("/x")}, 404, "Patient not found.")
    bad({"PatNum": p["PatNum"], "url": web.url("/missing")}, 400,
        "The download from url failed: HTTP 404.")
    web.add("/loop", b"", status=302, headers={"Location": "/loop"})
    bad({"PatNum": p["PatNum"], "url": web.url("/loop")}, 400,
        "The download from url failed: too many redirects, or one without "
        "a Location.")
    bad({"PatNum": p["PatNum"], "url": "http://127.0.0.1:1/x.png"}, 400,
        "The download from url failed: connection failed.")
    assert not os.path.exists(patient_dir(dapi, p))


def test_set_by_url_limits(spawn, server_db, web, tmp_path):
    """Private addresses, size and time: the same code on every backend;
    run on the server backend with limits set small."""
    images = tmp_path / "images"
    (images / "A").mkdir(parents=True)
    base = ["--port", "0", "--log-level", "Warning", "--db-socket",
            socket_path(), "--db-user", "root", "--db-name", server_db,
            "--demo-key", KEY, "--image-dir", str(images)]
    closed = spawn("odlocal", base)
    p = new_patient(closed)
    web.add("/small.png", png(2, 2))
    st, obj, _ = closed.request("POST", "documents/SetByUrl",
                                {"PatNum": p["PatNum"],
                                 "url": web.url("/small.png")})
    assert (st, obj) == (400, "url names this server or an address of a "
                              "private network, which is not fetched.")
    small = spawn("odlocal", base + ["--url-allow-private", "--max-body",
                                     "4000", "--timeout", "2"])
    web.add("/big.bin", b"x" * 5000)
    st, obj, _ = small.request("POST", "documents/SetByUrl",
                               {"PatNum": p["PatNum"],
                                "url": web.url("/big.bin")})
    assert (st, obj) == (400, "The download from url failed: the answer is "
                              "too large.")
    web.add("/slow.png", png(2, 2), delay=4)
    st, obj, _ = small.request("POST", "documents/SetByUrl",
                               {"PatNum": p["PatNum"],
                                "url": web.url("/slow.png")})
    assert (st, obj) == (400, "The download from url took longer than 2 "
                              "seconds.")
    st, obj, _ = small.request("POST", "documents/SetByUrl",
                               {"PatNum": p["PatNum"],
                                "url": web.url("/small.png")})
    assert st == 201, obj


# ---- eobattaches ----------------------------------------------------------------------------

EOBATTACH = ["EobAttachNum", "ClaimPaymentNum", "DateTCreated", "FileName"]


def claim_payment(api):
    """An insurance check: by SQL, or the sandbox's seeded one (its EOB is
    listed by GET /eobattaches)."""
    if api.db_name:
        return int(sql(api, "INSERT INTO claimpayment (CheckDate, CheckAmt, "
                            "CheckNum, BankBranch, Note, CarrierName) VALUES "
                            "(CURDATE(), 10, 'T1', '', '', ''); SELECT "
                            "LAST_INSERT_ID()")[0][0])
    st, rows, _ = request(api, "GET", "eobattaches")
    assert st == 200 and rows, rows
    return rows[0]["ClaimPaymentNum"]


@needs_root
def test_eob_upload_and_download_sftp(dapi, sftp):
    check = claim_payment(dapi)
    data = png(8, 11)
    put_on_sftp(sftp, "eob/scan.png", data)
    st, eob, r = request(dapi, "POST", "eobattaches/UploadSftp",
                         sftp_body(sftp, "eob/scan.png",
                                   ClaimPaymentNum=check))
    assert st == 201, eob
    assert list(eob) == EOBATTACH
    assert eob["ClaimPaymentNum"] == check
    # EobAttaches.Insert: yyyyMMdd_HHmmss_{EobAttachNum}{ext}
    stamp = eob["DateTCreated"].replace("-", "").replace(":", "").replace(
        " ", "_")
    assert eob["FileName"] == "%s_%d.png" % (stamp, eob["EobAttachNum"])
    with open(os.path.join(dapi.images, "EOBs", eob["FileName"]), "rb") as f:
        assert f.read() == data
    st, listed, _ = request(dapi, "GET", "eobattaches?ClaimPaymentNum=%d"
                            % check)
    assert eob in listed
    # no extension: ".jpg" (ImportEobAttach)
    put_on_sftp(sftp, "eob/noext", data)
    st, eob2, _ = request(dapi, "POST", "eobattaches/UploadSftp",
                          sftp_body(sftp, "eob/noext", ClaimPaymentNum=check))
    assert st == 201 and eob2["FileName"].endswith(
        "_%d.jpg" % eob2["EobAttachNum"]), eob2
    before = len(own_logs(dapi, "ImageExport"))
    st, body, r = request(dapi, "POST", "eobattaches/DownloadSftp",
                          sftp_body(sftp, "eobout/",
                                    EobAttachNum=eob["EobAttachNum"]))
    assert st == 201, body
    assert r.getheader("Location").endswith("/eobout/" + eob["FileName"])
    assert on_sftp(sftp, "eobout/" + eob["FileName"]) == data
    logs = own_logs(dapi, "ImageExport")
    assert len(logs) == before + 1 and logs[-1]["PatNum"] == 0


@needs_root
def test_eob_sftp_errors(dapi, sftp):
    put_on_sftp(sftp, "eob/x.png", png(1, 1))

    def bad(path, body, status, msg):
        st, obj, _ = request(dapi, "POST", path, body)
        assert (st, obj) == (status, msg), body
    bad("eobattaches/UploadSftp", sftp_body(sftp, "eob/x.png"), 400,
        "ClaimPaymentNum is required.")
    bad("eobattaches/UploadSftp", sftp_body(sftp, "eob/x.png",
                                            ClaimPaymentNum=99999999),
        404, "ClaimPayment not found.")
    bad("eobattaches/DownloadSftp", sftp_body(sftp, "eob/y.png"), 400,
        "EobAttachNum is required.")
    bad("eobattaches/DownloadSftp",
        sftp_body(sftp, "eob/y.png", EobAttachNum=99999999), 404,
        "EobAttach not found.")
    st, listed, _ = request(dapi, "GET", "eobattaches")
    # one whose file is not a PDF (other tests may have stored PDFs)
    listed = [e for e in listed or []
              if os.path.splitext(e["FileName"])[1].lower() != ".pdf"]
    if listed:
        bad("eobattaches/DownloadSftp",
            sftp_body(sftp, "eob/y.pdf",
                      EobAttachNum=listed[0]["EobAttachNum"]), 400,
            "SftpAddress must name a %s file, as the stored file is."
            % os.path.splitext(listed[0]["FileName"])[1])


# ---- the store: preferences, the database mode, hostile names ----------------------------

def set_pref(api, name, value):
    sql(api, "UPDATE preference SET ValueString = '%s' WHERE PrefName = '%s'"
             % (value.replace("\\", "\\\\").replace("'", "''"), name))
    if not sql(api, "SELECT 1 FROM preference WHERE PrefName = '%s'" % name):
        sql(api, "INSERT INTO preference (PrefName, ValueString, Comments) "
                 "VALUES ('%s', '%s', '')" % (name, value))


@needs_root
def test_images_in_the_database(dapi, sftp):
    """AtoZfolderUsed 0: "store images in database" (document.RawBase64)."""
    if not dapi.db_name:
        pytest.skip("the sandbox keeps its images in its folder; the mode "
                    "is a preference only SQL changes")
    p = new_patient(dapi)
    set_pref(dapi, "AtoZfolderUsed", "0")
    try:
        data = png(30, 10, lambda x, y: (10, 10, 240))
        doc, _ = upload(dapi, p["PatNum"], data)
        assert not os.path.exists(patient_dir(dapi, p))
        assert sql(dapi, "SELECT RawBase64 FROM document WHERE DocNum = %d"
                   % doc["DocNum"]) == [[b64(data)]]
        st, body, _ = request(dapi, "POST", "documents/DownloadSftp",
                              sftp_body(sftp, "db/", DocNum=doc["DocNum"]))
        assert st == 201, body
        assert on_sftp(sftp, "db/" + doc["FileName"]) == data
        st, out, _ = request(dapi, "POST", "documents/Thumbnails",
                             sftp_body(sftp, "dbthumbs/",
                                       PatNum=p["PatNum"]))
        assert st == 201, out
        rows = thumbnail_pixels(on_sftp(sftp, "dbthumbs/" + doc["FileName"]))
        assert near(rows[50][50], (10, 10, 240, 255))
        st, up, _ = request(dapi, "POST", "documents/UploadSftp",
                            sftp_body(sftp, "db/" + doc["FileName"],
                                      PatNum=p["PatNum"]))
        assert st == 201 and up["filePath"] == "", up
        # an EOB's RawBase64 is a TEXT column: 64 KB of base64 at most
        check = claim_payment(dapi)
        put_on_sftp(sftp, "db/eob.png", data)
        st, eob, _ = request(dapi, "POST", "eobattaches/UploadSftp",
                             sftp_body(sftp, "db/eob.png",
                                       ClaimPaymentNum=check))
        assert st == 201, eob
        assert sql(dapi, "SELECT RawBase64 FROM eobattach WHERE "
                         "EobAttachNum = %d" % eob["EobAttachNum"]) == [
            [b64(data)]]
        put_on_sftp(sftp, "db/big.png", os.urandom(60000))
        st, obj, _ = request(dapi, "POST", "eobattaches/UploadSftp",
                             sftp_body(sftp, "db/big.png",
                                       ClaimPaymentNum=check))
        assert (st, obj) == (400, "The file (60000 bytes) is too large to "
                                  "store in the database.")
    finally:
        set_pref(dapi, "AtoZfolderUsed", "1")


def test_cloud_storage_is_refused(dapi):
    if not dapi.db_name:
        pytest.skip("the storage mode is a preference only SQL changes")
    p = new_patient(dapi)
    set_pref(dapi, "AtoZfolderUsed", "2")
    try:
        st, obj, _ = request(dapi, "POST", "documents/Upload",
                             {"PatNum": p["PatNum"], "rawBase64": b64(b"x"),
                              "extension": ".txt"})
        assert (st, obj) == (400, "This office keeps its images in cloud "
                                  "storage (AtoZfolderUsed 2), which this "
                                  "server does not reach.")
    finally:
        set_pref(dapi, "AtoZfolderUsed", "1")


def test_docpath_preference(dapi, spawn, tmp_path):
    """Without --image-dir the folder is DocPath's first entry that holds
    a folder A (FileAtoZ.GetValidPathFromString)."""
    if dapi.param != "server":
        pytest.skip("DocPath is a preference only SQL changes; the server "
                    "backend shows the rule")
    good = tmp_path / "OpenDentImages"
    (good / "A").mkdir(parents=True)
    (tmp_path / "noA").mkdir()
    srv = spawn("odlocal", ["--port", "0", "--log-level", "Warning",
                            "--db-socket", socket_path(), "--db-user", "root",
                            "--db-name", dapi.db_name, "--demo-key", KEY])
    old = sql(dapi, "SELECT ValueString FROM preference WHERE PrefName = "
                    "'DocPath'")
    p = new_patient(dapi)
    try:
        set_pref(dapi, "DocPath", "\\\\server\\OpenDentImages\\;%s;%s"
                 % (tmp_path / "noA", good))
        st, doc, _ = srv.request("POST", "documents/Upload",
                                 {"PatNum": p["PatNum"],
                                  "rawBase64": b64(b"abc"),
                                  "extension": ".txt"})
        assert st == 201, doc
        folder = os.path.basename(patient_dir(dapi, p))
        assert (good / folder[0] / folder / doc["FileName"]).read_bytes() \
            == b"abc"
        set_pref(dapi, "DocPath", str(tmp_path / "noA"))
        st, obj, _ = srv.request("POST", "documents/Upload",
                                 {"PatNum": p["PatNum"],
                                  "rawBase64": b64(b"abc"),
                                  "extension": ".txt"})
        assert (st, obj) == (500, "The A to Z images folder (preference "
                                  "DocPath \"%s\") was not found on this "
                                  "server; set it with --image-dir."
                             % (tmp_path / "noA"))
    finally:
        set_pref(dapi, "DocPath", old[0][0] if old else "")


def test_symlinks_in_the_store_are_not_followed(dapi, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    # a patient's folder that is a link to somewhere else
    p = new_patient(dapi, lname="Linked" + uniq("x").split()[1])
    pdir = patient_dir(dapi, p)
    os.makedirs(os.path.dirname(pdir), exist_ok=True)
    os.symlink(str(outside), pdir)
    st, obj, _ = request(dapi, "POST", "documents/Upload",
                         {"PatNum": p["PatNum"], "rawBase64": b64(b"abc"),
                          "extension": ".txt"})
    assert st == 500 and "cannot be opened" in obj, obj
    assert os.listdir(str(outside)) == []
    # a letter folder that is a link
    q = new_patient(dapi, lname="Qlinked" + uniq("x").split()[1])
    letter = os.path.dirname(patient_dir(dapi, q))
    if not os.path.exists(letter):
        os.symlink(str(outside), letter)
        st, obj, _ = request(dapi, "POST", "documents/Upload",
                             {"PatNum": q["PatNum"], "rawBase64": b64(b"a"),
                              "extension": ".txt"})
        assert st == 500 and "cannot be opened" in obj, obj
        assert os.listdir(str(outside)) == []
        os.remove(letter)


@needs_root
def test_a_linked_file_is_not_read(dapi, sftp, tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for the API")
    p = new_patient(dapi)
    doc, _ = upload(dapi, p["PatNum"], png(2, 2))
    path = os.path.join(patient_dir(dapi, p), doc["FileName"])
    os.remove(path)
    os.symlink(str(secret), path)
    st, obj, _ = request(dapi, "POST", "documents/DownloadSftp",
                         sftp_body(sftp, "leak.png", DocNum=doc["DocNum"]))
    assert st == 400 and "not a regular file" in obj, obj
    assert not os.path.exists(os.path.join(sftp["home"], "leak.png"))


@needs_root
def test_hostile_names_in_the_database(dapi, sftp):
    """Names the database holds never leave the folder either."""
    if not dapi.db_name:
        pytest.skip("the names are changed by SQL")
    p = new_patient(dapi)
    doc, _ = upload(dapi, p["PatNum"], png(2, 2))
    for name in ("../../../../etc/passwd", "/etc/passwd", "..", "a/../b"):
        sql(dapi, "UPDATE document SET FileName = '%s' WHERE DocNum = %d"
            % (name, doc["DocNum"]))
        st, obj, _ = request(dapi, "POST", "documents/DownloadSftp",
                             sftp_body(sftp, "hostile/",
                                       DocNum=doc["DocNum"]))
        assert st == 400, (name, obj)
    q = new_patient(dapi)
    for folder in ("../../tmp", "/tmp", "..", "a/b"):
        sql(dapi, "UPDATE patient SET ImageFolder = '%s' WHERE PatNum = %d"
            % (folder, q["PatNum"]))
        st, obj, _ = request(dapi, "POST", "documents/Upload",
                             {"PatNum": q["PatNum"], "rawBase64": b64(b"x"),
                              "extension": ".txt"})
        assert (st, obj) == (500, "The patient's image folder name \"%s\" "
                                  "cannot be used." % folder), folder
    assert not os.path.exists(os.path.join(sftp["home"], "hostile"))


# ---- sheets/DownloadSftp --------------------------------------------------------------------

def read_pdf(data):
    """(page sizes, text strings, images as (w, h, pixels)) of a PDF this
    server wrote, its cross-reference table checked on the way."""
    assert data.startswith(b"%PDF-1.4\n") and data.rstrip().endswith(
        b"%%EOF")
    start = int(data.rsplit(b"startxref\n", 1)[1].split()[0])
    table = data[start:].split(b"\n")
    assert table[0] == b"xref"
    for i in range(1, int(table[1].split()[1])):
        off = int(table[2 + i][:10])
        assert data[off:].startswith(b"%d 0 obj" % i), i
    pages = [tuple(float(v) for v in m) for m in re.findall(
        rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", data)]
    texts = [t.decode("latin-1") for t in re.findall(rb"\((.*?)\) Tj", data)]
    images = []
    for m in re.finditer(rb"/Width (\d+) /Height (\d+) .*?/Length (\d+) "
                         rb">>\nstream\n", data):
        n = int(m.group(3))
        images.append(unjpeg(data[m.end():m.end() + n]))
    return pages, texts, images


def make_sheet(api, sheet_images):
    """A sheet with text, a check box, a line, a static image and a
    patient's image (SQL), or the sandbox's seeded consent form."""
    if not api.db_name:
        st, rows, _ = request(api, "GET", "sheets?PatNum=1")
        return [r for r in rows if r["Description"] == "Consent for imaging"
                ][0]["SheetNum"], "Consent for Dental Imaging", False
    p = new_patient(api)
    doc, _ = upload(api, p["PatNum"], png(10, 10, lambda x, y: BLUE))
    os.makedirs(sheet_images, exist_ok=True)
    with open(os.path.join(sheet_images, "logo.jpg"), "wb") as f:
        f.write(jpeg(8, 8, lambda x, y: RED))
    sheet = int(sql(api, "INSERT INTO sheet (SheetType, PatNum, "
                         "DateTimeSheet, FontSize, FontName, Width, Height, "
                         "IsLandscape, InternalNote, Description, "
                         "IsMultiPage) VALUES (6, %d, NOW(), 10, 'Arial', "
                         "850, 1100, 0, '', 'Test (sheet)', 1); SELECT "
                         "LAST_INSERT_ID()" % p["PatNum"])[0][0])
    fields = [(2, "", "Title (1) \\ caf\u00e9", 100, 50, 600, 20, 1),
              (8, "x", "X", 100, 100, 14, 14, 0),
              (6, "", "", 100, 150, 600, 0, 0),
              (4, "logo.jpg", "", 100, 200, 100, 100, 0),
              (10, "", str(doc["DocNum"]), 300, 200, 100, 100, 0),
              (2, "", "Second page", 100, 1300, 600, 20, 0)]
    for t, name, value, x, y, w, h, bold in fields:
        sql(api, "INSERT INTO sheetfield (SheetNum, FieldType, FieldName, "
                 "FieldValue, FontSize, FontName, FontIsBold, XPos, YPos, "
                 "Width, Height, ItemColor, UiLabelMobile, "
                 "UiLabelMobileRadioButton) VALUES (%d, %d, '%s', '%s', 12, "
                 "'Arial', %d, %d, %d, %d, %d, -16777216, '', '')"
            % (sheet, t, name, value.replace("\\", "\\\\"), bold, x, y, w, h))
    return sheet, "Title (1) \\ caf\u00e9", True


@needs_root
def test_sheet_download_sftp_pdf(dapi, sftp):
    sheet, title, ours = make_sheet(dapi, os.path.join(dapi.images,
                                                       "SheetImages"))
    before = len(own_logs(dapi, "ImageExport"))
    st, body, r = request(dapi, "POST", "sheets/DownloadSftp",
                          sftp_body(sftp, "sheets/", SheetNum=sheet))
    assert st == 201, body
    assert r.getheader("Location").endswith("/sheets/sheet.pdf")
    pages, texts, images = read_pdf(on_sftp(sftp, "sheets/sheet.pdf"))
    # 850 x 1100 hundredths of an inch: US Letter in points
    assert pages[0] == (612.0, 792.0)
    escaped = title.replace("\\", "\\\\").replace("(", "\\(").replace(
        ")", "\\)").replace("\u00e9", "\\351")
    assert escaped in texts, texts
    if ours:
        assert len(pages) == 2 and "Second page" in texts
        # the static image stretched (red), the document fit (blue)
        colours = [img[2][img[1] // 2][img[0] // 2] for img in images]
        assert len(images) == 2
        assert near(colours[0], RED, 40) and near(colours[1], BLUE, 40)
    else:
        assert len(pages) == 1 and len(images) == 1
    assert len(own_logs(dapi, "ImageExport")) == before + 1
    # a named file must be a PDF
    st, body, _ = request(dapi, "POST", "sheets/DownloadSftp",
                          sftp_body(sftp, "sheets/mine.pdf", SheetNum=sheet))
    assert st == 201, body
    assert read_pdf(on_sftp(sftp, "sheets/mine.pdf"))[0] == pages


@needs_root
def test_sheet_download_sftp_errors(dapi, sftp):
    def bad(body, status, msg):
        st, obj, _ = request(dapi, "POST", "sheets/DownloadSftp", body)
        assert (st, obj) == (status, msg), body
    bad(sftp_body(sftp, "s/x.pdf"), 400, "SheetNum is required.")
    bad(sftp_body(sftp, "s/x.pdf", SheetNum="one"), 400,
        "SheetNum is invalid.")
    bad(sftp_body(sftp, "s/x.pdf", SheetNum=99999999), 404,
        "Sheet not found.")
    sheet = make_sheet(dapi, os.path.join(dapi.images, "SheetImages"))[0]
    bad(sftp_body(sftp, "s/x.doc", SheetNum=sheet), 400,
        "SftpAddress must name a .pdf file.")
    if dapi.db_name:
        sql(dapi, "UPDATE sheet SET IsDeleted = 1 WHERE SheetNum = %d" % sheet)
        bad(sftp_body(sftp, "s/x.pdf", SheetNum=sheet), 404,
            "Sheet not found.")


# ---- DELETE: the row and its file -------------------------------------------------------

@needs_root
def test_delete_removes_the_file_and_thumbnail(dapi, sftp):
    p = new_patient(dapi)
    doc, _ = upload(dapi, p["PatNum"], png(4, 4))
    st, out, _ = request(dapi, "POST", "documents/Thumbnails",
                         sftp_body(sftp, "del/", PatNum=p["PatNum"]))
    assert st == 201, out
    path = os.path.join(patient_dir(dapi, p), doc["FileName"])
    thumb = os.path.join(patient_dir(dapi, p), "Thumbnails", doc["FileName"])
    assert os.path.exists(path) and os.path.exists(thumb)
    before = len(own_logs(dapi, "ImageDelete"))
    st, body, _ = request(dapi, "DELETE", "documents/%d" % doc["DocNum"])
    assert (st, body) == (200, None)
    assert not os.path.exists(path) and not os.path.exists(thumb)
    assert request(dapi, "GET", "documents/%d" % doc["DocNum"])[:2] == (
        404, "Document not found")
    logs = own_logs(dapi, "ImageDelete")
    assert len(logs) == before + 1 and logs[-1]["PatNum"] == p["PatNum"]
    assert request(dapi, "DELETE", "documents/%d" % doc["DocNum"])[:2] == (
        404, "Document not found")
    assert request(dapi, "DELETE", "documents/99999999999999999999")[:2] == (
        400, "DocNum is invalid.")
    # an EOB's file goes with it
    check = claim_payment(dapi)
    put_on_sftp(sftp, "del/eob.png", png(2, 2))
    st, eob, _ = request(dapi, "POST", "eobattaches/UploadSftp",
                         sftp_body(sftp, "del/eob.png",
                                   ClaimPaymentNum=check))
    assert st == 201, eob
    epath = os.path.join(dapi.images, "EOBs", eob["FileName"])
    assert os.path.exists(epath)
    st, body, _ = request(dapi, "DELETE", "eobattaches/%d"
                          % eob["EobAttachNum"])
    assert st == 200, body
    assert not os.path.exists(epath)


def test_delete_refuses_an_image_a_sheet_shows(dapi):
    if not dapi.db_name:
        # the seeded consent sheet shows one of the seeded images
        sheet = make_sheet(dapi, None)[0]
        st, fields, _ = request(dapi, "GET", "sheetfields?SheetNum=%d"
                                % sheet)
        doc = [f for f in fields if f["FieldType"] == "PatImage"][0]
        st, body, _ = request(dapi, "DELETE", "documents/%s"
                              % doc["FieldValue"])
        assert st == 400 and body.startswith(
            "Cannot delete image, it is referenced by sheets with the "
            "following dates: "), body
        return
    p = new_patient(dapi)
    doc, _ = upload(dapi, p["PatNum"], png(2, 2))
    sheet = int(sql(dapi, "INSERT INTO sheet (SheetType, PatNum, "
                          "DateTimeSheet, InternalNote, Description) VALUES "
                          "(6, %d, '2024-03-05 10:00:00', '', 'x'); SELECT "
                          "LAST_INSERT_ID()" % p["PatNum"])[0][0])
    sql(dapi, "INSERT INTO sheetfield (SheetNum, FieldType, FieldName, "
              "FieldValue, UiLabelMobile, UiLabelMobileRadioButton) VALUES "
              "(%d, 10, '', '%d', '', '')" % (sheet, doc["DocNum"]))
    st, body, _ = request(dapi, "DELETE", "documents/%d" % doc["DocNum"])
    assert (st, body) == (400, "Cannot delete image, it is referenced by "
                               "sheets with the following dates: 3/5/2024")
    assert os.path.exists(os.path.join(patient_dir(dapi, p),
                                       doc["FileName"]))
    sql(dapi, "UPDATE sheet SET IsDeleted = 1 WHERE SheetNum = %d" % sheet)
    st, body, _ = request(dapi, "DELETE", "documents/%d" % doc["DocNum"])
    assert st == 200, body
