"""Vietnamese error pages; an htmx request gets only the message, to show in place."""
from flask import render_template
from werkzeug.exceptions import HTTPException

from kdweb.views.rendering import wants_fragment

MESSAGES = {
    400: ("Yêu cầu không hợp lệ", "Yêu cầu gửi lên không hợp lệ. Vui lòng tải lại trang và thử lại."),
    403: ("Không có quyền truy cập", "Tài khoản của bạn không có quyền thực hiện thao tác này."),
    404: ("Không tìm thấy", "Trang hoặc dữ liệu bạn tìm không tồn tại, hoặc bạn không có quyền xem."),
    405: ("Thao tác không được phép", "Thao tác này không được phép trên trang này."),
    409: ("Không thực hiện được", "{description}"),
    413: ("Tệp quá lớn", "Tệp tải lên vượt quá giới hạn {limit} MB. Vui lòng kiểm tra lại tệp."),
    429: ("Thử quá nhiều lần", "Bạn đã thử quá nhiều lần. Vui lòng chờ vài phút rồi thử lại."),
    500: ("Lỗi hệ thống", "Đã có lỗi xảy ra phía máy chủ. Dữ liệu bạn gửi không bị mất; vui lòng thử lại sau."),
}


def register(app):
    def handle(error):
        code = error.code if isinstance(error, HTTPException) else 500
        title, message = MESSAGES.get(code, (f"Lỗi {code}", getattr(error, "description", "")))
        if code == 409:
            message = getattr(error, "description", "") or "Thao tác không thực hiện được ở trạng thái hiện tại."
        if code == 413:
            message = message.format(limit=app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024))
        if code == 400 and "CSRF" in str(getattr(error, "description", "")):
            message = "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang và thử lại."
        elif code == 400 and getattr(error, "vietnamese", None):
            message = error.vietnamese  # a refusal that says what was wrong
        template = "errors/_message.html" if wants_fragment() else "errors/error.html"
        return render_template(template, code=code, title=title, message=message), code

    for code in MESSAGES:
        app.register_error_handler(code, handle)
