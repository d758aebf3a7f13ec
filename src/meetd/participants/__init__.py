"""Participants of a meeting, and the signed tokens they join with."""
