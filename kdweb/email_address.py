"""The e-mail address an account's notifications are mailed to: optional, one address, its shape checked.

Not unique across accounts: a unit's clerk and deputy often read one office mailbox, and the mailer already sends
one message per event to the set of addresses concerned. The address is never used to log in or to reset a
password, so sharing one gives nobody another's account.
"""
import re

MAX_LENGTH = 200  # users.email
# One address, no display name, no list: nothing that could add a recipient or a header line.
ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                     r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")
EXAMPLE = "canbo@phuong.gov.vn"


class EmailRefused(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def checked_email(text: str | None) -> str | None:
    """The address as it will be stored (domain in lower case), or None when left empty; EmailRefused otherwise."""
    address = (text or "").strip()
    if not address:
        return None
    if len(address) > MAX_LENGTH:
        raise EmailRefused(f"Địa chỉ e-mail tối đa {MAX_LENGTH} ký tự.")
    if not ADDRESS.fullmatch(address) or ".." in address or address.startswith("."):
        raise EmailRefused(f"Địa chỉ e-mail “{address}” không hợp lệ: cần một địa chỉ dạng {EXAMPLE}, "
                           "không dấu, không khoảng trắng.")
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"
