"""The parity corpus: real Odoo answers recorded, replayed against any target."""
