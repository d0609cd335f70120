"""Capacity measurement: what one customer message costs the production stores.

``python -m tools.capacity``; figures in docs/capacity.md.
"""
