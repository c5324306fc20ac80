"""The demo tenant's staff: one user per role, all with the published demo password.

Their names reappear in the documents: the sales user writes offers and e-mails, the clerk files
delivery notes, invoices and complaints, the admin signs contracts; the auditor only reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from backend.access.policy import Role

__all__ = [
    "ACCOUNT_MANAGERS",
    "ADMIN",
    "AUDITOR",
    "CLERK",
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "SALES",
    "DemoLogin",
]

DEMO_PASSWORD = "demo-password"  # noqa: S105 (published on purpose: it opens the demo tenant)


@dataclass(frozen=True, slots=True)
class DemoLogin:
    """A demo user as created, with the password to sign in with."""

    email: str
    display_name: str
    role: Role
    password: str = DEMO_PASSWORD


ADMIN = DemoLogin("anna.nowak@demo.example", "Anna Nowak", Role.ADMIN)
CLERK = DemoLogin("joerg.mueller@demo.example", "Jörg Müller", Role.CLERK)
SALES = DemoLogin("malgorzata.wisniewska@demo.example", "Małgorzata Wiśniewska", Role.SALES)
AUDITOR = DemoLogin("soren.kjaergaard@demo.example", "Søren Kjærgaard", Role.AUDITOR)
DEMO_USERS = (ADMIN, CLERK, SALES, AUDITOR)

#: Who looks after a customer (cover sheet): the sales user, or colleagues without a login.
ACCOUNT_MANAGERS = (SALES.display_name, "Thomas Bäumer", "Ilse Öztürk")
