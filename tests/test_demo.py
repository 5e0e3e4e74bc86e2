from collections import Counter

import pytest

from kdweb.demo.generate import SIZES, generate
from kdweb.extensions import db
from kdweb.models import Collective, Cycle, LeaderPost, Person, Unit, UnitCycle, User


def test_small_demo_counts_and_statuses(app, demo):
    with app.app_context():
        units = db.session.execute(db.select(Unit)).scalars().all()
        assert len(units) == len(demo.units)
        kinds = Counter(unit.kind for unit in units)
        assert kinds["district"] == 1
        assert kinds["grassroots_committee"] == 3  # two wards and one agency committee
        assert kinds["grassroots_cell"] == 4  # one agency chi bộ, two schools, one enterprise
        assert kinds["cell"] == 2 * 5 + 2
        assert db.session.scalar(db.select(db.func.count(Person.id))) == len(demo.persons)
        assert db.session.scalar(db.select(db.func.count(Collective.id))) == len(demo.collectives)
        assert db.session.scalar(db.select(db.func.count(LeaderPost.id))) == len(demo.leaders)
        statuses = db.session.execute(db.select(UnitCycle.status)).scalars().all()
        assert len(statuses) == len(demo.reporting_units) == 8
        assert set(statuses) == {"not_downloaded"}
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        assert (cycle.year, cycle.is_open, cycle.rule_set_id) == (2026, True, "qd132-hd21")
        assert cycle.grassroots_deadline.isoformat() == "2026-12-15"
        assert cycle.district_deadline.isoformat() == "2026-12-31"
        roles = Counter(db.session.execute(db.select(User.role)).scalars())
        assert roles == {"admin": 1, "reviewer": 1, "staff": 8}


def test_demo_is_deterministic():
    first, second = generate("small"), generate("small")
    assert [p.full_name for p in first.persons] == [p.full_name for p in second.persons]
    assert [u.password for u in first.users] == [u.password for u in second.users]


@pytest.mark.slow
def test_full_demo_is_shaped_like_ba_dinh():
    district = generate("full")
    grassroots = [u for u in district.units if u.kind in ("grassroots_committee", "grassroots_cell")]
    wards = [u for u in grassroots if u.group == "Đảng bộ phường"]
    assert len(wards) == 14
    assert 55 <= len(grassroots) <= 70
    assert 200 <= len([u for u in district.units if u.kind == "cell"]) <= 400
    assert 14000 <= len(district.persons) <= 17000
    persons = district.persons
    share = lambda flag: sum(1 for p in persons if flag(p)) / len(persons)  # noqa: E731
    assert 0.02 < share(lambda p: p.exempt) < 0.10
    assert 0 < share(lambda p: p.suspended) < 0.005
    assert 0.01 < share(lambda p: p.transferred_in_on is not None) < 0.04
    assert 0.003 < share(lambda p: p.temporary_cell_code is not None) < 0.02
    assert 0.001 < share(lambda p: p.discipline_form is not None) < 0.01
    assert 0.1 < share(lambda p: p.is_civil_servant) < 0.4
    assert share(lambda p: p.retired) > 0.4  # wards hold many retired members
    codes = [p.code for p in persons]
    assert len(set(codes)) == len(codes)
    titles = {c.collective_type for c in district.collectives}
    assert {"Ban Thường vụ Quận ủy", "Thường trực HĐND phường", "Lãnh đạo UBND phường", "Trường học"} <= titles
    heads = [leader for leader in district.leaders if leader.heads_unit_code or leader.heads_collective_code]
    assert len(heads) == len(district.leaders)
    assert len(district.users) == len(district.reporting_units) + 2


def test_city_size_is_thirty_districts(monkeypatch):
    """The city is the full district's grassroots copied SIZES["city"] times; the copying is shown on the small
    shape copied three times, without generating the city's 450,000 people."""
    assert SIZES["city"] == 30 and SIZES["full"] == 1
    once = generate("small")
    monkeypatch.setitem(SIZES, "small", 3)
    thrice = generate("small")
    grassroots = lambda district: [u for u in district.units if u.level == "grassroots" and u.reports]  # noqa: E731
    assert len(grassroots(thrice)) == 3 * len(grassroots(once))
    assert len([u for u in thrice.units if u.level == "district"]) == 1  # one district above every copy
    assert 2.5 * len(once.persons) < len(thrice.persons) < 3.5 * len(once.persons)
    for records in (thrice.units, thrice.persons, thrice.collectives, thrice.users):
        codes = [getattr(record, "code", None) or record.login for record in records]
        assert len(set(codes)) == len(codes)


