"""A deterministic demo district shaped like Ba Đình, as plain records (no database here).

Sizes: "small" for tests (a handful of units, about 200 members), "full" (about 60 grassroots
organisations and 15,000 members), "city" (the full district thirty times, for scale benchmarks).
"""
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from kdweb.demo import names
from kdweb.domain import Discipline

SIZES = {"small": 1, "full": 1, "city": 30}
DISTRICT_CODE = "BD"
YEAR = 2026


@dataclass
class DemoUnit:
    code: str
    name: str
    kind: str
    level: str
    group: str | None
    parent_code: str | None
    reports: bool
    sort_order: int = 0
    founded_on: date | None = None


@dataclass
class DemoPerson:
    code: str
    full_name: str
    birth_date: date
    gender: str
    cell_code: str
    grassroots_code: str
    probationary: bool = False
    admitted_on: date | None = None
    exempt: bool = False
    suspended: bool = False
    committee_suspended: bool = False
    transferred_in_on: date | None = None
    months_at_old_place: int | None = None
    temporary_cell_code: str | None = None
    is_civil_servant: bool = False
    post: str | None = None
    retired: bool = False
    discipline_form: str | None = None


@dataclass
class DemoCollective:
    code: str
    name: str
    collective_type: str
    rated_in_code: str
    leads_unit_code: str | None
    founded_on: date | None = None


@dataclass
class DemoLeader:
    code: str
    person_code: str
    title: str
    equivalent_group: str
    rated_in_code: str
    heads_unit_code: str | None = None
    heads_collective_code: str | None = None
    is_head: bool = True


@dataclass
class DemoUser:
    login: str
    password: str
    full_name: str
    role: str
    unit_code: str | None


@dataclass
class DemoDistrict:
    year: int
    review_date: date
    grassroots_deadline: date
    district_deadline: date
    units: list[DemoUnit] = field(default_factory=list)
    persons: list[DemoPerson] = field(default_factory=list)
    collectives: list[DemoCollective] = field(default_factory=list)
    leaders: list[DemoLeader] = field(default_factory=list)
    users: list[DemoUser] = field(default_factory=list)
    rule_set_id: str = "qd132-hd21"
    superior: object = None  # a kdweb.superior.Superior, when the shape names its own
    shape: str = "district"

    @property
    def reporting_units(self) -> list[DemoUnit]:
        return [unit for unit in self.units if unit.reports]


def generate(size: str = "full", seed: int = 174) -> DemoDistrict:
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}")
    builder = _Builder(random.Random(seed), small=(size == "small"))
    builder.district()
    for copy in range(1, SIZES[size] + 1):
        builder.grassroots(prefix=DISTRICT_CODE if copy == 1 else f"{DISTRICT_CODE}.K{copy:02d}", copy=copy)
    builder.users()
    return builder.result


def founded_on(code: str, kind: str) -> date | None:
    """Founding dates without touching the random sequence: long-standing organisations, and in every second ward
    a third chi bộ founded this September, under six months before the review (O-NEW: not rated)."""
    if kind == "district":
        return date(1945, 12, 19)
    parts = code.split(".")
    if kind == "cell" and len(parts) >= 3 and parts[-1] == "C03" and parts[-2].startswith("P") \
            and parts[-2][1:].isdigit() and int(parts[-2][1:]) % 2 == 0:
        return date(YEAR, 9, 1)
    return date(1975 + sum(map(ord, code)) % 45, 1 + sum(map(ord, code)) % 12, 1)


