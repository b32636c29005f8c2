"""Incidents: the rules an incident follows at the ticket core's doors, major-incident
management (status updates, the people on it, affected organizations, the review) and the
clients' service status."""
