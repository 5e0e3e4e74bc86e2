"""The roster-change notice names who changed since the download, by direction (added, moved in, removed, moved
out), on the unit's page and on the reviewer's page, with the fresh workbook one click away for the unit."""
import html
import re

from kdweb.extensions import db
from kdweb.models import Person, Template

from .conftest import UNIT
from .test_roster_of_record import NEW_CODE, NEW_NAME, download, import_roster_rows, move_member, plain_member

OTHER, OTHER_NAME, UNIT_NAME = "BD.P02", "Đảng bộ phường Điện Biên", "Đảng bộ phường Cống Vị"


def notice(page):
    """Direction → the text of its line, or None when the page shows no roster-change notice."""
    box = re.search(r'<div class="flash flash-warning" role="status" id="roster-changed">(.*?)</div>', page, re.S)
    if box is None:
        return None
    return {key: " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())
            for key, text in re.findall(r'<li data-direction="(\w+)">(.*?)</li>', box.group(1), re.S)}


def pages(client, auth, unit=UNIT):
    """The unit's own page (its staff) and the reviewer's page of the unit, as each sees it now."""
    auth.login_as("staff", unit)
    own = client.get(f"/units/{unit}").get_data(as_text=True)
    auth.logout()
    auth.login_as("reviewer")
    reviewer = client.get(f"/review/units/{unit}").get_data(as_text=True)
    auth.logout()
    return own, reviewer


def downloaded(client, auth, *units):
    for unit in units:
        auth.login_as("staff", unit)
        download(client, unit)
        auth.logout()


def test_no_notice_while_the_roster_matches_the_workbook(client, auth, demo):
    downloaded(client, auth, UNIT)
    for page in pages(client, auth):
        assert notice(page) is None and "Danh sách đã thay đổi sau khi tải mẫu" not in page


def test_a_member_added_since_the_download_is_named_on_both_pages(client, auth, demo):
    downloaded(client, auth, UNIT)
    import_roster_rows(client, auth, [[1, NEW_CODE, NEW_NAME, "15/12/1990", "Nam", "BD.P01.C01", "", "", ""]])
    own, reviewer = pages(client, auth)
    for page in (own, reviewer):
        assert notice(page) == {"added": f"Bổ sung vào danh sách (1): {NEW_NAME} (mã {NEW_CODE})."}
    assert f'href="/units/{UNIT}/workbook.xlsx?carry=1"' in own  # the fresh workbook, keeping what was typed
    assert "workbook.xlsx" not in reviewer and "Đơn vị cần tải mẫu mới" in reviewer


def test_a_member_removed_since_the_download_is_named_on_both_pages(client, app, auth, demo):
    member = plain_member(demo)
    downloaded(client, auth, UNIT)
    with app.app_context():
        db.session.execute(db.delete(Person).filter_by(code=member.code))
        db.session.commit()
        db.session.remove()
    for page in pages(client, auth):
        assert notice(page) == {"removed": f"Rút khỏi danh sách (1): {member.full_name} (mã {member.code})."}


def test_a_member_moved_is_named_as_moved_out_here_and_moved_in_there(client, auth, demo):
    member = plain_member(demo)
    downloaded(client, auth, UNIT, OTHER)
    move_member(client, auth, member, "BD.P02.C01")
    for page in pages(client, auth, UNIT):
        assert notice(page) == {
            "moved_out": f"Chuyển đi (1): {member.full_name} (mã {member.code}) sang {OTHER_NAME}."}
    for page in pages(client, auth, OTHER):
        assert notice(page) == {
            "moved_in": f"Chuyển đến (1): {member.full_name} (mã {member.code}) từ {UNIT_NAME}."}


def test_directions_are_grouped_and_a_long_list_is_cut_short(client, app, auth, demo):
    leaving = plain_member(demo)
    downloaded(client, auth, UNIT)
    new_rows = [[n, f"DV9100{n:02d}", f"Đảng viên Mới {n:02d}", "01/01/1990", "Nam", "BD.P01.C01", "", "", ""]
                for n in range(1, 13)]
    import_roster_rows(client, auth, new_rows)
    with app.app_context():
        db.session.execute(db.delete(Person).filter_by(code=leaving.code))
        db.session.commit()
        db.session.remove()
    own, _ = pages(client, auth)
    lines = notice(own)
    assert list(lines) == ["added", "removed"]
    assert lines["added"].startswith("Bổ sung vào danh sách (12): Đảng viên Mới 01 (mã DV910001), ")
    assert "Đảng viên Mới 10 (mã DV910010) và 2 người khác." in lines["added"]
    assert "DV910011" not in lines["added"]
    assert lines["removed"] == f"Rút khỏi danh sách (1): {leaving.full_name} (mã {leaving.code})."


def test_a_workbook_issued_before_names_were_kept_still_gets_the_notice(client, app, auth, demo):
    downloaded(client, auth, UNIT)
    with app.app_context():
        db.session.execute(db.update(Template).values(roster_json=None))
        db.session.commit()
        db.session.remove()
    import_roster_rows(client, auth, [[1, NEW_CODE, NEW_NAME, "15/12/1990", "Nam", "BD.P01.C01", "", "", ""]])
    own, reviewer = pages(client, auth)
    for page in (own, reviewer):
        assert notice(page) == {} and "Danh sách đã thay đổi sau khi tải mẫu" in page
    assert "carry=1" in own


def test_the_fresh_workbook_ends_the_notice(client, auth, demo):
    downloaded(client, auth, UNIT)
    import_roster_rows(client, auth, [[1, NEW_CODE, NEW_NAME, "15/12/1990", "Nam", "BD.P01.C01", "", "", ""]])
    auth.login_as("staff", UNIT)
    download(client, UNIT, carry=True)
    auth.logout()
    for page in pages(client, auth):
        assert notice(page) is None
