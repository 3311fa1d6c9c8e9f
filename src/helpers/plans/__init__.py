"""Published plans turned into tables: review metadata, plan tables and transcriptions, leads, themes, the
processed tables and the extraction command (`python -m helpers.plans.extract`)."""
