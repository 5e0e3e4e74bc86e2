"""The fixture district with results on the small demo: see scenario.py for what each unit sent."""
from dataclasses import dataclass

import pytest

from kdweb.extensions import db
from tests.reports import factories
from tests.reports.scenario import RISKY_UNIT_NAME, previous_year_results, scenario_results


@dataclass
class Scenario:
    results: dict
    unit_groups: dict
    unit_names: dict

    @property
    def unit_codes(self):
        return list(self.unit_groups)


def load_results(cycle, results):
    for code, sends in results.items():
        for state, subjects in sends:
            factories.send_result(cycle, factories.unit(code), subjects, state)


@pytest.fixture
def scenario(app, demo):
    with app.app_context():
        load_results(factories.cycle(2026), scenario_results())
        factories.unit("BD.DN01").name = RISKY_UNIT_NAME
        db.session.commit()
        db.session.remove()
    names = {unit.code: unit.name for unit in demo.reporting_units}
    names["BD.DN01"] = RISKY_UNIT_NAME
    return Scenario(scenario_results(), {unit.code: unit.group for unit in demo.reporting_units}, names)


@pytest.fixture
def previous_year(app, scenario):
    with app.app_context():
        cycle = factories.add_cycle(2025)
        load_results(cycle, previous_year_results())
        db.session.commit()
        db.session.remove()
    return previous_year_results()


@pytest.fixture
def reviewer(auth, scenario):
    auth.login_as("reviewer")
    return auth
