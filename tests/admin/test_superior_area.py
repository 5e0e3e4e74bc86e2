"""Since 1/7/2025 a ward party committee plays the district's part (docs/rulebook-366.md §4): with the ward as the
superior, the pages that named the district ("toàn quận", "hạn quận", "Đảng bộ Quận") name the ward."""
import re

from kdweb.superior import WARD, Superior

WARD_FORM = {name: getattr(WARD, name) for name in WARD.__dataclass_fields__}
PAGES = ("/admin/", "/admin/cycles", "/review/checks", "/admin/units/new")


def district_words(page: str) -> list[str]:
    """The product's own words (the demo's units keep their names: "Đảng bộ Quận Ba Đình" is data)."""
    return re.findall(r"(?i)toàn quận|hạn quận|Không có \(Đảng bộ Quận\)|>Đảng bộ Quận<", page)


def test_the_area_is_the_level_name_without_cap():
    assert (Superior().area, WARD.area) == ("quận", "phường")


def test_a_ward_superior_is_named_where_the_district_was(client, admin):
    before = {path: client.get(path).get_data(as_text=True) for path in PAGES}
    assert "Kiểm tra toàn quận" in before["/review/checks"]  # the default superior is a district
    assert client.post("/admin/superior", data=WARD_FORM).status_code == 303
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        assert district_words(response.get_data(as_text=True)) == [], path
    assert "Kiểm tra toàn phường" in client.get("/review/checks").get_data(as_text=True)
    assert "Hạn phường" in client.get("/admin/cycles").get_data(as_text=True)
    refused = client.post("/admin/units/new", data={"code": "X1", "name": "Chi bộ X", "kind": "grassroots_cell"})
    assert "phường hoặc cơ sở" in refused.get_data(as_text=True)
