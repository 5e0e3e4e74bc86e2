"""What the roster-change notice costs a page: the digest of a unit's current roster from codes alone, against
building the unit's full roster records, for the largest tổ chức cơ sở đảng of the full demo district (SQLite).

Usage: .venv/bin/python bench/bench_roster_digest.py [--runs 7]
"""
import argparse
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import func  # noqa: E402

from kdweb import create_app  # noqa: E402
from kdweb.demo.generate import generate  # noqa: E402
from kdweb.demo.load import load  # noqa: E402
from kdweb.extensions import db  # noqa: E402
from kdweb.models import Cycle, Person, Unit  # noqa: E402
from kdweb.services.roster import current_roster_digest, roster_batch, roster_digest  # noqa: E402

from common import median_ms  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite", "SECRET_KEY": uuid.uuid4().hex,
                      "TESTING": True})
    with app.app_context():
        db.create_all()
        load(generate("full"))
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        code, members = db.session.execute(
            db.select(Unit.code, func.count(Person.id)).join(Person, Person.grassroots_id == Unit.id)
            .group_by(Unit.code).order_by(func.count(Person.id).desc()).limit(1)).one()
        unit = db.session.execute(db.select(Unit).filter_by(code=code)).scalar_one()
        assert current_roster_digest(cycle, unit) == roster_digest(roster_batch(cycle, unit))
        full = median_ms(lambda: roster_digest(roster_batch(cycle, unit)), args.runs)
        codes = median_ms(lambda: current_roster_digest(cycle, unit), args.runs)
    print(f"{code}: {members} members, median of {args.runs} runs (wall ms, CPU ms)")
    print(f"  digest from full roster records: {full[0]:7.1f} {full[1]:7.1f}")
    print(f"  digest from codes alone:         {codes[0]:7.1f} {codes[1]:7.1f}")


if __name__ == "__main__":
    main()
