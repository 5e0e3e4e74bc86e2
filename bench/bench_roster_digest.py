"""What the roster-change notice costs a page: the digest of a unit's current roster from codes and names alone, against
building the unit's full roster records, for the largest tổ chức cơ sở đảng of the full demo district (SQLite).

CPU time (time.process_time), the two taking turns within each run.

Usage: .venv/bin/python bench/bench_roster_digest.py [--runs 7]
"""
import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func  # noqa: E402

from kdweb import create_app  # noqa: E402
from kdweb.demo.generate import generate  # noqa: E402
from kdweb.demo.load import load  # noqa: E402
from kdweb.extensions import db  # noqa: E402
from kdweb.models import Cycle, Person, Unit  # noqa: E402
from kdweb.services.roster import names_digest, roster_batch, roster_digest, roster_names  # noqa: E402


def interleaved_cpu_ms(contenders: dict, runs: int) -> dict:
    """Median CPU time (process_time) of each contender, the contenders taking turns within each run."""
    times = {name: [] for name in contenders}
    for _ in range(runs):
        for name, call in contenders.items():
            start = time.process_time()
            call()
            times[name].append((time.process_time() - start) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


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
        assert names_digest(roster_names(cycle, unit)) == roster_digest(roster_batch(cycle, unit))
        cpu = interleaved_cpu_ms({"full": lambda: roster_digest(roster_batch(cycle, unit)),
                                  "names": lambda: names_digest(roster_names(cycle, unit))}, args.runs)
    print(f"{code}: {members} members, median CPU time of {args.runs} interleaved runs")
    print(f"  digest from full roster records: {cpu['full']:7.1f} ms")
    print(f"  digest from codes and names:     {cpu['names']:7.1f} ms  ({cpu['full'] / cpu['names']:.1f}× less)")


if __name__ == "__main__":
    main()
