"""The Odoo simulator: a WSGI app answering as real Odoo 16.0 to 19.0 do (see README, "The simulator")."""
