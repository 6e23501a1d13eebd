"""care path: dermatologists, appointments, booked slots, reminders, referrals, sharing"""

import sqlalchemy as sa
from migration_helpers import at, column, create_table, drop_tables, json, serial_id, text, uid

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    create_table(
        "access_log",
        serial_id(),
        uid("doctor_id"),
        uid("patient_id"),
        text("resource", 12),
        uid("resource_id"),
        at("at"),
        references={"doctor_id": "users.id", "patient_id": "users.id"},
        indexes={
            "ix_access_log_doctor_id": ["doctor_id"],
            "ix_access_log_patient_at": ["patient_id", "at", "id"],
        },
    )
    create_table(
        "dashboard_events",
        serial_id(),
        uid("doctor_id"),
        text("kind", 16),
        json("payload"),
        at("at"),
        references={"doctor_id": "users.id"},
        indexes={"ix_dashboard_events_doctor_id": ["doctor_id", "id"]},
    )
    create_table(
        "dermatologist_profiles",
        uid("user_id"),
        text("name", 120),
        text("contact_email", 254),
        text("practice_name", 120),
        text("address", 255),
        text("city", 80),
        text("country", 2),
        column("lat", sa.Float()),
        column("lon", sa.Float()),
        text("time_zone", 64),
        json("consultation_types"),
        column("fee_amount", sa.Numeric(precision=10, scale=2)),
        text("fee_currency", 3),
        text("bio", 2000),
        json("availability"),
        at("updated_at"),
        key=["user_id"],
        references={"user_id": "users.id"},
        indexes={"ix_dermatologist_profiles_lat_lon": ["lat", "lon"]},
    )
    create_table(
        "dermatologist_tags",
        uid("user_id"),
        text("kind", 12),
        text("value", 40),
        key=["user_id", "kind", "value"],
        references={"user_id": "dermatologist_profiles.user_id"},
        indexes={"ix_dermatologist_tags_kind_value": ["kind", "value"]},
    )
    create_table(
        "analysis_shares",
        uid("id"),
        uid("patient_id"),
        uid("doctor_id"),
        text("scope", 8),
        uid("analysis_id", nullable=True),
        at("created_at"),
        at("expires_at"),
        at("revoked_at", nullable=True),
        references={
            "analysis_id": "analyses.id",
            "doctor_id": "users.id",
            "patient_id": "users.id",
        },
        indexes={
            "ix_analysis_shares_analysis_id": ["analysis_id"],
            "ix_analysis_shares_doctor_patient": ["doctor_id", "patient_id"],
            "ix_analysis_shares_patient_created": ["patient_id", "created_at"],
        },
    )
    create_table(
        "referrals",
        uid("id"),
        uid("patient_id"),
        uid("analysis_id"),
        text("urgency", 8),
        text("specialty", 16),
        json("reasons"),
        text("message", 500),
        text("advice", 500),
        json("answers", nullable=True),
        uid("doctor_id", nullable=True),
        at("created_at"),
        at("updated_at"),
        references={
            "analysis_id": "analyses.id",
            "doctor_id": "users.id",
            "patient_id": "users.id",
        },
        set_null=["doctor_id"],
        unique={"uq_referrals_analysis": ["analysis_id"]},
        indexes={
            "ix_referrals_doctor_id": ["doctor_id"],
            "ix_referrals_patient_created": ["patient_id", "created_at", "id"],
        },
    )
    create_table(
        "appointments",
        uid("id"),
        uid("doctor_id"),
        uid("patient_id"),
        at("start_at"),
        at("end_at"),
        text("consultation_type", 12),
        text("status", 12),
        at("booked_at"),
        at("cancelled_at", nullable=True),
        text("reason", 500),
        text("cancel_reason", 500),
        uid("referral_id", nullable=True),
        json("history"),
        references={
            "doctor_id": "users.id",
            "patient_id": "users.id",
            "referral_id": "referrals.id",
        },
        set_null=["referral_id"],
        indexes={
            "ix_appointments_doctor_start": ["doctor_id", "start_at"],
            "ix_appointments_patient_start": ["patient_id", "start_at", "id"],
            "ix_appointments_referral_id": ["referral_id"],
        },
    )
    create_table(
        "appointment_reminders",
        uid("appointment_id"),
        text("kind", 4),
        at("due_at"),
        at("start_at"),
        text("status", 10),
        column("attempts", sa.Integer()),
        at("claimed_until", nullable=True),
        at("sent_at", nullable=True),
        text("detail", 200),
        key=["appointment_id", "kind"],
        references={"appointment_id": "appointments.id"},
        indexes={"ix_appointment_reminders_status_due": ["status", "due_at"]},
    )
    create_table(
        "booked_slots",
        uid("doctor_id"),
        at("slot_start"),
        uid("appointment_id"),
        key=["doctor_id", "slot_start"],
        references={"appointment_id": "appointments.id", "doctor_id": "users.id"},
        unique={"uq_booked_slots_appointment": ["appointment_id"]},
    )


def downgrade() -> None:
    drop_tables(
        "booked_slots",
        "appointment_reminders",
        "appointments",
        "referrals",
        "analysis_shares",
        "dermatologist_tags",
        "dermatologist_profiles",
        "dashboard_events",
        "access_log",
    )
