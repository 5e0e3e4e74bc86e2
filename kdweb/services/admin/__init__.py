"""The admin's use cases: the unit tree, accounts, the yearly cycle and the roster import.

Each function that changes something writes its audit event and commits, or raises AdminRefusal with a
Vietnamese message and leaves the database as it was.
"""


class AdminRefusal(Exception):
    """An admin action the rules refuse; str(error) says why, in Vietnamese."""
