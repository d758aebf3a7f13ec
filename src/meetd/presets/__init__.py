"""Presets: named roles, with what a participant of the role sees and may do."""
