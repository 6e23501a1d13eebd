"""The learned skin model: versions, evaluation, the promotion gate, shadow scores (issue 15)."""
