"""GraphQL for the patient inbox: notifications, marking read, the live `patientEvents`."""
