"""issued roster: who each issued workbook lists (code and name by kind), to name who changed since

Revision ID: h17b_issued_roster
Revises: h20_notifications
"""
from alembic import op
import sqlalchemy as sa

revision = 'h17b_issued_roster'
down_revision = 'h18v_one_vocabulary'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('templates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('roster_json', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('templates', schema=None) as batch_op:
        batch_op.drop_column('roster_json')
