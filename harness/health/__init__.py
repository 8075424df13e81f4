"""Connection health: a no-op check per tenant every 5 minutes, green / amber / red, and an
alert to support when a tenant stays red (see ``states`` for the thresholds)."""
