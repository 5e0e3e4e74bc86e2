"""The unit tree against the leadership: a chi bộ moved under another đảng bộ takes its members along (they are
regrouped) but not the leader post that heads it, which stays rated in the old đảng bộ's workbook. Nothing refuses
the move; the admin is told which posts heading the moved chi bộ are still rated in another tổ chức cơ sở đảng, and
where to move them, and nothing is said when no post is left behind (a rename, a move back)."""
from kdweb.extensions import db
from kdweb.models import LeaderPost, Unit

MOVED = "BD.P01.C03"


def unit_form(app, code, parent_code=None, name=None):
    with app.app_context():
        unit = db.session.execute(db.select(Unit).filter_by(code=code)).scalar_one()
        parent = db.session.execute(db.select(Unit.id).filter_by(code=parent_code)).scalar_one() if parent_code \
            else unit.parent_id
        form = {"name": name or unit.name, "kind": unit.kind, "level": unit.level, "group": unit.group or "",
                "parent_id": str(parent), "sort_order": str(unit.sort_order or 0),
                **({"reports": "1"} if unit.reports else {})}
        db.session.remove()
    return form


def post_heading(app, code):
    with app.app_context():
        title = db.session.execute(
            db.select(LeaderPost.title).join(Unit, LeaderPost.heads_unit_id == Unit.id).filter(Unit.code == code)
        ).scalar_one()
        db.session.remove()
    return title


def saved(client, code, form) -> str:
    return client.post(f"/admin/units/{code}", data=form, follow_redirects=True).get_data(as_text=True)


def test_a_chi_bo_moved_under_another_dang_bo_names_the_post_still_rated_in_the_old_one(client, admin, app, demo):
    title = post_heading(app, MOVED)
    page = saved(client, MOVED, unit_form(app, MOVED, "BD.P02"))
    assert "Đã lưu đơn vị" in page
    assert title in page and "vẫn được đánh giá tại" in page and "Đảng bộ phường" in page
    assert "Lãnh đạo và tập thể lãnh đạo" in page  # where to move it

    page = saved(client, MOVED, unit_form(app, MOVED, "BD.P01"))  # moved back: the post is where it belongs
    assert "Đã lưu đơn vị" in page and "vẫn được đánh giá tại" not in page


def test_a_rename_says_nothing_of_the_leadership(client, admin, app, demo):
    page = saved(client, MOVED, unit_form(app, MOVED, name="Chi bộ Khu dân cư số 3 (mới)"))
    assert "Đã lưu đơn vị" in page and "vẫn được đánh giá tại" not in page
