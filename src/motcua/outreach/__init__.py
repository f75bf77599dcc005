"""Communication plans, reform articles, leaflets and broadcast scripts (issue 13)."""
