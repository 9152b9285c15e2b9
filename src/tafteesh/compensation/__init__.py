"""Victim compensation claims under BNSS 396 / CrPC 357A: statuses, schedules, money and clocks."""
