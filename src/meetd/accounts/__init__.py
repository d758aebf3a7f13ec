"""Accounts and the API tokens that act for them."""
