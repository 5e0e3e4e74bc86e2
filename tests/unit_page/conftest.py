import pytest

from kdweb.rules import SubjectKind
from tests.workbooks import cell_of, changed, clean_values, fill, roster

UNIT = "BD.P01"


@pytest.fixture
def staff(auth):
    return auth.login_as("staff", UNIT)


@pytest.fixture
def batch(app, demo):
    return roster(app, UNIT)


@pytest.fixture
def download(client, staff):
    def _download():
        response = client.get(f"/units/{UNIT}/workbook.xlsx")
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        return response.data
    return _download


@pytest.fixture
def clean_workbook(download, batch):
    return fill(download(), clean_values(batch))


@pytest.fixture
def upload_wrong_level(client, download, batch):
    """upload_wrong_level(member, level): the unit's clean workbook with one member's level mistyped, uploaded;
    returns (sheet, cell) of that level."""
    def _upload(member, level):
        data = download()
        upload(client, fill(data, changed(clean_values(batch), member.code, level=level)))
        return cell_of(data, SubjectKind.MEMBER, member.code, "level")
    return _upload


def upload(client, data, filename="ket-qua.xlsx", htmx=True):
    import io

    headers = {"HX-Request": "true", "HX-Target": "results"} if htmx else {}
    return client.post(f"/units/{UNIT}/uploads", data={"file": (io.BytesIO(data), filename)},
                       headers=headers, content_type="multipart/form-data")
