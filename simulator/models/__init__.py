"""Model behaviours beyond what field metadata gives (registered into ``hooks``)."""

from simulator.models import (  # noqa: F401
    account,
    analytic,
    avatar,
    company,
    ir,
    membership,
    partner,
    settings,
    signup,
    stored,
    users,
)
