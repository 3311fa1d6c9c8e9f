"""The quarterly cycle: forms out to leads, returns collected, decision sheets out and back."""