def test_demo_cli_loads_and_prints_logins(app, tmp_path):
    from kdweb import create_app
    from tests.conftest import app_config

    other = create_app(app_config(f"sqlite:///{tmp_path}/cli.sqlite"))
    result = other.test_cli_runner().invoke(args=["demo", "--size", "small"])
    assert result.exit_code == 0, result.output
    assert "members=" in result.output and "bantochuc" in result.output
    again = other.test_cli_runner().invoke(args=["demo", "--size", "small", "--if-empty"])
    assert again.exit_code == 0 and "giữ nguyên" in again.output
    refused = other.test_cli_runner().invoke(args=["demo", "--size", "small"])
    assert refused.exit_code != 0 and "đã có dữ liệu" in refused.output


def cli_app(tmp_path, **config):
    from kdweb import create_app
    from tests.conftest import app_config

    return create_app(app_config(f"sqlite:///{tmp_path}/cli.sqlite", **config))


def count_rows(app, model) -> int:
    with app.app_context():
        if not db.inspect(db.engine).has_table(model.__tablename__):
            return 0
        count = db.session.scalar(db.select(db.func.count()).select_from(model))
        db.session.remove()
        return count


def add_upload(app) -> None:
    from kdweb.models import Upload

    with app.app_context():
        unit = db.session.execute(db.select(Unit).filter_by(code="BD.P01")).scalar_one()
        user = db.session.execute(db.select(User).filter_by(unit_id=unit.id)).scalars().first()
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        db.session.add(Upload(cycle_id=cycle.id, unit_id=unit.id, user_id=user.id, version=1, filename="ket-qua.xlsx",
                              size=4, sha256="0" * 64, content=b"PK\x03\x04", outcome="valid"))
        db.session.commit()
        db.session.remove()


def test_demo_refuses_a_production_database_without_the_override(tmp_path):
    production = cli_app(tmp_path, KDWEB_ENV="production")
    for args in (["demo", "--size", "small"], ["demo", "--size", "small", "--if-empty"],
                 ["demo", "--size", "small", "--reset", "--yes"]):
        refused = production.test_cli_runner().invoke(args=args)
        assert refused.exit_code != 0, args
        assert "KDWEB_ENV=production" in refused.output and "--allow-production" in refused.output
        assert count_rows(production, Unit) == 0  # nothing created, nothing dropped

    allowed = production.test_cli_runner().invoke(args=["demo", "--size", "small", "--allow-production"])
    assert allowed.exit_code == 0, allowed.output
    assert count_rows(production, Unit) > 0
    refused_reset = production.test_cli_runner().invoke(args=["demo", "--size", "small", "--reset", "--yes"])
    assert refused_reset.exit_code != 0 and count_rows(production, Unit) > 0


def test_demo_reset_asks_before_dropping_uploaded_files(tmp_path):
    from kdweb.models import Upload

    other = cli_app(tmp_path)
    assert other.test_cli_runner().invoke(args=["demo", "--size", "small"]).exit_code == 0
    quiet = other.test_cli_runner().invoke(args=["demo", "--size", "small", "--reset"])  # no uploads: no question
    assert quiet.exit_code == 0, quiet.output
    assert "Vẫn xóa?" not in quiet.output

    add_upload(other)
    declined = other.test_cli_runner().invoke(args=["demo", "--size", "small", "--reset"], input="n\n")
    assert declined.exit_code != 0
    assert "1 tệp các đơn vị đã tải lên" in declined.output and "Vẫn xóa?" in declined.output
    assert count_rows(other, Upload) == 1
    no_answer = other.test_cli_runner().invoke(args=["demo", "--size", "small", "--reset"], input="")
    assert no_answer.exit_code != 0 and count_rows(other, Upload) == 1  # no terminal to answer: no reset

    confirmed = other.test_cli_runner().invoke(args=["demo", "--size", "small", "--reset"], input="y\n")
    assert confirmed.exit_code == 0, confirmed.output
    assert count_rows(other, Upload) == 0 and count_rows(other, Unit) > 0

    add_upload(other)
    scripted = other.test_cli_runner().invoke(args=["demo", "--size", "small", "--reset", "--yes"])
    assert scripted.exit_code == 0, scripted.output
    assert "Vẫn xóa?" not in scripted.output and count_rows(other, Upload) == 0
