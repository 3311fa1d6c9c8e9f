"""Helpers for the LGA peer review recommendations workspace.

The data flows one way: data/raw + review metadata -> extraction ->
data/processed -> analysis helpers -> charts -> notebooks -> HTML reports.
"""
