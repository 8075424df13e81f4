"""Model behaviours beyond what field metadata gives (registered into ``hooks``)."""

from simulator.models import analytic, partner, settings, users  # noqa: F401
