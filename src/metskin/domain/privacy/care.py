"""The care components' own paths, as erasing an account uses them."""

from __future__ import annotations

from dataclasses import dataclass

from metskin.domain.appointments.messages import AppointmentMessage
from metskin.domain.appointments.notices import AppointmentMessenger
from metskin.domain.appointments.service import AppointmentService
from metskin.domain.sharing.service import SharingService


@dataclass(frozen=True)
class ServiceCareLinks:
    """Cancels with the appointments' change path (reminders off, the dermatologist's dashboard
    event) and sends the patient's cancellation message at once through the messenger; revokes
    with the sharing path (the dermatologist's dashboard event)."""

    appointments: AppointmentService
    messenger: AppointmentMessenger
    sharing: SharingService

    def cancel_appointment(self, party_id: str, appointment_id: str, reason: str) -> int:
        return self.appointments.cancel_for_erasure(party_id, appointment_id, reason).sequence

    def send_cancellation(self, appointment_id: str, sequence: int) -> None:
        self.messenger.send_change(appointment_id, AppointmentMessage.CANCELLED.name, sequence)

    def revoke_share(self, patient_id: str, share_id: str) -> None:
        self.sharing.revoke(patient_id, share_id)
