"""roster of record: founding dates, full stored records, issued roster digests, roster change times

Revision ID: h17_roster_of_record
Revises: h16a_upload_check_error
"""
from alembic import op
import sqlalchemy as sa

import kdweb.models.base

revision = 'h17_roster_of_record'
down_revision = 'h16a_upload_check_error'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('founded_on', sa.Date(), nullable=True))
    with op.batch_alter_table('templates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('roster_digest', sa.String(length=64), nullable=True))
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_json', sa.Text(), nullable=True))
    with op.batch_alter_table('unit_cycles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('roster_changed_at', kdweb.models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('unit_cycles', schema=None) as batch_op:
        batch_op.drop_column('roster_changed_at')
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_column('record_json')
    with op.batch_alter_table('templates', schema=None) as batch_op:
        batch_op.drop_column('roster_digest')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_column('founded_on')
