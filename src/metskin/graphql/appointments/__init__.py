"""GraphQL for booking: slots, appointments, working hours and the dermatologist's dashboard."""
