"""care path: dermatologists, appointments, booked slots, reminders, referrals, sharing

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate emits sqlmodel.sql.sqltypes.AutoString)
from alembic import op

import metskin.adapters.db.types  # noqa: F401


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('access_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('doctor_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('patient_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('resource', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('resource_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('at', metskin.adapters.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['doctor_id'], ['users.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['patient_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    mysql_charset='utf8mb4',
    mysql_collate='utf8mb4_unicode_ci'
    )
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_log_doctor_id'), ['doctor_id'], unique=False)
        batch_op.create_index('ix_access_log_patient_at', ['patient_id', 'at', 'id'], unique=False)

    op.create_table('dashboard_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('doctor_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('at', metskin.adapters.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['doctor_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    mysql_charset='utf8mb4',
    mysql_collate='utf8mb4_unicode_ci'
    )
    with op.batch_alter_table('dashboard_events', schema=None) as batch_op:
        batch_op.create_index('ix_dashboard_events_doctor_id', ['doctor_id', 'id'], unique=False)

    op.create_table('dermatologist_profiles',
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('contact_email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('practice_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('city', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('time_zone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('consultation_types', sa.JSON(), nullable=False),
    sa.Column('fee_amount', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('fee_currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('bio', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('availability', sa.JSON(), nullable=False),
    sa.Column('updated_at', metskin.adapters.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id'),
    mysql_charset='utf8mb4',
    mysql_collate='utf8mb4_unicode_ci'
    )
    with op.batch_alter_table('dermatologist_profiles', schema=None) as batch_op:
        batch_op.create_index('ix_dermatologist_profiles_lat_lon', ['lat', 'lon'], unique=False)

    op.create_table('dermatologist_tags',
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['dermatologist_profiles.user_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'kind', 'value'),
    mysql_charset='utf8mb4',
    mysql_collate='utf8mb4_unicode_ci'
    )
    with op.batch_alter_table('dermatologist_tags', schema=None) as batch_op:
        batch_op.create_index('ix_dermatologist_tags_kind_value', ['kind', 'value'], unique=False)

    op.create_table('analysis_shares',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('patient_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('doctor_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('analysis_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('created_at', metskin.adapters.db.types.UTCDateTime(), nullable=False),
    sa.Column('expires_at', metskin.adapters.db.types.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', metskin.adapters.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['analysis_id'], ['analyses.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['doctor_id'], ['users.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['patient_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    mysql_charset='utf8mb4',
    mysql_collate='utf8mb4_unicode_ci'
    )
    with op.batch_alter_table('analysis_shares', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_analysis_shares_analysis_id'), ['analysis_id'], unique=False)
        batch_op.create_index('ix_analysis_shares_doctor_patient', ['doctor_id', 'patient_id'], unique=False)
        batch_op.create_index('ix_analysis_shares_patient_created', ['patient_id', 'created_at'], unique=False)

    op.create_table('referrals',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('patient_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('analysis_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('urgency', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('specialty', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('message', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('advice', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=True),
    sa.Column('doctor_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('created_at', metskin.adapters.db.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', metskin.adapters.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['analysis_id'], ['analyses.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['doctor_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['patient_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('analysis_id', name='uq_referrals_analysis'),
    mysql_charset='utf8mb4',
    mysql_collate='utf8mb4_unicode_ci'
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referrals_doctor_id'), ['doctor_id'], unique=False)
        batch_op.create_index('ix_referrals_patient_created', ['patient_id', 'created_at', 'id'], unique=False)

    op.create_table('appointments',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('doctor_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('patient_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('start_at', metskin.adapters.db.types.UTCDateTime(), nullable=False),
    sa.Column('end_at', metskin.adapters.db.types.UTCDateTime(), nullable=False),
    sa.Column('consultation_type', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('booked_at', metskin.adapters.db.types.UTCDateTime(), nullable=False),
    sa.Column('cancelled_at', metskin.adapters.db.types.UTCDateTime(), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('cancel_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('referral_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('history', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['doctor_id'], ['users.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['patient_id'], ['users.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    mysql_charset='utf8mb4',
    mysql_collate='utf8mb4_unicode_ci'
    )
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.create_index('ix_appointments_doctor_start', ['doctor_id', 'start_at'], unique=False)
        batch_op.create_index('ix_appointments_patient_start', ['patient_id', 'start_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointments_referral_id'), ['referral_id'], unique=False)

    op.create_table('appointment_reminders',
    sa.Column('appointment_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
    sa.Column('due_at', metskin.adapters.db.types.UTCDateTime(), nullable=False),
    sa.Column('start_at', metskin.adapters.db.types.UTCDateTime(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_until', metskin.adapters.db.types.UTCDateTime(), nullable=True),
    sa.Column('sent_at', metskin.adapters.db.types.UTCDateTime(), nullable=True),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('appointment_id', 'kind'),
    mysql_charset='utf8mb4',
    mysql_collate='utf8mb4_unicode_ci'
    )
    with op.batch_alter_table('appointment_reminders', schema=None) as batch_op:
        batch_op.create_index('ix_appointment_reminders_status_due', ['status', 'due_at'], unique=False)

    op.create_table('booked_slots',
    sa.Column('doctor_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('slot_start', metskin.adapters.db.types.UTCDateTime(), nullable=False),
    sa.Column('appointment_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['doctor_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('doctor_id', 'slot_start'),
    sa.UniqueConstraint('appointment_id', name='uq_booked_slots_appointment'),
    mysql_charset='utf8mb4',
    mysql_collate='utf8mb4_unicode_ci'
    )


def downgrade() -> None:
    # Plain drops in reverse foreign-key order (MariaDB refuses to drop indexes that back FKs).
    op.drop_table("booked_slots")
    op.drop_table("appointment_reminders")
    op.drop_table("appointments")
    op.drop_table("referrals")
    op.drop_table("analysis_shares")
    op.drop_table("dermatologist_tags")
    op.drop_table("dermatologist_profiles")
    op.drop_table("dashboard_events")
    op.drop_table("access_log")
