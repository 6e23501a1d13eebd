"""The person's language: supported locales (BCP 47), negotiation, and the translator port."""
