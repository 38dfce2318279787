"""Logins find the account by lower(username): an index on that expression.

The login and its failed-login counter look the account up case-insensitively. Without this index both
engines read every user row to do it: at 300,000 students that was ~0.4 s of CPU per login, more than the
scrypt check itself.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 05:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_user_username_lower', 'user', [sa.text('lower(username)')])


def downgrade():
    op.drop_index('ix_user_username_lower', table_name='user')
