"""People: users, badges, passwords, sign-in throttling, the security log and what each role may do."""
