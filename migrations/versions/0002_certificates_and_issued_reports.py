"""Certificates (the completion record) and issued official reports with frozen figures.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 16:52:05.579650

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('school_year_id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('school_name', sa.String(length=200), nullable=False),
    sa.Column('year_name', sa.String(length=9), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['school_year_id'], ['school_year.id'], name=op.f('fk_certificate_school_year_id_school_year')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_certificate_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate')),
    sa.UniqueConstraint('code', name=op.f('uq_certificate_code')),
    sa.UniqueConstraint('user_id', name=op.f('uq_certificate_user_id'))
    )
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_issued_at'), ['issued_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_school_year_id'), ['school_year_id'], unique=False)

    op.create_table('issued_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_year_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('school_id', sa.Integer(), nullable=True),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('symbol', sa.String(length=40), nullable=False),
    sa.Column('place', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('recipients', sa.Text(), nullable=False),
    sa.Column('signer_title', sa.String(length=120), nullable=False),
    sa.Column('signer_name', sa.String(length=120), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('(unit_id IS NULL) <> (school_id IS NULL)', name=op.f('ck_issued_report_unit_xor_school')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user.id'], name=op.f('fk_issued_report_issued_by_id_user')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_issued_report_school_id_school')),
    sa.ForeignKeyConstraint(['school_year_id'], ['school_year.id'], name=op.f('fk_issued_report_school_year_id_school_year')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_issued_report_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_report'))
    )
    with op.batch_alter_table('issued_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issued_report_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_issued_report_unit_id'), ['unit_id'], unique=False)
        # One number per issuer and year. Partial indexes: a plain unique constraint would let rows
        # with an empty unit_id (or school_id) repeat, since NULLs never compare equal.
        batch_op.create_index('uq_issued_report_school_number', ['school_year_id', 'school_id', 'number'], unique=True,
                              sqlite_where=sa.text('school_id IS NOT NULL'), postgresql_where=sa.text('school_id IS NOT NULL'))
        batch_op.create_index('uq_issued_report_unit_number', ['school_year_id', 'unit_id', 'number'], unique=True,
                              sqlite_where=sa.text('unit_id IS NOT NULL'), postgresql_where=sa.text('unit_id IS NOT NULL'))



def downgrade():
    with op.batch_alter_table('issued_report', schema=None) as batch_op:
        batch_op.drop_index('uq_issued_report_unit_number')
        batch_op.drop_index('uq_issued_report_school_number')
        batch_op.drop_index(batch_op.f('ix_issued_report_unit_id'))
        batch_op.drop_index(batch_op.f('ix_issued_report_school_id'))

    op.drop_table('issued_report')
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_school_year_id'))
        batch_op.drop_index(batch_op.f('ix_certificate_issued_at'))

    op.drop_table('certificate')
