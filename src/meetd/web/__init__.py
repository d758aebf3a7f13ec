"""The HTTP surface: dependencies, envelopes, error rendering and the route tree."""
