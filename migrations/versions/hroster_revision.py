"""roster revision: a counter the database moves on every write to the roster tables, and the revision each issued
workbook's roster was read at, so an upload knows the roster unchanged without reading it

Revision ID: hroster_revision
Revises: hupload_temporary_cell_index
"""
from alembic import op
import sqlalchemy as sa

from kdweb.models import roster_revision

revision = 'hroster_revision'
down_revision = 'hupload_temporary_cell_index'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('roster_revision',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('revision', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_revision')))
    with op.batch_alter_table('templates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('roster_revision', sa.Integer(), nullable=True))
    roster_revision.install(op.get_bind())


def downgrade():
    roster_revision.uninstall(op.get_bind())
    with op.batch_alter_table('templates', schema=None) as batch_op:
        batch_op.drop_column('roster_revision')
    op.drop_table('roster_revision')
