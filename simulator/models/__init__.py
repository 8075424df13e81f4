"""Model behaviours beyond what field metadata gives (registered into ``hooks``)."""

from simulator.models import account, analytic, company, partner, settings, users  # noqa: F401
