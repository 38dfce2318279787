"""Revocable sessions (user.session_version), shared failed-login counters, one family entry per key.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 01:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))

    op.create_table('rate_limit_counter',
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.Double(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_rate_limit_counter'))
    )
    with op.batch_alter_table('rate_limit_counter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_limit_counter_expires_at'), ['expires_at'], unique=False)

    # Entries stored twice before the constraint existed: keep the first of each.
    op.execute(
        "DELETE FROM family_outreach WHERE EXISTS (SELECT 1 FROM family_outreach AS first "
        "WHERE first.student_id = family_outreach.student_id AND first.relation = family_outreach.relation "
        "AND first.service = family_outreach.service AND first.helped_on = family_outreach.helped_on "
        "AND first.id < family_outreach.id)"
    )
    # An index rather than a table constraint: SQLite adds it in place (no table rebuild, triggers kept).
    op.create_index('uq_family_outreach_entry', 'family_outreach', ['student_id', 'relation', 'service', 'helped_on'], unique=True)


def downgrade():
    op.drop_index('uq_family_outreach_entry', table_name='family_outreach')

    with op.batch_alter_table('rate_limit_counter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_limit_counter_expires_at'))
    op.drop_table('rate_limit_counter')

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_version')
