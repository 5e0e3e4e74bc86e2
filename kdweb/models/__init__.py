"""Flask-SQLAlchemy models; every table is created by a migration in migrations/."""
from kdweb.models.audit import AuditEvent
from kdweb.models.checks import DistrictCheck
from kdweb.models.cycles import Cycle
from kdweb.models.jobs import BulkJob
from kdweb.models.notifications import Notification
from kdweb.models.people import Collective, LeaderPost, Person
from kdweb.models.roster_import import RosterImport
from kdweb.models.roster_revision import RosterRevision
from kdweb.models.settings import QuotaMark, Setting
from kdweb.models.throttle import LoginThrottle
from kdweb.models.units import Unit, UnitKind, UnitLevel
from kdweb.models.uploads import Finding, Rating, Template, Upload
from kdweb.models.users import Role, User
from kdweb.models.workflow import Review, Submission, UnitCycle

__all__ = [
    "AuditEvent", "BulkJob", "Collective", "Cycle", "DistrictCheck", "Finding", "LeaderPost", "LoginThrottle", "Notification", "Person", "QuotaMark",
    "Rating", "Review", "Role", "RosterImport", "RosterRevision", "Setting", "Submission", "Template", "Unit", "UnitCycle", "UnitKind",
    "UnitLevel", "Upload", "User",
]
