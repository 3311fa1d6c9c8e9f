"""Making and publishing reports: the papermill engine and kept kernel, the runner and its jobs, HTML export, PDF,
report folders, the index and the report command (`python -m helpers.publishing.report`)."""
