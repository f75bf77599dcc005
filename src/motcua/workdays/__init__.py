"""Working calendars and time-limit arithmetic for administrative procedures."""
