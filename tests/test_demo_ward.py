"""The ward demo shape: a ward party committee like Phường Ba Đình today, its 2026 cycle under qd366-hd43 with
results sent through the real services (downloaded, scored, uploaded, submitted, approved)."""
from collections import Counter

from kdweb.demo.ward import generate_ward
from kdweb.extensions import db
from kdweb.models import Cycle, Rating, Submission, Unit, Upload
from kdweb.services.superior import current_superior


def test_the_ward_is_shaped_like_phuong_ba_dinh():
    ward = generate_ward()
    kinds = Counter(unit.kind for unit in ward.units if unit.reports and unit.kind != "district")
    assert kinds == {"grassroots_committee": 7, "grassroots_cell": 82}  # 89 tổ chức cơ sở đảng
    assert 3_500 <= len(ward.persons) <= 4_100  # 3,776 in 2025
    assert ward.rule_set_id == "qd366-hd43" and ward.superior.staff_body.startswith("Ban Xây dựng Đảng")
    assert [p.full_name for p in ward.persons[:50]] == [p.full_name for p in generate_ward().persons[:50]]


def test_the_ward_demo_loads_with_its_superior_and_realistic_scores(tmp_path):
    from kdweb import create_app
    from tests.conftest import app_config

    other = create_app(app_config(f"sqlite:///{tmp_path}/ward.sqlite"))
    result = other.test_cli_runner().invoke(args=["demo", "--shape", "ward", "--size", "small"])
    assert result.exit_code == 0, result.output
    assert "banxaydungdang" in result.output and "Kết quả: sent=" in result.output
    with other.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        assert (cycle.year, cycle.rule_set_id) == (2026, "qd366-hd43")
        assert current_superior().name == "Đảng ủy phường Ba Đình"
        outcomes = Counter(db.session.execute(db.select(Upload.outcome)).scalars())
        assert outcomes["valid"] >= 1 and outcomes["errors"] == 0 and outcomes["rejected"] == 0
        assert db.session.scalar(db.select(db.func.count(Submission.id)).filter_by(state="approved")) >= 1
        scores = db.session.execute(db.select(Rating.score).where(Rating.score.is_not(None))).scalars().all()
        assert scores and all(0 <= score <= 100 for score in scores)
        bands = Counter(db.session.execute(db.select(Rating.score_band).where(Rating.score_band.is_not(None))).scalars())
        assert bands["HTTNV"] > bands["HTXSNV"] > 0
        assert db.session.execute(db.select(Unit.code).filter_by(kind="district")).scalar_one() == "PBD"
