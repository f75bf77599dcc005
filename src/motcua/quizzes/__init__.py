"""Online multiple-choice quiz contests for citizens (issue 14)."""
