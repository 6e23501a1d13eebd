"""Catalogs (gettext .po files read with Babel) and CLDR formatting for the translator port."""
