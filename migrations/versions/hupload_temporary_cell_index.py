"""index persons.temporary_cell_id: an upload's roster digest finds the members in temporary activity by it

Revision ID: hupload_temporary_cell_index
Revises: h21b_district_checks
"""
from alembic import op

revision = 'hupload_temporary_cell_index'
down_revision = 'h21b_district_checks'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_persons_temporary_cell_id'), ['temporary_cell_id'], unique=False)


def downgrade():
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_persons_temporary_cell_id'))