class _Builder:
    def __init__(self, rng: random.Random, small: bool):
        self.rng = rng
        self.small = small
        self.review_date = date(YEAR, 12, 1)
        self.result = DemoDistrict(YEAR, self.review_date, date(YEAR, 12, 15), date(YEAR, 12, 31))
        self.member_seq = 0
        self.order = 0
        self.cells: list[DemoUnit] = []
        self.by_cell: dict[str, list[DemoPerson]] = {}

    # --- units -----------------------------------------------------------------------------
    def unit(self, code, name, kind, level, group, parent, reports):
        self.order += 1
        unit = DemoUnit(code, name, kind, level, group, parent, reports, self.order, founded_on(code, kind))
        self.result.units.append(unit)
        return unit

    def district(self):
        self.unit(DISTRICT_CODE, "Đảng bộ Quận Ba Đình", "district", "district", None, None, True)
        for name, collective_type in names.DISTRICT_COLLECTIVES:
            self.collective(DISTRICT_CODE, name, collective_type, DISTRICT_CODE)

    def grassroots(self, prefix, copy):
        suffix = "" if copy == 1 else f" (khu vực {copy})"
        wards = names.WARDS[:2] if self.small else names.WARDS
        for index, ward in enumerate(wards, 1):
            self.ward(f"{prefix}.P{index:02d}", ward, suffix)
        committees = names.AGENCY_COMMITTEES[:1] if self.small else names.AGENCY_COMMITTEES
        for index, (name, parts) in enumerate(committees, 1):
            self.agency_committee(f"{prefix}.CQ{index:02d}", name + suffix, parts[:2] if self.small else parts)
        agency_cells = names.AGENCY_CELLS[:1] if self.small else names.AGENCY_CELLS
        for index, name in enumerate(agency_cells, 1):
            self.grassroots_cell(f"{prefix}.CB{index:02d}", name + suffix, "Khối cơ quan", (15, 40), 0.9)
        schools = names.SCHOOLS[:2] if self.small else names.SCHOOLS
        for index, school in enumerate(schools, 1):
            cell = self.grassroots_cell(f"{prefix}.TH{index:02d}", f"Chi bộ {school}{suffix}", "Khối giáo dục", (8, 30), 0.95)
            collective = self.collective(cell.code + ".BGH", f"Ban Giám hiệu {school}{suffix}", "Trường học",
                                         DISTRICT_CODE, leads=cell.code)
            self.leader(cell.code, "Hiệu trưởng " + school + suffix, "Hiệu trưởng", DISTRICT_CODE,
                        heads_collective=collective.code)
        enterprises = names.ENTERPRISES[:1] if self.small else names.ENTERPRISES
        for index, name in enumerate(enterprises, 1):
            self.grassroots_cell(f"{prefix}.DN{index:02d}", f"Chi bộ {name}{suffix}", "Khối doanh nghiệp", (15, 60), 0.1)
        self.assign_temporary_activity()

    def ward(self, code, ward, suffix):
        committee = self.unit(code, f"Đảng bộ phường {ward}{suffix}", "grassroots_committee", "grassroots",
                              "Đảng bộ phường", DISTRICT_CODE, True)
        count = 3 if self.small else self.rng.randint(14, 19)
        for number in range(1, count + 1):
            label = self.rng.choice(["Khu dân cư", "Tổ dân phố"])
            self.cell(f"{code}.C{number:02d}", f"Chi bộ {label} số {number}", committee,
                      "Chi bộ khu dân cư", (12, 20) if self.small else (40, 72), civil_share=0.04, retired_share=0.7)
        office = self.cell(f"{code}.CQ", "Chi bộ Cơ quan phường", committee, "Chi bộ cơ quan",
                           (8, 12) if self.small else (18, 30), civil_share=0.95, retired_share=0.0)
        self.cell(f"{code}.CA", "Chi bộ Công an phường", committee, "Chi bộ cơ quan",
                  (6, 10) if self.small else (15, 25), civil_share=1.0, retired_share=0.0)
        heads = {}
        for template, collective_type in names.WARD_COLLECTIVES:
            name = template.format(ward=ward) + suffix
            leads = code if collective_type == "Cấp ủy cơ sở" else None
            heads[collective_type + name] = self.collective(code, name, collective_type, code, leads=leads)
        party_committee = next(c for key, c in heads.items() if key.startswith("Cấp ủy cơ sở"))
        government = next(c for key, c in heads.items() if key.startswith("Lãnh đạo UBND phường"))
        front = next(c for key, c in heads.items() if key.startswith("MTTQ") and "Ủy ban MTTQ" in c.name)
        self.leader(office.code, f"Bí thư Đảng ủy phường {ward}{suffix}", "Bí thư cấp ủy cơ sở", DISTRICT_CODE,
                    heads_unit=code, heads_collective=party_committee.code)
        self.leader(office.code, f"Chủ tịch UBND phường {ward}{suffix}", "Chủ tịch UBND phường", DISTRICT_CODE,
                    heads_collective=government.code)
        self.leader(office.code, f"Chủ tịch Ủy ban MTTQ phường {ward}{suffix}", "Chủ tịch MTTQ phường", code,
                    heads_collective=front.code)

    def agency_committee(self, code, name, parts):
        committee = self.unit(code, name, "grassroots_committee", "grassroots", "Khối cơ quan", DISTRICT_CODE, True)
        for number, part in enumerate(parts, 1):
            self.cell(f"{code}.C{number:02d}", f"Chi bộ {part}", committee, "Chi bộ cơ quan",
                      (6, 10) if self.small else (15, 60), civil_share=0.92, retired_share=0.0)
        collective = self.collective(code, f"Đảng ủy {name.removeprefix('Đảng bộ ')}", "Cấp ủy cơ sở", code, leads=code)
        self.leader(f"{code}.C01", f"Bí thư {name.replace('Đảng bộ', 'Đảng ủy')}", "Bí thư cấp ủy cơ sở", DISTRICT_CODE,
                    heads_unit=code, heads_collective=collective.code)

    def grassroots_cell(self, code, name, group, size_range, civil_share):
        unit = self.unit(code, name, "grassroots_cell", "grassroots", group, DISTRICT_CODE, True)
        size_range = (6, 10) if self.small else size_range
        self.members(unit, unit, size_range, civil_share, retired_share=0.0)
        collective = self.collective(code, f"Chi ủy {name.removeprefix('Chi bộ ')}", "Cấp ủy cơ sở", code, leads=code)
        self.leader(code, f"Bí thư {name}", "Bí thư cấp ủy cơ sở", DISTRICT_CODE, heads_unit=code,
                    heads_collective=collective.code)
        return unit

    def cell(self, code, name, committee, group, size_range, civil_share, retired_share):
        cell = self.unit(code, name, "cell", "grassroots", group, committee.code, False)
        self.members(cell, committee, size_range, civil_share, retired_share)
        self.leader(code, f"Bí thư {name}, {committee.name}", "Bí thư chi bộ", committee.code, heads_unit=code)
        return cell

    # --- people ----------------------------------------------------------------------------
    def members(self, cell, grassroots, size_range, civil_share, retired_share):
        self.cells.append(cell)
        for _ in range(self.rng.randint(*size_range)):
            person = self.person(cell, grassroots, civil_share, retired_share)
            self.result.persons.append(person)
            self.by_cell.setdefault(cell.code, []).append(person)

    def person(self, cell, grassroots, civil_share, retired_share) -> DemoPerson:
        rng = self.rng
        self.member_seq += 1
        gender = rng.choice(["Nam", "Nữ"])
        family = rng.choices([n for n, _ in names.FAMILY_NAMES], [w for _, w in names.FAMILY_NAMES])[0]
        full_name = f"{family} {rng.choice(names.MIDDLE_NAMES[gender])} {rng.choice(names.GIVEN_NAMES[gender])}"
        retired = rng.random() < retired_share
        age = rng.randint(58, 92) if retired else rng.randint(24, 59)
        birth = date(YEAR - age, rng.randint(1, 12), rng.randint(1, 28))
        years_in_party = rng.randint(1, max(1, age - 20))
        person = DemoPerson(
            code=f"DV{self.member_seq:06d}", full_name=full_name, birth_date=birth, gender=gender,
            cell_code=cell.code, grassroots_code=grassroots.code, retired=retired,
            admitted_on=date(YEAR - years_in_party, rng.randint(1, 12), rng.randint(1, 28)),
            is_civil_servant=not retired and rng.random() < civil_share,
        )
        self.sprinkle_statuses(person, age)
        return person

    def sprinkle_statuses(self, person: DemoPerson, age: int):
        rng, roll = self.rng, self.rng.random()
        if roll < 0.008:  # admitted less than six months before the review
            person.admitted_on = self.review_date - timedelta(days=rng.randint(20, 170))
            person.probationary = True
        elif roll < 0.03:
            person.admitted_on = self.review_date - timedelta(days=rng.randint(200, 360))
            person.probationary = True
        if person.retired and age >= 75 and rng.random() < 0.25:
            person.exempt = True
        elif rng.random() < 0.0008:
            person.suspended = True
        elif rng.random() < 0.0005:
            person.committee_suspended = True
        if not person.probationary and rng.random() < 0.02:
            person.transferred_in_on = date(YEAR, rng.randint(1, 10), rng.randint(1, 28))
            person.months_at_old_place = rng.choice([2, 4, 5, 6, 8, 12, 24, 36])
        if not person.exempt and rng.random() < 0.004:
            form = rng.choices([Discipline.KHIEN_TRACH, Discipline.CANH_CAO, Discipline.CACH_CHUC], [6, 3, 1])[0]
            person.discipline_form = form.code

    def assign_temporary_activity(self):
        """A few members of one organisation take part temporarily in another's chi bộ."""
        if len(self.cells) < 2:
            return
        for person in self.result.persons:
            if person.temporary_cell_code is None and not person.exempt and self.rng.random() < 0.01:
                other = self.rng.choice(self.cells)
                if other.code != person.cell_code:
                    person.temporary_cell_code = other.code
        self.cells = []

    def collective(self, code_base, name, collective_type, rated_in, leads=None) -> DemoCollective:
        code = f"{code_base}.TT{len(self.result.collectives) + 1:03d}"
        founded = date(YEAR, 9, 1) if self.rng.random() < 0.01 else date(2020, 10, 1)
        collective = DemoCollective(code, name, collective_type, rated_in, leads, founded)
        self.result.collectives.append(collective)
        return collective

    def leader(self, cell_code, title, group, rated_in, heads_unit=None, heads_collective=None):
        candidates = [p for p in self.by_cell.get(cell_code, ())
                      if not (p.exempt or p.suspended or p.retired or p.probationary)]
        if not candidates:
            return None
        person = candidates[len(self.result.leaders) % len(candidates)]
        person.post = person.post or title
        leader = DemoLeader(f"LD{len(self.result.leaders) + 1:05d}", person.code, title, group, rated_in,
                            heads_unit, heads_collective)
        self.result.leaders.append(leader)
        return leader

    # --- users -----------------------------------------------------------------------------
    def users(self):
        users = self.result.users
        users.append(DemoUser("admin", self.password(), "Quản trị hệ thống", "admin", None))
        users.append(DemoUser("bantochuc", self.password(), "Nguyễn Thị Thu Hà (Ban Tổ chức)", "reviewer", None))
        for unit in self.result.reporting_units:
            login = unit.code.lower().replace(".", "-")
            users.append(DemoUser(login, self.password(), f"Cán bộ {unit.name}", "staff", unit.code))

    def password(self) -> str:
        words = ["sen", "hoa", "song", "nui", "trang", "mai", "dao", "lua", "tre", "sao"]
        return f"{self.rng.choice(words)}-{self.rng.randint(1000, 9999)}-{self.rng.choice(words)}"
