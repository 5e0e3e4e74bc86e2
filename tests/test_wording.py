"""One word for one thing across the product (issue 20): "Tải xuống"/"Tải lên" (never "Tải về"), "tỷ lệ" (never
"tỉ lệ", except the headers of workbooks issued with qd366 layout 1, read as they were issued), and the product
named with "đánh giá"."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEGACY_HEADERS = re.compile(r'(_id\("|Column\(")quota_(group|outstanding)", "[^"]*tỉ lệ')  # layout 1, as issued


def texts():
    for folder, pattern in (("templates", "*.html"), ("kdweb", "*.py"), ("static/js", "*.js")):
        for path in sorted((ROOT / folder).rglob(pattern)):
            yield path.relative_to(ROOT), path.read_text(encoding="utf-8")


def offending(word: re.Pattern, allowed: re.Pattern | None = None) -> list[str]:
    return [f"{path}:{number}" for path, text in texts() for number, line in enumerate(text.splitlines(), 1)
            if word.search(line) and not (allowed and allowed.search(line))]


def test_download_is_tai_xuong():
    assert offending(re.compile(r"[Tt]ải về")) == []


def test_one_spelling_of_ty_le():
    assert offending(re.compile(r"[Tt]ỉ lệ"), allowed=LEGACY_HEADERS) == []
    assert len(offending(re.compile(r"[Tt]ỷ lệ"))) > 10


def test_the_report_is_named_with_danh_gia_wherever_it_is_written():
    assert offending(re.compile(r"[Kk]ết quả xếp loại chất lượng|[Bb]áo cáo xếp loại")) == []


def test_the_product_and_the_dashboard_say_danh_gia(client, auth):
    auth.login_as("reviewer")
    page = client.get("/review/").get_data(as_text=True)
    assert "Kiểm điểm, đánh giá, xếp loại chất lượng" in page
    assert re.search(r"<h1>Theo dõi kiểm điểm, đánh giá, xếp loại năm \d{4}</h1>", page)
    assert not re.search(r"[Kk]iểm điểm, xếp loại", page)
