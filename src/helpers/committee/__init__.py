"""What the committee reads: the report's sections, charts, covering report and the notebooks' parameters."""
