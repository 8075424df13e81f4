"""Realistic grants from faker: project names, donors, budget codes like 1.1.1.a and 2.1.

Seeded, so a scenario's generated grants are the same on every run and machine.
"""

from __future__ import annotations

from faker import Faker
from faker.providers import BaseProvider

from harness.engine.grants import BudgetLine, Grants, Project

DONORS = ("EU", "USAID", "FCDO", "Sida", "GIZ", "Gates Foundation", "Ford Foundation", "UNDP")
THEMES = (
    "Civic Voices",
    "Clean Water",
    "Girls' Education",
    "Land Rights",
    "Media Freedom",
    "Health Access",
    "Climate Resilience",
    "Youth Jobs",
)
CATEGORIES = {
    "HR": ("Project Director", "Field Officer", "Finance Officer", "M&E Specialist"),
    "TRV": ("International flights", "Local transport", "Per diems", "Visas"),
    "EQP": ("Laptops", "Vehicles", "Office furniture", "Solar kits"),
    "IND": ("Indirect costs", "Audit fees", "Bank charges", "Office rent"),
}


class GrantsProvider(BaseProvider):
    """faker provider for the grant-management domain."""

    def grant_project_name(self) -> str:
        return f"{self.random_element(THEMES)} {self.generator.country()}"

    def donor(self) -> str:
        return self.random_element(DONORS)

    def budget_code(self, section: int, index: int) -> str:
        """Donor budget codes: ``2.1`` style, or ``1.1.1.a`` for nested staff lines."""
        if section == 1:
            return f"1.1.{index // 26 + 1}.{chr(ord('a') + index % 26)}"
        return f"{section}.{index + 1}"

    def budget_line(self, category: str, section: int, index: int) -> BudgetLine:
        name = self.random_element(CATEGORIES[category])
        amount = float(self.random_int(5, 500) * 100)
        return BudgetLine(id=self.budget_code(section, index), name=name, category=category, amount=amount)


def generate_grants(seed: int, projects: int, lines_per_project: int, tenant: str = "acme") -> Grants:
    fake = Faker("en_US")
    fake.seed_instance(seed)
    fake.add_provider(GrantsProvider)
    categories = list(CATEGORIES)
    result = []
    for number in range(1, projects + 1):
        lines = [
            fake.budget_line(categories[i % len(categories)], i % len(categories) + 1, i // len(categories))
            for i in range(lines_per_project)
        ]
        result.append(
            Project(id=f"PRJ-{number:03}", name=fake.grant_project_name(), donor=fake.donor(), budget_lines=lines)
        )
    return Grants(tenant=tenant, projects=result)
