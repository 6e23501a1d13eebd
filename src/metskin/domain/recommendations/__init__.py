"""The recommendations component.

catalog (ingredients, products, loader), needs (SkinNeeds, CareProfile), rules and safety
(safety rules as data and their engine), scoring (content-based score), routine
(build_routine) and tips (render_tips). Pure: stdlib and jinja2 only.
"""
