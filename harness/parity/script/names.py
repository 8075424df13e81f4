"""What several topics of the script share: the partner model, the ref scoping the partners the
conversation creates, and the wrong password it tries on every service."""

PARTNER = "res.partner"
WRONG_PASSWORD = "not-the-password"

# Every partner the conversation means to look at carries this ref, so domain answers do not
# depend on the partners a fresh database already holds.
SCOPE = ["ref", "=", "PARITY"]
