"""unchecked uploads: the reason a check could not finish; old E-INTERNAL rejections become unchecked

Revision ID: h16b_unchecked_uploads
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = 'h16b_unchecked_uploads'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('check_error', sa.Text(), nullable=True))
    op.execute("UPDATE uploads SET outcome = 'unchecked', check_error = problem_message, problem_code = NULL, "
               "problem_message = NULL, error_count = 0 WHERE outcome = 'rejected' AND problem_code = 'E-INTERNAL'")


def downgrade():
    op.execute("UPDATE uploads SET outcome = 'rejected', problem_code = 'E-INTERNAL', problem_message = check_error, "
               "error_count = 1 WHERE outcome = 'unchecked'")
    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.drop_column('check_error')
