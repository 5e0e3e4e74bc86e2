"""Workbooks the way a unit fills them (tests/workbooks.py), and states set up without the browser."""
import io

from kdweb.rules import Level, SubjectKind
from tests.workbooks import cell_of, clean_values, fill, roster, submit_latest_upload


def plain_member(batch):
    """A member the rules rate without any special case, so a bad level is the only problem on the row."""
    return next(m for m in batch.members if not (m.exempt or m.suspended or m.temporary_activity or m.is_civil_servant
                                                  or m.transferred_in or m.temporary_activity_elsewhere)
                and not m.probationary)


class UnitWorkbooks:
    """The unit's downloaded workbook, filled cleanly or with one member's level written wrong."""

    def __init__(self, app, unit_code: str, downloaded: bytes):
        self.batch = roster(app, unit_code)
        self.downloaded = downloaded
        self.member = plain_member(self.batch)

    def clean(self, level: Level = Level.HTTNV) -> bytes:
        return fill(self.downloaded, clean_values(self.batch, level=level))

    def with_bad_level(self, text: str) -> bytes:
        values = clean_values(self.batch)

        def values_for(kind, code):
            row = values(kind, code)
            if kind is SubjectKind.MEMBER and code == self.member.code:
                row = dict(row, level=text)
            return row

        return fill(self.downloaded, values_for)

    def bad_level_cell(self) -> tuple[str, str]:
        return cell_of(self.downloaded, SubjectKind.MEMBER, self.member.code, "level")


def prepare_with_client(client, auth, app, unit_code: str, bad_level: str | None = None, submit: bool = False) -> None:
    """Without a browser: the unit's staff download, fill (cleanly, or with one member's level written as
    bad_level), upload and, when told, submit."""
    auth.login_as("staff", unit_code)
    response = client.get(f"/units/{unit_code}/workbook.xlsx")
    assert response.status_code == 200
    workbooks = UnitWorkbooks(app, unit_code, response.data)
    filled = workbooks.with_bad_level(bad_level) if bad_level else workbooks.clean()
    uploaded = client.post(f"/units/{unit_code}/uploads", data={"file": (io.BytesIO(filled), "ket-qua.xlsx")},
                           content_type="multipart/form-data", headers={"HX-Request": "true"})
    body = uploaded.get_data(as_text=True)
    assert ('class="badge badge-danger"' if bad_level else "Không có lỗi") in body, unit_code
    if submit:
        submit_latest_upload(client, app, unit_code)
    auth.logout()


def member_counts(batch, level: Level = Level.HTTNV) -> dict[str, int]:
    """What the district report must show for a unit whose members were all rated `level` where allowed
    (those the roster knows were disciplined in the year: KHTNV)."""
    values = clean_values(batch, level=level)
    given = [values(SubjectKind.MEMBER, member.code)["level"] for member in batch.members]
    return {"roster": len(batch.members), "level": given.count(level.text), "KHTNV": given.count(Level.KHTNV.text),
            "rated": given.count(level.text) + given.count(Level.KHTNV.text)}
