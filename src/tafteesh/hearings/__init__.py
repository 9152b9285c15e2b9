"""Hearings: scheduling, outcomes from the court corridor, cause lists, calendar, eCourts import."""
