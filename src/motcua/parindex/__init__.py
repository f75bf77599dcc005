"""PAR INDEX definitions, self-assessment, appraisal and ranking (issue 13)."""
