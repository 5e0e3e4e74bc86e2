"""Checks across records and workbooks (docs/rulebook.md §4): X-MISSING, X-HEAD, X-DISCIPLINE-ORIGIN, and C-UNIT/L-HEAD
when the unit led or headed is in another workbook."""
from __future__ import annotations

from collections import Counter, defaultdict

from .checks_collective import led_organisation_caps
from .checks_common import over_cap
from .checks_leader import headed_caps
from .findings import Finding
from .grading import lowest
from .messages import lower_first, quoted_level, record_phrase
from .ruleset import Check
from .terms import NOT_RATED_TEXT, Level, SubjectKind


def check_roster(ctx):
    """X-MISSING: every expected subject appears exactly once; none is invented, duplicated or dropped."""
    for kind in SubjectKind:
        records = ctx.records(kind)
        codes = [record.code for record in records]
        present = set(codes)  # rows are counted only when some code is blank, repeated or not issued
        expected = ctx.batch.expected.get(kind)
        if expected is not None and not isinstance(expected, (set, frozenset)):
            expected = set(expected)
        invented = present - expected if expected is not None else set()
        if len(present) < len(records) or "" in present or invented:
            yield from _misplaced_rows(ctx, kind, records, Counter(codes), invented)
        for code in sorted(expected - present) if expected is not None else ():
            yield _dropped(ctx, kind, code)


def _misplaced_rows(ctx, kind, records, counts, invented):
    for record in records:
        if not record.code:
            yield ctx.finding("X-MISSING", record, "code", "thiếu mã, không đối chiếu được với danh sách được giao.")
        elif counts[record.code] > 1:
            yield ctx.finding(
                "X-MISSING", record, "code",
                f"mã {record.code} xuất hiện {counts[record.code]} lần; mỗi {kind.text.lower()} chỉ ghi một dòng.",
            )
        if record.code in invented:
            yield ctx.finding("X-MISSING", record, "code", _not_listed(kind))


def _not_listed(kind) -> str:
    noun = kind.text.lower()
    return (
        f"không có trong danh sách {noun} được giao cho đơn vị. Nếu đây là {noun} mới của đơn vị, đề nghị cơ quan "
        f"tham mưu của cấp trên bổ sung vào danh sách rồi tải lên lại tệp này (dòng đã nhập được đọc theo danh sách); "
        f"nếu ghi nhầm mã, hãy sửa lại cho đúng mã trong danh sách."
    )


def _dropped(ctx, kind, code) -> Finding:
    return Finding(
        rule="X-MISSING",
        severity=ctx.rule_set.severity("X-MISSING"),
        subject_kind=kind,
        subject_code=code,
        subject_name="",
        field=None,
        message=(
            f"{kind.text} mã {code} có trong danh sách được giao nhưng không có trong bảng; "
            f"thêm lại dòng này với mức xếp loại hoặc “{NOT_RATED_TEXT}”."
        ),
        unit_code=ctx.unit_code or None,
    )


def _origin_finding(finding, origin, member, member_unit: str) -> Finding:
    where = f" (đơn vị {member_unit})" if member_unit else ""
    return finding(
        "X-DISCIPLINE-ORIGIN", origin, "level",
        f"xếp loại {quoted_level(origin.level)} nhưng {lower_first(record_phrase(member))}{where} bị thi hành kỷ "
        f"luật trong năm vì vi phạm xảy ra khi còn sinh hoạt tại tổ chức đảng này; vi phạm được tính vào kết quả "
        f"xếp loại của nơi xảy ra vi phạm, nên không đủ điều kiện xếp “{Level.HTXSNV.text}”.",
    )


def _charged_members(members) -> list:
    return [
        member for member in members
        if member.disciplined_in_year and member.discipline_origin_elsewhere and member.discipline_origin_unit
    ]


