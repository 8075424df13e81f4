"""Recorded sync traffic (vcrpy cassettes) and its replay.

``record`` runs the sync engine against a target with vcrpy recording every HTTP exchange;
``replay`` runs the same sync against the cassette alone (no Odoo needed: does today's
engine still talk to that customer's Odoo the way it did?) or against another target
(what would change on Odoo 18, or on the simulator?).
"""
