"""The judged administrative-reform contest (Hội thi) (issue 14)."""
