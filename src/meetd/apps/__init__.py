"""Apps: the workspaces that hold meetings and presets."""
