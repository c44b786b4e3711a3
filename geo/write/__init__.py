"""Files written by the tool: atomic writes."""
