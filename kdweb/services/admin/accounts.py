"""Accounts: create, edit role and unit scope, reset passwords, deactivate. The last active admin can be
neither deactivated nor demoted, so the admin always keeps a way back in."""
from __future__ import annotations

import re

from sqlalchemy.orm import joinedload

from kdweb.email_address import EmailRefused, checked_email
from kdweb.extensions import db
from kdweb.models import Role, Unit, User
from kdweb.models.base import id_from
from kdweb.services import audit
from kdweb.services.admin import AdminRefusal, switch_active
from kdweb.services.transaction import use_case
from kdweb.search import search_key

MIN_PASSWORD_LENGTH = 10
LOGIN_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{2,79}")
ROLE_CODES = tuple(role.code for role in Role)


def accounts(search: str = "") -> list[User]:
    """Every account, active first; a search matches login, name or unit, with or without diacritics."""
    users = db.session.execute(
        db.select(User).options(joinedload(User.unit)).order_by(User.active.desc(), User.role, User.login)
    ).scalars().all()
    words = search_key(search)
    if not words:
        return users
    return [user for user in users
            if words in search_key(" ".join([user.login, user.full_name, user.unit.code if user.unit else "",
                                              user.unit.name if user.unit else ""]))]


@use_case
def create_account(actor, *, login: str, full_name: str, role: str, unit_id, password: str,
                   email: str = "") -> User:
    login = (login or "").strip().lower()
    if not LOGIN_PATTERN.fullmatch(login):
        raise AdminRefusal("Tên đăng nhập 3–80 ký tự: chữ thường không dấu, số, dấu chấm, gạch ngang, gạch dưới.")
    if db.session.execute(db.select(User.id).filter_by(login=login)).first() is not None:
        raise AdminRefusal(f"Đã có tài khoản “{login}”.")
    _check_password(password)
    user = User(login=login, active=True, session_version=1)
    user.full_name, user.role, user.unit_id = _checked_profile(full_name, role, unit_id)
    user.email = _checked_email(email)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("account_created", user=actor, unit=user.unit, target=user, login=login, role=user.role,
                 unit_code=_unit_code(user.unit_id), **({"email": user.email} if user.email else {}))
    db.session.commit()
    return user


@use_case
def update_account(actor, user: User, *, full_name: str, role: str, unit_id, email: str | None = None) -> User:
    """email None keeps the address; an empty one removes it."""
    full_name, role, unit_id = _checked_profile(full_name, role, unit_id, keep_unit_id=user.unit_id)
    email = user.email if email is None else _checked_email(email)
    if user.role == "admin" and role != "admin" and user.active:
        _refuse_if_last_admin(user, "hạ quyền")
    before = {"full_name": user.full_name, "role": user.role, "unit": _unit_code(user.unit_id), "email": user.email}
    user.full_name, user.role, user.unit_id, user.email = full_name, role, unit_id, email
    after = {"full_name": full_name, "role": role, "unit": _unit_code(unit_id), "email": email}
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changes:
        audit.record("account_updated", user=actor, unit=db.session.get(Unit, unit_id) if unit_id else None,
                     target=user, login=user.login, changes=changes)
        db.session.commit()
    return user


@use_case
def reset_password(actor, user: User, password: str) -> User:
    """A new password ends every session of the account (its session_version moves on)."""
    _check_password(password)
    user.set_password(password)
    user.session_version += 1
    audit.record("password_reset", user=actor, unit=user.unit, target=user, login=user.login)
    db.session.commit()
    return user


@use_case
def deactivate_account(actor, user: User) -> User:
    if user.active:
        if user.id == actor.id:
            raise AdminRefusal("Không thể tự khóa tài khoản của chính mình.")
        if user.role == "admin":
            _refuse_if_last_admin(user, "khóa")
        user.session_version += 1  # Flask-Login checks is_active only at login: end the open sessions too
        switch_active(actor, user, False, "account_deactivated", unit=user.unit, login=user.login)
    return user


@use_case
def activate_account(actor, user: User) -> User:
    if not user.active:
        if user.role == "staff" and (user.unit is None or not user.unit.active):
            raise AdminRefusal("Đơn vị của tài khoản đang ngừng hoạt động; hãy chọn đơn vị khác trước khi mở khóa.")
        switch_active(actor, user, True, "account_activated", unit=user.unit, login=user.login)
    return user


def _refuse_if_last_admin(user: User, verb: str) -> None:
    # Lock the active admins' rows, so two admins demoting each other at once cannot both succeed.
    admins = db.session.execute(
        db.select(User.id).filter_by(role="admin", active=True).with_for_update()).scalars().all()
    if set(admins) <= {user.id}:
        raise AdminRefusal(f"Không thể {verb} tài khoản quản trị cuối cùng đang hoạt động: "
                           "hệ thống cần ít nhất một quản trị viên.")


def _checked_profile(full_name: str, role: str, unit_id, keep_unit_id=None) -> tuple[str, str, int | None]:
    full_name = " ".join((full_name or "").split())
    if not full_name or len(full_name) > 200:
        raise AdminRefusal("Họ và tên bắt buộc, tối đa 200 ký tự.")
    if role not in ROLE_CODES:
        raise AdminRefusal("Chọn vai trò.")
    unit = None
    if unit_id not in (None, ""):
        unit = db.session.get(Unit, id_from(unit_id)) if id_from(unit_id) is not None else None
        if unit is None:
            raise AdminRefusal("Đơn vị không tồn tại.")
        if not unit.active and unit.id != keep_unit_id:
            raise AdminRefusal(f"Đơn vị “{unit.name}” đang ngừng hoạt động.")
    if role == "staff" and unit is None:
        raise AdminRefusal("Tài khoản cán bộ đơn vị phải gắn với một đơn vị.")
    return full_name, role, unit.id if unit else None


def _checked_email(email: str) -> str | None:
    try:
        return checked_email(email)
    except EmailRefused as refused:
        raise AdminRefusal(refused.message) from None


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AdminRefusal(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.")


def _unit_code(unit_id) -> str | None:
    unit = db.session.get(Unit, unit_id) if unit_id else None
    return unit.code if unit else None
