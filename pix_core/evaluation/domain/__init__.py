"""Framework, content, assessments, positioning, scoring and profile. No I/O."""
