"""The knowledge base: articles fed from solved tickets, reviewed, searched and suggested
before a client writes a ticket. It answers at the ticket core's doors; the core never imports it."""