def check_discipline_origin(ctx):
    """X-DISCIPLINE-ORIGIN inside one workbook: the previous organisation is here."""
    organisations = ctx.organisations_by_code()
    for member in _charged_members(ctx.records(SubjectKind.MEMBER)):
        for origin in organisations.get(member.discipline_origin_unit, ()):
            if origin.level is Level.HTXSNV:
                yield _origin_finding(ctx.finding, origin, member, "")


def district_discipline_origin(dctx):
    """X-DISCIPLINE-ORIGIN across workbooks: the previous organisation is in another unit's workbook."""
    for position, batch in enumerate(dctx.batches):
        for member in _charged_members(batch.members):
            yield from _origins_elsewhere(dctx, position, member)


def _origins_elsewhere(dctx, position, member):
    for origin_position, origin in dctx.organisations_by_code.get(member.discipline_origin_unit, ()):
        if origin_position != position and origin.level is Level.HTXSNV:
            finding = _bind(dctx, origin_position)
            yield _origin_finding(finding, origin, member, dctx.batches[position].unit_code)


def _bind(dctx, position):
    return lambda rule, record, field, text: dctx.finding(rule, record, field, text, position)


def district_heads(dctx):
    """X-HEAD: L-HEAD when the leader is rated in one workbook and what he or she heads in another."""
    def elsewhere(position):
        def subjects(code):
            return [
                record
                for index in (dctx.collectives_by_code, dctx.organisations_by_code)
                for other, record in index.get(code, ())
                if other != position
            ]
        return subjects

    for position, leader in dctx.records(SubjectKind.LEADER):
        if leader.level is None or leader.moved_in_no_responsibility or not leader.heads:
            continue
        cap = lowest(headed_caps(leader, elsewhere(position)))
        if cap is not None and leader.level.rank > cap.level.rank:
            yield dctx.finding("X-HEAD", leader, "level", over_cap(cap, leader.level), position)


def district_led_units(dctx):
    """C-UNIT across workbooks: the organisation a collective leads is rated in another workbook."""
    for position, collective in dctx.records(SubjectKind.COLLECTIVE):
        if collective.level is None or not collective.led_unit_code:
            continue
        led = [org for other, org in dctx.organisations_by_code.get(collective.led_unit_code, ()) if other != position]
        cap = lowest(led_organisation_caps(led))
        if cap is not None and collective.level.rank > cap.level.rank:
            yield dctx.finding("C-UNIT", collective, "level", over_cap(cap, collective.level), position)


def district_roster(dctx):
    """X-MISSING across workbooks: one subject rated in two units' workbooks."""
    for kind in SubjectKind:
        counts = Counter(
            record.code for batch in dctx.batches for record in batch.records_of(kind) if record.level is not None
        )
        twice = {code for code, count in counts.items() if count > 1 and code}
        if not twice:
            continue
        places: dict[str, list] = defaultdict(list)
        for position, record in dctx.records(kind):
            if record.level is not None and record.code in twice:
                places[record.code].append((position, record))
        for code, rated in places.items():
            units = ", ".join(sorted({dctx.batches[position].unit_code for position, _ in rated}))
            for position, record in rated:
                yield dctx.finding(
                    "X-MISSING", record, "level",
                    f"được xếp loại ở {len(rated)} nơi (đơn vị {units}); mỗi {kind.text.lower()} "
                    f"chỉ được xếp loại ở một nơi.",
                    position,
                )


UNIT_CHECKS = (
    Check("X-MISSING", SubjectKind.MEMBER, check_roster),
    Check("X-DISCIPLINE-ORIGIN", SubjectKind.ORGANISATION, check_discipline_origin),
)

DISTRICT_CHECKS = (
    Check("X-MISSING", SubjectKind.MEMBER, district_roster, scope="district"),
    Check("X-HEAD", SubjectKind.LEADER, district_heads, scope="district"),
    Check("C-UNIT", SubjectKind.COLLECTIVE, district_led_units, scope="district"),
    Check("X-DISCIPLINE-ORIGIN", SubjectKind.ORGANISATION, district_discipline_origin, scope="district"),
)
