"""quota groups: the group the competent level counts each subject's HTXSNV quota in (qd366-hd43 Q-20/Q-25), on
members, units, leadership collectives and leader posts; blank, the general rule

Revision ID: hquota_groups
Revises: hroster_revision
"""
from alembic import op
import sqlalchemy as sa

from kdweb.models import roster_revision

revision = 'hquota_groups'
down_revision = 'hroster_revision'
branch_labels = None
depends_on = None

TABLES = ('persons', 'units', 'collectives', 'leader_posts')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('quota_group', sa.String(length=100), nullable=True))
    roster_revision.install(op.get_bind())  # SQLite's batch mode may rebuild a table, and its triggers with it


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('quota_group')
    roster_revision.install(op.get_bind())  # SQLite rebuilt the tables without their triggers
