"""Consentry's build pipeline: Python SDK -> one CSP-safe, eval-free consentry.js."""
