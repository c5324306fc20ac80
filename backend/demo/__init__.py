"""Demo data: a realistic tenant for trying Dossier (``dossier demo``, and ``./dev run`` on a
fresh database).

The demo tenant ``demo`` ("Demo Handel GmbH", a German parts wholesaler) gets a cover schema, seven
registers, nine document types, four users (one per role, password ``demo-password``), customers
across Central Europe whose names and addresses exercise Polish, German, Czech, Danish … letters,
and two years of documents: PDFs with a real text layer, photos, sketches and e-mails, some with
later versions and metadata changes. Everything goes through the public services.
"""

from __future__ import annotations

from backend.demo.seed import DemoSummary, demo_present, seed_demo
from backend.demo.users import DEMO_PASSWORD, DemoLogin

__all__ = ["DEMO_PASSWORD", "DemoLogin", "DemoSummary", "demo_present", "seed_demo"]
