"""What is known at a quarter end: the update log, the status rules, the committee's decisions and requests,
each action's history and the analyst's workspace."""
