from flask import request, url_for
from flask_login import current_user

from kdweb.services.admin import AdminRefusal
from kdweb.services.superior import current_superior, save_superior
from kdweb.superior import FIELD_LABELS
from kdweb.views.admin import bp, refusal_text
from kdweb.views.rendering import redirect_with, render_page


@bp.get("/superior")
def superior():
    return _page(vars(current_superior()))


@bp.post("/superior")
def save_superior_settings():
    values = {name: request.form.get(name, "") for name in FIELD_LABELS}
    try:
        save_superior(current_user, values)
    except AdminRefusal as error:
        return _page(values, refusal_text(error), 422)
    return redirect_with("Đã lưu thông tin cấp trên.", url_for("admin.superior"))


def _page(values, error=None, http_status=200):
    return render_page("admin/superior.html", http_status=http_status, values=values, labels=FIELD_LABELS,
                       error=error)
