"""PURE: the short questionnaire that suggests a change's risk. Standard library only."""

QUESTIONS = ("downtime", "first_time", "slow_backout", "shared")


def suggest_risk(answers: dict) -> str:
    """low, medium or high from yes/no answers to QUESTIONS: each yes adds to the risk, and
    downtime that cannot be backed out quickly is high whatever else is said."""
    yes = {name for name in QUESTIONS if answers.get(name)}
    if {"downtime", "slow_backout"} <= yes or len(yes) >= 3:
        return "high"
    return "medium" if yes else "low"
