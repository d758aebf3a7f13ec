"""Meetings: reusable rooms with their recording, transcription and AI settings."""
