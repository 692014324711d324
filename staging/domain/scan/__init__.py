"""The scan page's state machine: what each scan means in each mode, and what the panel says."""
