"""Machines as the floor sees them beyond their material: what each one is doing now (states)."""
