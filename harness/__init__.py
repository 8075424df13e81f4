"""odoo-harness: the sync engine under test, targets, scenario runner and CLI."""
