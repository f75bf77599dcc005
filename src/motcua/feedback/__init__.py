"""Satisfaction as the measure: per-dossier ratings, citizen feedback (PAKN), SIPAS-style surveys."""
