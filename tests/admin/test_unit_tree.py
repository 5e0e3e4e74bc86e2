"""Issue 20 point 8: the unit tree at district size is searchable and collapsible (and reads the same without JS)."""
import re

from kdweb.services.admin.units import COLLAPSE_FROM, TreeRow, tree_view


class FakeUnit:
    def __init__(self, unit_id, parent_id, code, name):
        self.id, self.parent_id, self.code, self.name = unit_id, parent_id, code, name


def district(wards=3, cells=60):
    rows = [TreeRow(FakeUnit(1, None, "BD", "Đảng bộ Quận Ba Đình"), 0)]
    next_id = 2
    for ward in range(1, wards + 1):
        ward_id = next_id
        rows.append(TreeRow(FakeUnit(ward_id, 1, f"BD.P{ward:02d}", f"Đảng bộ phường Số {ward}"), 1))
        next_id += 1
        for cell in range(1, cells + 1):
            rows.append(TreeRow(FakeUnit(next_id, ward_id, f"BD.P{ward:02d}.C{cell:02d}", f"Chi bộ Tổ dân phố số {cell}"), 2))
            next_id += 1
    return rows


def codes(view):
    return [row.unit.code for row, _children, _open in view.rows]


def test_a_district_size_tree_starts_with_two_levels_and_opens_one_unit_on_request():
    rows = district()
    assert len(rows) >= COLLAPSE_FROM
    view = tree_view(rows)
    assert view.collapsed and codes(view) == ["BD", "BD.P01", "BD.P02", "BD.P03"]
    assert [children for _row, children, _open in view.rows] == [3, 60, 60, 60]
    opened = tree_view(rows, opened={"BD.P02"})
    assert len(codes(opened)) == 4 + 60 and codes(opened)[3] == "BD.P02.C01" and codes(opened)[-1] == "BD.P03"
    assert len(codes(tree_view(rows, everything=True))) == len(rows)


def test_search_keeps_the_matches_and_the_units_above_them():
    view = tree_view(district(), q="c07")
    assert codes(view) == ["BD", "BD.P01", "BD.P01.C07", "BD.P02", "BD.P02.C07", "BD.P03", "BD.P03.C07"]
    assert view.matched == 3
    assert codes(tree_view(district(), q="BD.P02.C1")) == ["BD", "BD.P02"] + [f"BD.P02.C{n}" for n in range(10, 20)]


def test_a_small_tree_shows_everything(client, admin, demo):
    page = client.get("/admin/units").get_data(as_text=True)
    assert all(unit.code in page for unit in demo.units)
    found = client.get("/admin/units?q=cong vi").get_data(as_text=True)
    assert "Đảng bộ phường Cống Vị" in found and "Đảng bộ phường Điện Biên" not in found


def test_the_collapsed_tree_page_opens_a_unit_with_a_plain_link(client, admin, demo, monkeypatch):
    monkeypatch.setattr("kdweb.services.admin.units.COLLAPSE_FROM", 5)
    page = client.get("/admin/units").get_data(as_text=True)
    assert "BD.P01.C01" not in page and 'aria-expanded="false"' in page and "Mở tất cả" in page
    link = re.search(r'<a class="tree-toggle" aria-expanded="false"\s+href="([^"]+)"\s+aria-label="Mở Đảng bộ phường Cống Vị',
                     page).group(1).replace("&amp;", "&")
    opened = client.get(link).get_data(as_text=True)
    assert "BD.P01.C01" in opened and "BD.P02.C01" not in opened and 'aria-expanded="true"' in opened
