"""A workbook saved by Excel as a “Web page” (.htm, or .mht in one file) or as “XML Spreadsheet 2003”, or any HTML
or XML text given a spreadsheet's name, is told what it is and how to save it as an Excel Workbook (.xlsx), never
the generic “Word, image or zip” answer nor the CSV one; the file is kept as sent (tests/security)."""
import pytest

from kdweb.excel import MESSAGES, sniff

from .test_hostile import refused

EXCEL_WEB_PAGE = (
    b'<html xmlns:v="urn:schemas-microsoft-com:vml"\r\nxmlns:o="urn:schemas-microsoft-com:office:office"\r\n'
    b'xmlns:x="urn:schemas-microsoft-com:office:excel"\r\nxmlns="http://www.w3.org/TR/REC-html40">\r\n\r\n<head>\r\n'
    b'<meta http-equiv=Content-Type content="text/html; charset=windows-1258">\r\n'
    b'<meta name=ProgId content=Excel.Sheet>\r\n<meta name=Generator content="Microsoft Excel 15">\r\n</head>\r\n'
    b'<body>\r\n<table><tr><td>M\xe3 \xf0\xe3ng vi\xean</td><td>DV000001</td></tr></table>\r\n</body>\r\n</html>\r\n'
)
EXCEL_SINGLE_FILE_WEB_PAGE = (
    b'MIME-Version: 1.0\r\nX-Document-Type: Workbook\r\n'
    b'Content-Type: multipart/related; boundary="----=_NextPart_01DA0000.12345678"\r\n\r\n'
    b'------=_NextPart_01DA0000.12345678\r\nContent-Location: file:///C:/ket-qua.htm\r\n'
    b'Content-Type: text/html; charset="utf-8"\r\n\r\n<html><body><table></table></body></html>\r\n'
)
XML_SPREADSHEET_2003 = (
    '<?xml version="1.0"?>\r\n<?mso-application progid="Excel.Sheet"?>\r\n'
    '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"\r\n'
    ' xmlns:o="urn:schemas-microsoft-com:office:office"'
    '\r\n xmlns:x="urn:schemas-microsoft-com:office:excel"\r\n xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"'
    '\r\n xmlns:html="http://www.w3.org/TR/REC-html40">\r\n <Worksheet ss:Name="Đảng viên"><Table><Row>'
    '<Cell><Data ss:Type="String">Mã đảng viên</Data></Cell></Row></Table></Worksheet>\r\n</Workbook>\r\n'
)

WEB_PAGES = {
    "Excel web page (windows-1258)": EXCEL_WEB_PAGE,
    "Excel web page, UTF-8 with BOM": b"\xef\xbb\xbf" + EXCEL_WEB_PAGE.replace(b"windows-1258", b"utf-8"),
    "Excel web page, UTF-16": EXCEL_WEB_PAGE.decode("cp1258").encode("utf-16"),
    "Excel single file web page (.mht)": EXCEL_SINGLE_FILE_WEB_PAGE,
    "XHTML with an XML declaration": b'<?xml version="1.0" encoding="utf-8"?>\n<!-- export -->\n<html><body/></html>',
    "HTML5 page": b"\n\n<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"></head><body></body></html>",
    "a bare table another system exports as .xls":
        "<table border=1><tr><th>Mã</th><th>Họ và tên</th></tr></table>".encode(),
}
XML_SPREADSHEETS = {
    "Excel": XML_SPREADSHEET_2003.encode(),
    "Excel, UTF-8 with BOM": b"\xef\xbb\xbf" + XML_SPREADSHEET_2003.encode(),
    "Excel, UTF-16": XML_SPREADSHEET_2003.encode("utf-16"),
    "without the mso-application line": XML_SPREADSHEET_2003.replace(
        '<?mso-application progid="Excel.Sheet"?>\r\n', "").encode(),
}


def _advises_saving_as_xlsx(message):
    assert "Lưu thành (Save As)" in message and "Excel Workbook (.xlsx)" in message
    assert "Word, ảnh" not in message and "CSV" not in message


@pytest.mark.parametrize("data", list(WEB_PAGES.values()), ids=list(WEB_PAGES))
def test_a_web_page_saved_with_a_spreadsheets_name(data):
    problem = refused(data, "E-WEB-PAGE")
    assert "trang web" in problem.message
    _advises_saving_as_xlsx(problem.message)


@pytest.mark.parametrize("data", list(XML_SPREADSHEETS.values()), ids=list(XML_SPREADSHEETS))
def test_an_xml_spreadsheet_2003(data):
    problem = refused(data, "E-XML-2003")
    assert "XML Spreadsheet 2003" in problem.message
    _advises_saving_as_xlsx(problem.message)


def test_a_flat_libreoffice_spreadsheet_is_told_as_libreoffice():
    fods = (b'<?xml version="1.0" encoding="UTF-8"?>\n<office:document xmlns:office="urn:oasis:names:tc:opendocument:'
            b'xmlns:office:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">')
    refused(fods, "E-ODS")


def test_other_xml_keeps_the_generic_answer_and_text_stays_csv():
    refused(b'<?xml version="1.0"?>\n<w:document xmlns:w="urn:word"/>', "E-NOT-XLSX")
    refused("Mã đảng viên;Ghi chú\nDV000001;<5 năm công tác\n".encode(), "E-CSV")
    refused(b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nM\xc3\xa3;T\xc3\xaan\r\n", "E-CSV")


def test_each_markup_kind_has_its_own_message():
    kinds = {sniff.markup_kind(WEB_PAGES["Excel web page (windows-1258)"]),
             sniff.markup_kind(XML_SPREADSHEETS["Excel"]), sniff.markup_kind(b"<?xml version='1.0'?><x/>")}
    assert kinds == {sniff.WEB_PAGE, sniff.SPREADSHEET_XML, sniff.OTHER_XML}
    assert sniff.markup_kind("Mã đảng viên,Họ và tên\n".encode()) is None
    assert MESSAGES["E-WEB-PAGE"] != MESSAGES["E-XML-2003"] != MESSAGES["E-NOT-XLSX"]
