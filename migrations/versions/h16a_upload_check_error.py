"""uploads.check_error: why an upload could not be checked (a sandbox limit stopped its read)

Revision ID: h16a_upload_check_error
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = 'h16a_upload_check_error'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('check_error', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.drop_column('check_error')
