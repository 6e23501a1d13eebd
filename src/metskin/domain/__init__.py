"""The hexagonal core: entities, value objects, services and ports. No frameworks here."""
