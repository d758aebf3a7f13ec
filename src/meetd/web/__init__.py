"""The HTTP surface: the request context, replies, error rendering, the route tree."""
