"""Permanences, ateliers with public booking, and appointments: the field side of the `activite` app."""
