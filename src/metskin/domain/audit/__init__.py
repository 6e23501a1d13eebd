"""The audit component: every read of patient data by a dermatologist, for the patient to see."""
