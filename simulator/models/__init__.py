"""Model behaviours beyond what field metadata gives (registered into ``hooks``)."""

from simulator.models import account, analytic, avatar, company, ir, partner, settings, stored, users  # noqa: F401
