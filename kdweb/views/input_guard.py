"""Text with control characters is refused at the edge, before any view or the database sees it: a NUL
cannot even be stored in PostgreSQL text, and no person types the others. Files are not text: an upload's
bytes are kept as they are, and its filename is cleaned where it is stored (services.uploads.clean_filename)."""
from flask import request
from werkzeug.exceptions import BadRequest

from kdweb.control_chars import has_controls

MESSAGE = ("Dữ liệu gửi lên có ký tự điều khiển không hợp lệ (ví dụ ký tự NUL), thường do sao chép từ phần mềm "
           "khác. Vui lòng xóa ký tự đó, gõ lại và gửi lại.")


class ControlCharacters(BadRequest):
    vietnamese = MESSAGE


def register_input_guard(app):
    @app.before_request
    def refuse_control_characters():
        if has_controls(request.path) or any(has_controls(key) or has_controls(value)
                                             for key, value in request.args.items(multi=True)):
            raise ControlCharacters()
        if request.method in ("POST", "PUT", "PATCH") and any(
                has_controls(key) or has_controls(value) for key, value in request.form.items(multi=True)):
            raise ControlCharacters()
