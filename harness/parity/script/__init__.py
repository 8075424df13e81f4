"""The parity conversation's script, one module a topic; `harness.parity.conversation` runs them in order.

Each topic sends its calls through the recorder (`harness.parity.recorder.Recorder`) on records
the conversation creates itself, so every exchange label, call and answer is the same on every
fresh database of one Odoo version.
"""
