"""The guards hand the parser the parts they checked, stored uncompressed; a larger upload goes on as it came."""
from __future__ import annotations

import io
import zipfile

from kdweb.excel import Limits
from kdweb.excel.repack import stored_zip
from kdweb.excel.safety import check_upload

from . import files
from .builders import MEMBERS_SHEET, Filler, build_demo, fill_clean, read_demo


def filled_with_a_mistake() -> bytes:
    filler = fill_clean(Filler(build_demo()))
    filler.set(MEMBERS_SHEET, "DV002", level="khá")
    return filler.bytes()


def test_the_parser_gets_every_xml_part_as_checked_and_stored():
    upload = files.add_parts(filled_with_a_mistake(), {"xl/media/image1.png": b"\x89PNG" + bytes(range(256)) * 64})
    package = check_upload(upload)
    original = files.zip_parts(upload)
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        assert archive.testzip() is None  # every CRC as written
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}
        repacked = {info.filename: archive.read(info) for info in archive.infolist()}
    assert repacked == {name: body for name, body in original.items() if name != "xl/media/image1.png"}


def test_a_package_beyond_the_repack_size_goes_on_as_uploaded():
    upload = filled_with_a_mistake()
    assert check_upload(upload, Limits(repack_bytes=0)) is upload


def test_both_ways_read_the_same_records_and_findings():
    upload = files.add_parts(filled_with_a_mistake(), {"xl/media/image1.png": b"\x89PNG" + bytes(64)})
    repacked, as_uploaded = read_demo(upload), read_demo(upload, limits=Limits(repack_bytes=0))
    assert repacked.ok and as_uploaded.ok
    assert repacked.batch == as_uploaded.batch
    assert repacked.findings == as_uploaded.findings
    assert any(finding.cell and finding.sheet == MEMBERS_SHEET for finding in repacked.findings)


def test_stored_zip_keeps_names_sizes_and_order():
    names = ["[Content_Types].xml", "xl/Bảng tính.xml", "xl/empty.xml"]
    bodies = [b"<Types/>", "<x>Đảng viên</x>".encode(), b""]
    source = files.make_zip(dict(zip(names, bodies)))
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        package = stored_zip(zip(archive.infolist(), bodies))
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        assert archive.testzip() is None
        assert [info.filename for info in archive.infolist()] == names
        assert [archive.read(name) for name in names] == bodies
