"""Model behaviours beyond what field metadata gives (registered into ``hooks``)."""

from simulator.models import (  # noqa: F401
    account,
    address,
    analytic,
    avatar,
    company,
    default_plan,
    ir,
    mail,
    membership,
    partner,
    project,
    settings,
    signup,
    stored,
    users,
)
