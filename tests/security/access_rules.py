"""Who may reach each endpoint. Every endpoint of the app must be listed: a new one without a rule fails."""
PUBLIC, LOGGED_IN, UNIT_READ, UNIT_ACT, REVIEW, ADMIN = "public", "logged_in", "unit_read", "unit_act", "review", "admin"

ACCESS = {
    "static": PUBLIC, "home.favicon": PUBLIC, "auth.login": PUBLIC, "auth.login_post": PUBLIC,
    "home.index": LOGGED_IN, "auth.logout": LOGGED_IN, "auth.account": LOGGED_IN, "auth.password_post": LOGGED_IN,
    "auth.email_post": LOGGED_IN,
    "notifications.index": LOGGED_IN,
    # a unit's page and files: its own staff, reviewers and admins; other units' staff get 404
    "units.show": UNIT_READ, "units.version": UNIT_READ, "units.findings": UNIT_READ, "units.preview": UNIT_READ,
    "units.original": UNIT_READ, "units.annotated": UNIT_READ, "units.past_cycle": UNIT_READ,
    "units.returned_copy": UNIT_READ,
    # "Kiểm tra lại" an upload whose check did not finish: its own staff, reviewers and admins
    "units.recheck": UNIT_READ,
    # acting for a unit: only its own staff
    "units.workbook": UNIT_ACT, "units.upload": UNIT_ACT, "units.submit": UNIT_ACT,
    # Ban Tổ chức: reviewers and admins
    "units.index": REVIEW, "review.index": REVIEW, "review.unit": REVIEW, "review.act": REVIEW,
    "review.checks": REVIEW, "review.audit": REVIEW, "review.bulk_start": REVIEW, "review.bulk_status": REVIEW,
    "review.bulk_file": REVIEW, "review.approve_clean_list": REVIEW, "review.approve_clean": REVIEW,
    "reports.index": REVIEW, "reports.show": REVIEW, "reports.subjects": REVIEW, "reports.export_csv": REVIEW,
    "reports.export_json": REVIEW, "reports.export_ods": REVIEW, "reports.export_xlsx": REVIEW,
    # administration: admins only
    **{endpoint: ADMIN for endpoint in (
        "admin.index", "admin.units", "admin.new_unit", "admin.create_unit", "admin.edit_unit", "admin.update_unit",
        "admin.deactivate_unit", "admin.activate_unit", "admin.accounts", "admin.new_account", "admin.create_account",
        "admin.edit_account", "admin.update_account", "admin.deactivate_account", "admin.activate_account",
        "admin.reset_password", "admin.cycles", "admin.create_cycle", "admin.edit_cycle", "admin.update_cycle",
        "admin.open_cycle", "admin.close_cycle", "admin.confirm_close_cycle", "admin.roster", "admin.roster_export", "admin.roster_job",
        "admin.roster_job_file", "admin.roster_template",
        "admin.upload_roster", "admin.roster_import", "admin.roster_import_file", "admin.roster_preview_job", "admin.roster_import_errors", "admin.roster_members", "admin.apply_roster_import",
        "admin.superior", "admin.save_superior_settings", "admin.add_quota_mark", "admin.remove_quota_mark",
        "admin.unit_leadership", "admin.change_post_holder", "admin.rename_collective", "admin.add_post",
        "admin.add_collective", "admin.end_post", "admin.end_collective", "admin.set_post_quota_group",
        "admin.set_collective_quota_group",
    )},
}

# Who is allowed, per class, among: staff of the unit in the URL, staff of another unit, reviewer, admin.
ALLOWED = {
    PUBLIC: {"own_staff", "foreign_staff", "reviewer", "admin"},
    LOGGED_IN: {"own_staff", "foreign_staff", "reviewer", "admin"},
    UNIT_READ: {"own_staff", "reviewer", "admin"},
    UNIT_ACT: {"own_staff"},
    REVIEW: {"reviewer", "admin"},
    ADMIN: {"admin"},
}

SAMPLE_ARGS = {"code": "BD.P01", "version": 1, "job_id": 1, "year": 2026, "user_id": 1, "import_id": 1, "mark_id": 1,
               "action": "approve", "kind": "templates", "filename": "css/app.css", "post_code": "LD00001",
               "collective_code": "BD.P01.TT001"}
